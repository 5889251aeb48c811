from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _media(settings, tmp_path) -> None:
    # Stored PDFs and imported images go to a scratch directory, never to var/.
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                    "OPTIONS": {"location": tmp_path / "private", "base_url": None}},
    }
