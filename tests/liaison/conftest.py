from __future__ import annotations

import io
import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connections
from PIL import Image

from liaison import services


def png_upload(name: str = "photo.png", size: tuple[int, int] = (40, 30)) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def meet_after_roster_check(monkeypatch):
    """Both threads have checked their roster when they meet; unlocked, both rosters are then written."""
    barrier, check = threading.Barrier(2, timeout=1.5), services.roster_problems

    def check_then_meet(**kwargs):
        problems = check(**kwargs)
        try:
            barrier.wait()
        except threading.BrokenBarrierError:  # the other thread waits for a lock this one holds
            pass
        return problems

    monkeypatch.setattr(services, "roster_problems", check_then_meet)


def run_in_threads(*targets) -> None:
    """Run each target in its own thread (and database connection) and wait for all of them."""
    def run(target):
        try:
            target()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(t,)) for t in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

