"""Stored files that no row points at any more, and their removal.

A file is written before the row that names it is committed. When the transaction rolls back
(a failed workflow move, a crash), when a row is deleted (a photo with its opinion) or when a
field is given a new file (a deputy's new photo, a bulletin rendered again), Django leaves the
file where it is. A roster upload that was previewed and never confirmed stays too. Nothing points
at such files; some hold residents' photos, which must not outlive their opinion.

The media directories (MEDIA_ROOT, PRIVATE_MEDIA_ROOT) belong to the app: every file in a storage
that a model's file field uses is either named by a row or an orphan. Only files older than a
grace period are orphans, so that a file whose transaction is still open is never taken.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from dataclasses import dataclass

from django.apps import apps
from django.core.files.storage import Storage
from django.db import models
from django.utils import timezone


@dataclass(frozen=True)
class Orphan:
    storage: Storage
    name: str
    size: int

    @property
    def path(self) -> str:
        return self.storage.path(self.name)


def _fields_by_storage() -> dict[str, tuple[Storage, list[tuple[type[models.Model], str]]]]:
    """Each file storage the models use (keyed by its directory), with the (model, field) pairs on it."""
    found: dict[str, tuple[Storage, list[tuple[type[models.Model], str]]]] = {}
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.FileField):
                storage = field.storage
                found.setdefault(os.path.realpath(storage.location), (storage, []))[1].append((model, field.attname))
    return found


def _walk(storage: Storage, directory: str = "") -> Iterator[str]:
    dirs, files = storage.listdir(directory)
    for name in files:
        yield f"{directory}{name}"
    for name in dirs:
        yield from _walk(storage, f"{directory}{name}/")


def orphan_files(*, older_than: dt.timedelta = dt.timedelta(hours=24)) -> list[Orphan]:
    """The files in the models' storages that no row names, last written before `older_than` ago."""
    cutoff = timezone.now() - older_than
    orphans = []
    for storage, fields in _fields_by_storage().values():
        if not os.path.isdir(storage.location):
            continue
        named = set()
        for model, attname in fields:
            named.update(model._base_manager.exclude(**{attname: ""}).values_list(attname, flat=True).iterator())
        for name in _walk(storage):
            if name not in named and storage.get_modified_time(name) < cutoff:
                orphans.append(Orphan(storage, name, storage.size(name)))
    return orphans


def remove_orphan_files(orphans: list[Orphan]) -> int:
    """Delete the files; those gone meanwhile are skipped. Returns how many were deleted."""
    removed = 0
    for orphan in orphans:
        if orphan.storage.exists(orphan.name):
            orphan.storage.delete(orphan.name)
            removed += 1
    return removed
