from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from liaison import services
from tests.races import meet_at


def png_upload(name: str = "photo.png", size: tuple[int, int] = (40, 30)) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def meet_after_roster_check(monkeypatch):
    """Both threads have checked their roster when they meet; unlocked, both rosters are then written."""
    meet_at(monkeypatch, services, "roster_problems")

