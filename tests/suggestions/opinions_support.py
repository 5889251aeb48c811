"""Fixtures and helpers shared by the tests of residents' opinions."""

from __future__ import annotations

import io

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests.factories import DeputyFactory, MembershipFactory, RegionFactory, UserFactory


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Rate-limit counters live in the cache: each test starts with none.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def village(township):
    return RegionFactory(code="411025100201", name="北关村", parent=township)


@pytest.fixture
def deputy_user(village):
    user = UserFactory(role="deputy", username="zhang", email="")
    DeputyFactory(user=user, name="张建国", residence=village, email="zhang@example.cn")
    return user


@pytest.fixture
def colleague_user(village):
    """Another deputy in the same township: must not see zhang's opinions."""
    user = UserFactory(role="deputy", username="li")
    DeputyFactory(user=user, name="李秀英", residence=village)
    return user


@pytest.fixture
def group_with_members(township, deputy_user, colleague_user):
    membership = MembershipFactory(deputy=colleague_user.deputy, group__region=township, group__name="城关镇第一小组")
    return membership.group


def photo_bytes(fmt: str = "JPEG", size: tuple[int, int] = (64, 48), gps: bool = True) -> bytes:
    img = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    if gps:
        exif[0x8825] = {1: "N", 2: (34.0, 1.0, 2.0), 3: "E", 4: (113.0, 29.0, 1.0)}
    out = io.BytesIO()
    img.save(out, format=fmt, exif=exif) if fmt == "JPEG" else img.save(out, format=fmt)
    return out.getvalue()


def upload(name: str = "a.jpg", data: bytes | None = None, content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, photo_bytes() if data is None else data, content_type=content_type)


def form_data(**overrides) -> dict:
    data = {"content": "北关村主街下水道堵塞，一下雨就积水，老人孩子出行很不方便。", "place_detail": "主街东头",
            "resident_name": "赵大娘", "resident_phone": "13912345678", "callback_ok": "on", "consent": "on",
            "website": ""}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}
