"""Stored files no row names any more, and `manage.py clean_files`."""

from __future__ import annotations

import datetime as dt
import io
import os
import time

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import CommandError, call_command
from django.db import transaction

from deputywork.files import orphan_files
from suggestions.models import OpinionPhoto
from tests.factories import DeputyFactory, OpinionFactory

pytestmark = pytest.mark.django_db


def age(path: str, hours: float) -> None:
    """Make the file look written `hours` ago."""
    then = time.time() - hours * 3600
    os.utime(path, (then, then))


def photo(opinion) -> OpinionPhoto:
    item = OpinionPhoto(opinion=opinion)
    item.image.save("photo.jpg", ContentFile(b"\xff\xd8 jpeg"), save=True)
    return item


@pytest.fixture
def opinion(township):
    return OpinionFactory(deputy=DeputyFactory(residence=township), region=township)


def test_files_go_to_the_tests_scratch_directories(settings, opinion):
    private = photo(opinion).image.path
    public = DeputyFactory()
    public.photo.save("zhang.jpg", ContentFile(b"\xff\xd8 jpeg"), save=True)
    assert private.startswith(str(settings.PRIVATE_MEDIA_ROOT))
    assert public.photo.path.startswith(str(settings.MEDIA_ROOT))


def test_a_rolled_back_photo_is_an_orphan_once_the_grace_period_is_over(opinion):
    kept = photo(opinion)
    with pytest.raises(RuntimeError), transaction.atomic():
        lost = photo(opinion)
        raise RuntimeError("the workflow move failed after the file was written")
    assert not OpinionPhoto.objects.filter(pk=lost.pk).exists() and os.path.exists(lost.image.path)

    assert orphan_files() == []  # written just now: its transaction could still be open
    age(lost.image.path, 25)
    age(kept.image.path, 25)
    assert [o.name for o in orphan_files()] == [lost.image.name]
    assert [o.name for o in orphan_files(older_than=dt.timedelta(hours=30))] == []


def test_clean_files_deletes_orphans_of_every_storage_and_keeps_named_files(opinion):
    kept = photo(opinion)
    deleted = photo(opinion)  # a resident's photo must not outlive its opinion
    OpinionPhoto.objects.filter(pk=deleted.pk).delete()
    replaced = DeputyFactory()
    replaced.photo.save("old.jpg", ContentFile(b"old"), save=True)
    old_path = replaced.photo.path
    replaced.photo.save("new.jpg", ContentFile(b"new"), save=True)
    pending = storages["private"].save("roster-imports/7/名册.xlsx", ContentFile(b"never confirmed"))
    paths = [kept.image.path, deleted.image.path, old_path, replaced.photo.path, storages["private"].path(pending)]
    for path in paths:
        age(path, 48)

    out = io.StringIO()
    call_command("clean_files", stdout=out)

    assert [os.path.exists(p) for p in paths] == [True, False, False, True, False]
    assert "已删除3个无记录引用的文件" in out.getvalue()


def test_clean_files_dry_run_lists_and_deletes_nothing(opinion):
    item = photo(opinion)
    OpinionPhoto.objects.filter(pk=item.pk).delete()
    age(item.image.path, 48)
    out = io.StringIO()
    call_command("clean_files", "--dry-run", stdout=out)
    assert item.image.path in out.getvalue() and "1个文件无记录引用" in out.getvalue()
    assert os.path.exists(item.image.path)


def test_clean_files_refuses_a_grace_period_under_an_hour():
    with pytest.raises(CommandError, match="至少为1"):
        call_command("clean_files", "--hours", "0")
