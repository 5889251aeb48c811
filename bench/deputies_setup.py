"""Shared start-up for the benchmarks: a throw-away database unless DATABASE_URL names one."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def django_setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "deputywork.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only")
    os.environ.setdefault("STATIC_MANIFEST", "0")
    if "DATABASE_URL" not in os.environ:
        path = Path(tempfile.mkdtemp(prefix="dw-bench-")) / "bench.sqlite3"
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    media = tempfile.mkdtemp(prefix="dw-bench-media-")
    os.environ.setdefault("MEDIA_ROOT", media)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
