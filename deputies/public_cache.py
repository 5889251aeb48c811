"""Public QR pages rendered once and kept in the cache until something they show changes.

Every resident who scans a deputy's QR code gets the same page, so it is rendered once and
then served from the cache (Redis in production) in one round trip. Each entry is stored with
the "public version" it was rendered under; a write to anything the public pages show
(deputies, seats, congresses, groups, memberships, regions, liaison stations and who is
stationed there, the opinion form's categories, and the users the form notifies)
sets a new version, and the next request renders again. Model signals catch saves and
deletes (see `connect`) and changes to many-to-many fields (`connect_m2m`); services that
write in bulk or with `QuerySet.update` call `public_pages_changed()` themselves.

The version is set at once and again after commit: at once so the writer's own next request
sees the change, after commit so that a page rendered from the old rows while the write was
in flight is not kept.

An entry asked for with `keep=True` (the recipient of the opinion form, read on every submit)
is also kept in the process's own memory, under the version it was made for: while the process
holds it, a request reads only the version from the cache, and unpickles nothing.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpRequest

T = TypeVar("T")

VERSION_KEY = "public-pages:version"
# A backstop only: entries are replaced as soon as the version changes.
ENTRY_SECONDS = 3600
# Local memory is one process's own: another process does not see a new version, so there an
# entry lives no longer than a browser may keep the page anyway (its Cache-Control max-age).
LOCAL_ENTRY_SECONDS = 300
# Entries kept in the process's memory as well (`keep=True`): the ones stored last, this many.
KEPT_ENTRIES = 512

# key: (version, value, monotonic deadline). The deadline is the cache entry's own timeout.
_kept: dict[str, tuple[str, Any, float]] = {}
_kept_lock = threading.Lock()


def public_pages_changed() -> None:
    """Forget every cached public page (now, and again when the current transaction commits)."""
    _new_version()
    transaction.on_commit(_new_version)


def _new_version() -> None:
    cache.set(VERSION_KEY, secrets.token_hex(8), None)


def entry_keys(key: str, keep: bool = False) -> list[str]:
    """The cache keys `cached(key, …, keep=keep)` reads, for a caller that fetches them with
    other work: the version alone while this process keeps the entry itself."""
    key = f"public-pages:{key}"
    return [VERSION_KEY] if keep and _held(key) is not None else [VERSION_KEY, key]


def cached(key: str, compute: Callable[[], T], found: dict[str, Any] | None = None, keep: bool = False) -> T:
    """`compute()`, or what it returned last under the current public version.

    One cache round trip when the entry is fresh, none when the caller passes what it
    `found` under `entry_keys(key, keep)`. The version is read before `compute` runs, so a
    change committed while computing leaves an entry that is already stale. With `keep`, the
    value is also kept in this process (see the module's notes): it must be one that no
    caller changes.
    """
    key = f"public-pages:{key}"
    held = _held(key) if keep else None
    if found is None:
        found = cache.get_many([VERSION_KEY] if held is not None else [VERSION_KEY, key])
    version = found.get(VERSION_KEY)
    if held is not None and version is not None and held[0] == version:
        return held[1]
    entry = found.get(key)
    if entry is None and held is not None:  # only the version was read: the entry may be newer
        entry = cache.get(key)
    if version is not None and entry is not None and entry[0] == version:
        value = entry[1]
    else:
        if version is None:
            cache.add(VERSION_KEY, secrets.token_hex(8), None)
            version = cache.get(VERSION_KEY)
        value = compute()
        cache.set(key, (version, value), _entry_seconds())
    if keep and version is not None:
        with _kept_lock:
            _kept.pop(key, None)  # stored anew: it goes to the end, the newest
            if len(_kept) >= KEPT_ENTRIES:
                del _kept[next(iter(_kept))]  # the one stored longest ago
            _kept[key] = (version, value, time.monotonic() + _entry_seconds())
    return value


def _held(key: str) -> tuple[str, Any, float] | None:
    held = _kept.get(key)
    return held if held is not None and held[2] > time.monotonic() else None


def _entry_seconds() -> int:
    return LOCAL_ENTRY_SECONDS if isinstance(caches[DEFAULT_CACHE_ALIAS], LocMemCache) else ENTRY_SECONDS


def is_plain_visitor(request: HttpRequest) -> bool:
    """No session and no pending messages: the page looks the same for every such visitor.

    A resident scanning a QR code is one; a logged-in clerk is not (the page shows their
    name and menu), so their pages are rendered for them.
    """
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME not in cookies and "messages" not in cookies


def _changed(**kwargs: Any) -> None:
    if kwargs.get("raw"):  # loaddata
        return
    if set(kwargs.get("update_fields") or ()) == {"last_login"}:  # a login changes nothing shown
        return
    public_pages_changed()


def _m2m_changed(**kwargs: Any) -> None:
    if kwargs.get("action", "").startswith("post_"):  # post_add, post_remove, post_clear
        public_pages_changed()


def connect_m2m(*throughs: type) -> None:
    """Forget the public pages whenever rows are added to or removed from a many-to-many field
    (`Model.field.through`): `add()`, `remove()`, `set()` and `clear()` send no post_save."""
    for through in throughs:
        uid = f"public-pages:{through._meta.label}:m2m"
        m2m_changed.connect(_m2m_changed, sender=through, dispatch_uid=uid, weak=False)


def connect(*models: type) -> None:
    """Forget the public pages whenever one of `models` is saved or deleted."""
    for model in models:
        uid = f"public-pages:{model._meta.label}"
        post_save.connect(_changed, sender=model, dispatch_uid=uid + ":save", weak=False)
        post_delete.connect(_changed, sender=model, dispatch_uid=uid + ":delete", weak=False)
