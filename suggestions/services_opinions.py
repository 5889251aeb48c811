"""Writes on residents' opinions: submit, rate, reassign, forward dates, rate limits, photos.

Status moves go through `suggestions.workflow.opinion_transition`; this module holds the
writes around them. Nothing here logs a resident's name or phone.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import ipaddress
import json
import logging
import re
import weakref
from collections.abc import Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.core.cache.backends.redis import RedisCache
from django.core.files.base import ContentFile
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections, models, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone, translation
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import NoScriptError
from redis.exceptions import TimeoutError as RedisTimeoutError

from deputies.models import MOBILE_REGEX, ActivityGroup, Deputy
from deputywork.models import Region, RegionLevel, User
from deputywork.roles import is_staff_member
from deputywork.workdays import WorkingDay, add_working_days
from liaison.models import DeclineReason, Handling, LiaisonStation, ReceptionCategory, ReceptionEntry
from suggestions.models import (
    Category,
    Channel,
    EventKind,
    Opinion,
    OpinionEvent,
    OpinionNotice,
    OpinionPhoto,
    OpinionStatus,
    Rating,
)
from suggestions.workflow import TransitionRefused, opinion_transition

log = logging.getLogger(__name__)

MAX_PHOTOS = 3
# A double tap (or a re-sent form after a bad connection) within this many seconds is one opinion.
DUPLICATE_WINDOW = 60
# Photos are scaled down to this many pixels on the long side: enough to see a pothole.
PHOTO_MAX_SIDE = 2048


# --- rate limits ---------------------------------------------------------------------------------


class RateLimited(Exception):
    """Too many submissions from one address or for one phone number."""


# KEYS: each counter's key and its previous window's, then the entries to read; ARGV: the
# number of counters, then each counter's expiry. The key lives `2 * window + 5` seconds, so it
# is read again as the previous window's. A missing entry comes back as nil (Lua's false).
RATE_SCRIPT = """
local n = tonumber(ARGV[1])
local out = {}
for i = 1, n do
  redis.call('SET', KEYS[2 * i - 1], 0, 'EX', ARGV[1 + i], 'NX')
  out[#out + 1] = redis.call('INCR', KEYS[2 * i - 1])
  out[#out + 1] = redis.call('GET', KEYS[2 * i])
end
for j = 2 * n + 1, #KEYS do
  out[#out + 1] = redis.call('GET', KEYS[j])
end
return out
"""


RATE_SCRIPT_SHA = hashlib.sha1(RATE_SCRIPT.encode()).hexdigest()  # noqa: S324 - Redis names scripts so


def _run_rate_script(client: Any, keys: list[str], args: list[int]) -> list:
    """EVALSHA, loading the script into Redis first if Redis does not know it (a restart).

    Sent and read on a connection of the client's pool: redis-py's execute_command wraps each
    command in its retry and timing machinery (a fifth of this call's 150,000 instructions,
    counted with callgrind). When Redis does not know the script, or the connection fails, the
    command goes through execute_command, which reconnects and retries as redis-py does (a
    reply lost after Redis ran the script counts that hit twice: stricter, never looser).
    """
    command = ("EVALSHA", RATE_SCRIPT_SHA, len(keys), *keys, *args)
    pool = client.connection_pool
    connection = pool.get_connection()
    try:
        connection.send_command(*command)
        return connection.read_response()
    except NoScriptError:
        pass
    except (RedisConnectionError, RedisTimeoutError):
        connection.disconnect()
    finally:
        pool.release(connection)
    try:
        return client.execute_command(*command)
    except NoScriptError:
        client.script_load(RATE_SCRIPT)
        return client.execute_command(*command)


def rate_limit_hits(counters: list[tuple[str, int]], read: Sequence[str] = ()) -> tuple[list[float], dict]:
    """Count one hit on each `(key, window)` counter; for each, the hits in the last window,
    and the cache entries named in `read` (fetched in the same round trip).

    A sliding window estimated from two fixed ones: this window's count plus the previous
    window's, weighted by how much of it still lies within the last `window` seconds. (Fixed
    windows alone would let twice the limit through across a boundary.)

    The counters live in the configured cache, so every server process shares them. On Redis
    all of it is one command, a small Lua script (RATE_SCRIPT) that Redis runs atomically:
    per counter SET NX with an expiry, INCR, and a GET of the previous window, then the GETs
    of `read`. (A pipeline of the same commands cost the web process 150,000 more instructions
    per submit, counted with callgrind: redis-py packs and parses each command on its own.)
    Other caches use `add` then `incr`, atomic on local memory and memcached too.
    """
    now = timezone.now().timestamp()
    keys = []  # (this window's key, the previous window's, window, the previous window's weight)
    for key, window in counters:
        bucket, into = divmod(now, window)
        keys.append((f"opinion-rl:{key}:{window}:{int(bucket)}", f"opinion-rl:{key}:{window}:{int(bucket) - 1}",
                     window, 1 - into / window))
    backend = caches[DEFAULT_CACHE_ALIAS]
    counts: list[tuple[int, int]] = []  # (this window, the previous window)
    if isinstance(backend, RedisCache):
        # Django's Redis backend runs no scripts of its own; its client is a redis-py client.
        client = backend._cache.get_client(write=True)
        # make_key, not make_and_validate_key: the check is for memcached, these keys are ours.
        raw = [backend.make_key(key) for entry in keys for key in entry[:2]]
        raw += [backend.make_key(key) for key in read]
        replies = _run_rate_script(client, raw, [len(keys), *(2 * window + 5 for _, _, window, _ in keys)])
        counts = [(int(replies[i]), int(replies[i + 1] or 0)) for i in range(0, 2 * len(keys), 2)]
        loads = backend._cache._serializer.loads
        found = {key: loads(value) for key, value in zip(read, replies[2 * len(keys):], strict=True)
                 if value is not None}
    else:
        for key, previous, window, _ in keys:
            backend.add(key, 0, timeout=2 * window + 5)
            try:
                count = backend.incr(key)
            except ValueError:  # expired between add and incr
                backend.add(key, 1, timeout=2 * window + 5)
                count = 1
            counts.append((count, int(backend.get(previous) or 0)))
        found = backend.get_many(read) if read else {}
    return [current + earlier * weight for (current, earlier), (*_, weight) in zip(counts, keys, strict=True)], found


def _digest(value: str) -> str:
    # Keys in the cache never hold a phone number or an address in clear.
    return hashlib.sha256(f"{settings.SECRET_KEY}:{value}".encode()).hexdigest()[:24]


def _sender_network(ip: str) -> str:
    """What the per-address limit counts: an IPv4 address, or an IPv6 address's /64, since one
    phone or home line holds a whole /64 and may take a new address in it for every post."""
    if ":" not in ip:
        return ip
    try:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    except ValueError:
        return ip


def opinion_rate_check(*, ip: str, phone: str = "", read: Sequence[str] = ()) -> dict:
    """Raise RateLimited when this address or phone has sent too much (settings.OPINION_RATE_LIMITS).

    Returns the cache entries named in `read`, fetched in the same round trip as the counters.
    """
    limits = getattr(settings, "OPINION_RATE_LIMITS", {})
    checks = []  # (key, window, limit)
    if getattr(settings, "OPINION_RATE_LIMIT_ENABLED", True):
        if ip:
            ip_limit, ip_window = limits.get("ip", (10, 60))
            checks.append((f"ip:{_digest(_sender_network(ip))}", ip_window, ip_limit))
        if phone:
            phone_limit, phone_window = limits.get("phone", (5, 3600))
            checks.append((f"phone:{_digest(phone)}", phone_window, phone_limit))
    if not checks:
        return caches[DEFAULT_CACHE_ALIAS].get_many(read) if read else {}
    counts, found = rate_limit_hits([(key, window) for key, window, _ in checks], read)
    if any(count > limit for count, (_, _, limit) in zip(counts, checks, strict=True)):
        raise RateLimited
    return found


# --- submitting ----------------------------------------------------------------------------------


def township_of(region: Region | None) -> Region | None:
    """The township a village lies in, the township itself, or None above township level."""
    if region is None:
        return None
    if region.level == RegionLevel.VILLAGE:
        return region.parent
    if region.level == RegionLevel.TOWNSHIP:
        return region
    return None


def opinion_target_region(*, deputy: Deputy | None, group: ActivityGroup | None,
                          station: LiaisonStation | None = None) -> Region | None:
    """Where the villages of the form come from: the deputy's township, the group's or the station's region."""
    if deputy is not None and deputy.residence_id:
        return township_of(deputy.residence) or deputy.residence
    if group is not None:
        return group.region
    if station is not None:
        return township_of(station.region) or station.region
    return None


def opinion_fingerprint(*, content: str, deputy_id: int | None, group_id: int | None, phone: str,
                        sender: str, station_id: int | None = None) -> str:
    """Same text, same recipient, same sender: the same fingerprint."""
    text = " ".join(content.split())
    raw = f"{text}|{deputy_id or ''}|{group_id or ''}|{phone}|{sender}"
    if station_id:
        raw += f"|s{station_id}"
    return hashlib.sha256(raw.encode()).hexdigest()


@functools.cache
def _channel_note(channel: str) -> str:
    """The first event's note: the channel's name, as stored text in the site's language."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(Channel(channel).label)


# What `opinion_submit` does not take from its caller, left out of the field checks.
_NOT_GIVEN = frozenset(f.name for f in Opinion._meta.fields) - {
    "channel", "content", "place_detail", "resident_name", "resident_phone"}


@dataclass(frozen=True)
class Submitted:
    opinion: Opinion
    created: bool  # False when this was a double tap of an opinion already stored


def opinion_submit(*, content: str, deputy: Deputy | None = None, group: ActivityGroup | None = None,
                   station: LiaisonStation | None = None, reception: ReceptionEntry | None = None,
                   category: Category | None = None, place: Region | None = None, place_detail: str = "",
                   resident_name: str = "", resident_phone: str = "", callback_ok: bool = False,
                   consent: bool = False, channel: str = Channel.QR, entered_by: User | None = None,
                   photos: list[bytes] | None = None, sender: str = "",
                   township: Region | None = None) -> Submitted:
    """Store a resident's opinion (or return the one a double tap already stored).

    `sender` identifies who pressed the button (the client address, or the entering user)
    for the duplicate check; it is hashed into the fingerprint and not stored. The opinion is
    filed under the township of `place`, else `township` (a station's, for what its register
    recorded), else the recipient's. Photos are
    JPEG bytes from `deputies.services.image_reencode`. Notifies the deputy (or the group's members,
    or the station's deputies) in the portal; `manage.py send_notices` mails them from there.
    """
    if deputy is None and group is None and station is None:
        raise ValueError("an opinion is sent to a deputy, a group or a station")
    content = content.strip()
    fingerprint = opinion_fingerprint(content=content, deputy_id=deputy.pk if deputy else None,
                                      group_id=group.pk if group else None, phone=resident_phone, sender=sender,
                                      station_id=station.pk if station else None)
    region = township_of(place) or township or opinion_target_region(deputy=deputy, group=group, station=station)
    region = township_of(region)
    relations = {name: value for name, value in (("deputy", deputy), ("group", group), ("station", station),
                                                 ("reception", reception), ("region", region), ("place", place),
                                                 ("category", category), ("entered_by", entered_by))
                 if value is not None}
    opinion = _new_instance(Opinion, {
        "channel": channel, "place_detail": place_detail, "content": content, "resident_name": resident_name.strip(),
        "resident_phone": resident_phone, "callback_ok": callback_ok and bool(resident_phone), "consent": consent,
        "fingerprint": fingerprint}, relations)
    # The field rules (lengths, the phone, the channel) of what the caller gave: the other fields
    # hold their defaults, and the database checks keys, uniqueness and constraints.
    opinion.full_clean(exclude=_NOT_GIVEN, validate_unique=False, validate_constraints=False)
    event = {"actor_id": entered_by.pk if entered_by else None, "from_status": "",
             "to_status": OpinionStatus.SUBMITTED, "note": _channel_note(channel), "data": {"channel": channel}}
    photos = (photos or [])[:MAX_PHOTOS]
    # Without photos on PostgreSQL no transaction is opened here: the one statement string that
    # stores everything is a transaction by itself (or part of the caller's).
    # The connection itself: each attribute of the `connection` proxy looks it up again.
    db = connections[DEFAULT_DB_ALIAS]
    with transaction.atomic() if photos or db.vendor != "postgresql" else nullcontext():
        existing_pk = _store_once(db, opinion, event, _recipients(opinion))
        if existing_pk is not None:
            return Submitted(Opinion.objects.get(pk=existing_pk), created=False)
        for data in photos:
            photo = OpinionPhoto(opinion=opinion)
            photo.image.save("photo.jpg", ContentFile(data), save=True)
    log.info("opinion %s submitted via %s", opinion.pk, channel)
    return Submitted(opinion, created=True)


def _store_once(db: BaseDatabaseWrapper, opinion: Opinion, event: dict[str, Any], notify: list[int]) -> int | None:
    """Store the opinion, its first event (`event`: its fields by attname) and the portal notices,
    unless a double tap did.

    Returns the id of the opinion stored by the same fingerprint within DUPLICATE_WINDOW, or
    None once `opinion` is saved. Submissions with one fingerprint are serialised until the
    transaction ends. PostgreSQL: a transaction-level advisory lock keyed by the fingerprint,
    so a second process waits, then finds the first one's row. The lock, the look-up and the
    three inserts go in one string, one round trip (see `_store_statement`). SQLite: the project
    opens write transactions IMMEDIATE, which already serialises writers.
    """
    since = timezone.now() - dt.timedelta(seconds=DUPLICATE_WINDOW)
    if db.vendor != "postgresql":
        existing = Opinion.objects.filter(fingerprint=opinion.fingerprint, submitted_at__gte=since)
        existing_pk = existing.values_list("pk", flat=True).first()
        if existing_pk is None:
            opinion.save()
            OpinionEvent.objects.create(opinion=opinion, **event)
            OpinionNotice.objects.bulk_create([OpinionNotice(user_id=pk, opinion=opinion) for pk in notify],
                                              ignore_conflicts=True)
        return existing_pk
    statement = _store_statement()
    now = opinion.submitted_at = opinion.updated_at = timezone.now()  # as a save() sets them
    at = _json_value(now)
    rows = [_row(statement.opinion_fields, opinion.__dict__, at), _row(statement.event_fields, event, at),
            _row(statement.notice_fields, {}, at), notify]
    params = [int(opinion.fingerprint[:15], 16),  # the lock's key fits a bigint
              opinion.fingerprint, since, json.dumps(rows, ensure_ascii=False, default=_json_value)]
    if db.in_atomic_block or db.settings_dict.get("DISABLE_SERVER_SIDE_CURSORS"):
        # Inside the caller's transaction (photos, an entry by staff) a failed string could not be
        # sent again, and behind a pooler in transaction mode the next transaction may run in
        # another session: the statement goes whole, unprepared.
        return _stored(opinion, *_run(db, statement.direct, params))
    db.ensure_connection()
    session = db.connection
    prepared = session in _PREPARED
    try:
        found = _run(db, statement.execute if prepared else statement.prepare + statement.execute, params)
    except DatabaseError as exc:
        # Outside a transaction a failed string leaves nothing behind (but a PREPARE, which
        # outlives it), so it is sent again when the session turns out to lack the statement
        # (26000: DEALLOCATE, a pooler) or to hold it already (42P05).
        if getattr(exc.__cause__, "sqlstate", None) not in ("26000", "42P05"):
            raise
        found = _run(db, statement.prepare + statement.execute if prepared else statement.execute, params)
    _PREPARED.add(session)
    return _stored(opinion, *found)


def _run(db: BaseDatabaseWrapper, sql: str, params: list) -> tuple[int, bool]:
    """The id of the opinion stored or found, and whether it was found: the last statement's row.

    On the connection's own psycopg cursor, with Django's error translation: Django's cursor
    (its wrapper, its checks for an event loop, its time zone set up per cursor) cost the
    submit 115,000 instructions, counted with callgrind, as much as psycopg's own. Where Django
    records or wraps queries (DEBUG, the tests' query counts, `execute_wrapper`), its cursor.
    """
    if db.queries_logged or db.execute_wrappers:
        with db.cursor() as cursor:
            cursor.execute(sql, params)
            while cursor.nextset():
                pass
            return cursor.fetchone()
    db.ensure_connection()
    db.validate_no_broken_transaction()
    with db.wrap_database_errors, db.connection.cursor() as cursor:
        cursor.execute(sql, params)
        while cursor.nextset():
            pass
        return cursor.fetchone()


def _stored(opinion: Opinion, pk: int, found: bool) -> int | None:
    if found:
        return pk
    # The dates were set on the instance as they were prepared (pre_save), as a save() does.
    opinion.pk, opinion._state.adding = pk, False
    return None


# The PostgreSQL sessions (psycopg connections) known to hold the prepared store statement.
_PREPARED: weakref.WeakSet = weakref.WeakSet()


@dataclass(frozen=True)
class StoreStatement:
    prepare: str  # PREPARE …; (once per database session)
    execute: str  # the lock, then EXECUTE …, with %s for psycopg to bind on the client
    direct: str  # the lock and the statement itself, for sessions that cannot keep it
    # Each row's fields: (column, attname, set on save, field), see `_row`.
    opinion_fields: tuple
    event_fields: tuple
    notice_fields: tuple


@functools.cache
def _store_statement() -> StoreStatement:
    """The submit's statement, prepared once per database session and then only executed.

    Planning this statement cost PostgreSQL as much as running it (0.3 of 0.7 ms CPU per
    submit, measured): prepared, it is planned once per session, and after five runs not at
    all (a generic plan). The three rows and the users to notify come as one JSON array, and
    `jsonb_populate_record` reads each row into its table's columns, which PostgreSQL does in C;
    binding forty parameters one by one took psycopg longer on the client than the rest of the
    submit's database work. The advisory lock stays a statement of its own ahead of EXECUTE: in
    READ COMMITTED each statement takes its own snapshot, and the look-up's must come after the
    lock is held. A session keeps the statement between transactions; behind a pooler in
    transaction mode it may not, and such a database is set DISABLE_SERVER_SIDE_CURSORS (as
    Django asks): the statement then goes whole each time (`direct`).
    """
    quote = connection.ops.quote_name
    # The parameters, in the order they appear in the statement: the fingerprint, `since`, and
    # a JSON array of the three rows and the ids of the users to notify.
    types = [Opinion._meta.get_field(name).db_type(connection) for name in ("fingerprint", "submitted_at")]
    types += ["jsonb"]
    # The columns each row fills from its JSON; the others are SQL (the new opinion's id, the user).
    computed = {OpinionEvent: {"opinion_id": "stored.id"},
                OpinionNotice: {"opinion_id": "stored.id", "user_id": "u.id::bigint"}}

    def columns(model: type[models.Model]) -> list[models.Field]:
        return [f for f in model._meta.local_concrete_fields if not f.primary_key]

    def insert(model: type[models.Model], row: int, before: str = "", after: str = "") -> str:
        """INSERT INTO model (…) SELECT …, the row read from the `row`th of the rows as `r`."""
        sql = computed.get(model, {})
        names = ", ".join(quote(f.column) for f in columns(model))
        values = ", ".join(sql.get(f.attname, f"r.{quote(f.column)}") for f in columns(model))
        table = quote(model._meta.db_table)
        return (f"INSERT INTO {table} ({names}) SELECT {values} "
                f"FROM input, {before}jsonb_populate_record(NULL::{table}, input.rows -> {row}) AS r{after}")

    def body(p: list[str]) -> str:
        return (  # noqa: S608 - table and column names only; every value is a parameter
            f"WITH existing AS (SELECT id FROM {quote(Opinion._meta.db_table)} WHERE fingerprint = {p[0]} "
            f"AND submitted_at >= {p[1]} LIMIT 1), "
            f"input AS (SELECT {p[2]} AS rows), "  # after `existing`: `direct` binds in the order written
            f"stored AS ({insert(Opinion, 0)} WHERE NOT EXISTS (SELECT FROM existing) RETURNING id), "
            f"event AS ({insert(OpinionEvent, 1, 'stored, ')}), "
            f"notice AS ({insert(OpinionNotice, 2, 'stored, ', ', jsonb_array_elements(input.rows -> 3) AS u(id)')} "
            f"ON CONFLICT DO NOTHING) "
            f"SELECT id, false FROM stored UNION ALL SELECT id, true FROM existing")

    def row_fields(model: type[models.Model]) -> tuple:
        return tuple((f.column, f.attname, bool(getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)), f)
                     for f in columns(model) if f.attname not in computed.get(model, {}))

    prepared = body([f"${i}" for i in range(1, len(types) + 1)])
    # The name carries the text's digest: a changed model never meets an older statement.
    name = "opinion_store_" + hashlib.sha256(prepared.encode()).hexdigest()[:12]
    lock = "SELECT pg_advisory_xact_lock(%s); "
    return StoreStatement(
        prepare=f"PREPARE {name} ({', '.join(types)}) AS {prepared}; ".replace("%", "%%"),
        execute=f"{lock}EXECUTE {name} ({', '.join(f'%s::{t}' for t in types)})",
        direct=lock + body([f"%s::{t}" for t in types]),
        opinion_fields=row_fields(Opinion), event_fields=row_fields(OpinionEvent),
        notice_fields=row_fields(OpinionNotice))


def _new_instance(model: type[models.Model], values: dict[str, Any], relations: dict[str, models.Model]) -> Any:
    """`model(**values, **relations)`, for a new row: `values` by field name, `relations` the
    related objects given (the others stay empty).

    Built from all of the model's fields in order, as Django builds the rows it reads: its
    keyword path looks up each field's default and pops each keyword, which cost a resident's
    submit 27 µs where this costs 11 (a seventh of its own Python).
    """
    names, defaults, computed = _instance_plan(model)
    args = defaults.copy()
    for index, field in computed:
        args[index] = field.get_default()
    for name, value in values.items():
        args[names[name]] = value
    for name, value in relations.items():
        args[names[name]] = value.pk
    instance = model(*args)
    for name, value in relations.items():
        model._meta.get_field(name).set_cached_value(instance, value)
    return instance


@functools.cache
def _instance_plan(model: type[models.Model]) -> tuple[dict[str, int], list[Any], list[tuple[int, models.Field]]]:
    """For `_new_instance`: each field's place by name (a relation's by its name), the defaults
    that are values, and the fields whose default is made anew for each row (a callable)."""
    fields = model._meta.concrete_fields
    names = {f.name: i for i, f in enumerate(fields)}
    computed = [(i, f) for i, f in enumerate(fields) if f.has_default() and callable(f.default)]
    defaults = [None if f.has_default() and callable(f.default) else f.get_default() for f in fields]
    return names, defaults, computed


def _row(fields: tuple, values: dict[str, Any], now: str) -> dict[str, Any]:
    """The row Django's insert would write for `fields` (StoreStatement's), by column, from
    `values` by attname (an instance's __dict__ will do): a field missing from `values` takes
    its default, a date set on save (auto_now, auto_now_add) takes `now` (as Django's save sets
    them, whatever was given). Texts, numbers, flags, keys, dates and JSON go into the JSON
    text as they are (see _json_value), which PostgreSQL reads into its columns; a NULL is left
    out, as `jsonb_populate_record` reads a missing key as NULL.
    """
    row = {}
    for column, attname, auto, field in fields:
        value = now if auto else values[attname] if attname in values else field.get_default()
        if value is not None:
            row[column] = value
    return row


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()  # in full: PostgreSQL reads the microseconds and the offset
    raise TypeError(f"{type(value).__name__} is not written as JSON here")


def _recipients(opinion: Opinion) -> list[int]:
    """The users told about a new opinion: its deputy, or the group's members, or the station's deputies."""
    found: set[int] = set()
    if opinion.deputy_id and opinion.deputy.user_id:
        # The public form loads the deputy with their user (and keeps both current in its cache).
        if opinion.deputy.user.is_active:
            found.add(opinion.deputy.user_id)
    if opinion.group_id and not opinion.deputy_id:
        found.update(opinion.group.memberships.filter(ended_on__isnull=True, deputy__user__is_active=True)
                     .values_list("deputy__user_id", flat=True))
    if opinion.station_id and not opinion.deputy_id:
        found.update(opinion.station.deputies.filter(user__is_active=True).values_list("user_id", flat=True))
    return sorted(found)


# --- after submission ----------------------------------------------------------------------------

RATEABLE = {OpinionStatus.ANSWERED, OpinionStatus.CLOSED}


def opinion_can_rate(opinion: Opinion) -> bool:
    return opinion.status in RATEABLE and bool(opinion.public_reply) and not opinion.rating


def opinion_can_add_remark(opinion: Opinion) -> bool:
    return bool(opinion.rating) and not opinion.rating_remark


def opinion_rate(*, opinion: Opinion, rating: str, remark: str = "") -> Opinion:
    """The resident's rating of the answer (once), with an optional remark, or a remark alone
    afterwards (once). Not a status move, but written to the event log like one."""
    remark = remark.strip()[:500]
    with transaction.atomic():
        locked = Opinion.objects.select_for_update().get(pk=opinion.pk)
        fields: list[str] = []
        data: dict[str, str] = {}
        if rating:
            if not opinion_can_rate(locked):
                raise TransitionRefused("这条意见现在不能评价，或者已经评价过了。")
            if rating not in Rating.values:
                raise TransitionRefused("请选择满意、基本满意或不满意。")
            locked.rating, locked.rated_at = rating, timezone.now()
            fields += ["rating", "rated_at"]
            data["rating"] = rating
        elif not opinion_can_add_remark(locked):
            raise TransitionRefused("补充意见只能提交一次。")
        if remark:
            locked.rating_remark = remark
            fields.append("rating_remark")
            data["remark"] = "1"
        if not fields:
            raise TransitionRefused("请填写补充意见。")
        locked.save(update_fields=[*fields, "updated_at"])
        note = Rating(locked.rating).label if rating else ""
        OpinionEvent.objects.create(opinion=locked, actor=None, kind=EventKind.RATING, from_status=locked.status,
                                    to_status=locked.status, note=(note + ("；" if note and remark else "") + remark),
                                    data=data)
    opinion.refresh_from_db()
    return opinion


def opinion_reassign(*, opinion: Opinion, deputy: Deputy, actor: User, note: str = "") -> Opinion:
    """Staff send an opinion to another deputy (an event, and a notice to the new deputy)."""
    if not is_staff_member(actor):
        raise TransitionRefused("只有工作人员可以改派代表。")
    with transaction.atomic():
        locked = Opinion.objects.select_for_update(of=("self",)).select_related("deputy").get(pk=opinion.pk)
        if locked.status == OpinionStatus.CLOSED:
            raise TransitionRefused("已办结的意见不能改派。")
        if locked.deputy_id == deputy.pk:
            raise TransitionRefused("这条意见已经在该代表名下。")
        before = locked.deputy
        locked.deputy = deputy
        locked.save(update_fields=["deputy", "updated_at"])
        OpinionEvent.objects.create(
            opinion=locked, actor=actor, kind=EventKind.REASSIGN, from_status=locked.status, to_status=locked.status,
            note=f"由{before.name if before else '（无）'}改派给{deputy.name}" + (f"：{note}" if note else ""),
            data={"from_deputy": before.pk if before else None, "to_deputy": deputy.pk},
        )
        # It is no longer the others' to take up: their unread notices go (read ones stay).
        OpinionNotice.objects.filter(opinion=locked, read_at__isnull=True).exclude(user_id=deputy.user_id).delete()
        if deputy.user_id:
            # In the new deputy's portal at once; mailed by the next `send_notices` run.
            OpinionNotice.objects.bulk_create([OpinionNotice(user_id=deputy.user_id, opinion=locked)],
                                              ignore_conflicts=True)
    opinion.refresh_from_db()
    return opinion


def forward_due_date(working_days: int, start: dt.date | None = None) -> WorkingDay:
    """The due date of a small matter (小事快办): `working_days` working days from today."""
    return add_working_days(start or timezone.localdate(), working_days)


def notices_mark_read(*, user: User, opinion: Opinion) -> None:
    OpinionNotice.objects.filter(user=user, opinion=opinion, read_at__isnull=True).update(read_at=timezone.now())


# --- the reception register (接待登记) → opinions ---------------------------------------------------

# Register categories whose label differs from the editable opinion categories of the defaults.
RECEPTION_CATEGORY_NAMES = {"交通出行": "交通", "矛盾纠纷": "政法"}


def _category_for_reception(label: str) -> Category | None:
    name = RECEPTION_CATEGORY_NAMES.get(label, label)
    return Category.objects.filter(name=name, active=True).first()


def opinion_from_reception(*, entry: ReceptionEntry, actor: User) -> Opinion:
    """Turn one reception register entry into an opinion (channel 联络站接待), once.

    The opinion goes to the first deputy on duty and to the station, carries the visitor's
    name and (mobile) phone for handling, with no consent recorded (the register asks for none;
    the phone stays masked for deputies), and then follows what was done on the spot, through the
    workflow: answered on the spot → accepted and answered with the entry's reply; declined →
    declined with the reason and where the visitor was sent; forwarded or to become a
    suggestion → accepted, for the deputy to forward to a unit or start the suggestion.
    """
    if not is_staff_member(actor):
        raise TransitionRefused("只有工作人员可以把接待登记转为群众意见。")
    with transaction.atomic():
        locked = (ReceptionEntry.objects.select_for_update(of=("self",)).select_related("station__region")
                  .get(pk=entry.pk))
        if Opinion.objects.filter(reception=locked).exists():
            raise TransitionRefused("这条接待登记已经转为群众意见。")
        content = locked.matter.strip()
        if len(content) < 10:
            raise TransitionRefused("反映事项不足10个字，请先在接待登记中补充完整再转为意见。")
        deputies = list(locked.deputies.order_by("name", "pk"))
        phone = "".join(locked.visitor_phone.split())
        submitted = opinion_submit(
            content=content[:2000], deputy=deputies[0] if deputies else None, station=locked.station,
            reception=locked, category=_category_for_reception(ReceptionCategory(locked.category).label),
            resident_name=locked.visitor_name, resident_phone=phone if re.fullmatch(MOBILE_REGEX, phone) else "",
            consent=False, channel=Channel.RECEPTION, entered_by=actor, sender=f"reception:{locked.uid}",
            # Where the resident came: the station's township, not where its first deputy lives.
            township=township_of(locked.station.region),
        )
        opinion = submitted.opinion
        note = f"{locked.date:%Y-%m-%d} {locked.station.name}接待登记"
        if locked.handling == Handling.DECLINED:
            reason = DeclineReason(locked.decline_reason).label if locked.decline_reason else "不属于受理范围"
            opinion_transition(opinion=opinion, to=OpinionStatus.DECLINED, actor=actor, note=note,
                               decline_reason=f"{reason}，请到{locked.redirected_to}反映。")
        else:
            opinion_transition(opinion=opinion, to=OpinionStatus.ACCEPTED, actor=actor, note=note)
            if locked.handling == Handling.ANSWERED and locked.reply.strip():
                opinion_transition(opinion=opinion, to=OpinionStatus.ANSWERED, actor=actor, note="当场答复",
                                   public_reply=locked.reply.strip())
    log.info("reception entry %s became opinion %s", locked.pk, opinion.pk)
    return opinion
