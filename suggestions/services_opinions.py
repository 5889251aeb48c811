"""Writes on residents' opinions: submit, rate, reassign, forward dates, rate limits, photos.

Status moves go through `suggestions.workflow.opinion_transition`; this module holds the
writes around them. Nothing here logs a resident's name or phone.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

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


def rate_limit_hit(*, key: str, limit: int, window: int) -> bool:
    """Count one hit of `key` in the current fixed window; True when over `limit`.

    The counter lives in the configured cache (Redis in production), so every server
    process shares it. `cache.add` then `cache.incr` is atomic on Redis and local memory.
    """
    bucket = int(timezone.now().timestamp()) // window
    cache_key = f"opinion-rl:{key}:{window}:{bucket}"
    cache.add(cache_key, 0, timeout=window + 5)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.add(cache_key, 1, timeout=window + 5)
        count = 1
    return count > limit


def _digest(value: str) -> str:
    # Keys in the cache never hold a phone number or an address in clear.
    return hashlib.sha256(f"{settings.SECRET_KEY}:{value}".encode()).hexdigest()[:24]


def opinion_rate_check(*, ip: str, phone: str = "") -> None:
    """Raise RateLimited when this address or phone has sent too much (settings.OPINION_RATE_LIMITS)."""
    if not getattr(settings, "OPINION_RATE_LIMIT_ENABLED", True):
        return
    limits = getattr(settings, "OPINION_RATE_LIMITS", {})
    ip_limit, ip_window = limits.get("ip", (10, 60))
    if ip and rate_limit_hit(key=f"ip:{_digest(ip)}", limit=ip_limit, window=ip_window):
        raise RateLimited
    if phone:
        phone_limit, phone_window = limits.get("phone", (5, 3600))
        if rate_limit_hit(key=f"phone:{_digest(phone)}", limit=phone_limit, window=phone_window):
            raise RateLimited


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


@dataclass(frozen=True)
class Submitted:
    opinion: Opinion
    created: bool  # False when this was a double tap of an opinion already stored


def opinion_submit(*, content: str, deputy: Deputy | None = None, group: ActivityGroup | None = None,
                   station: LiaisonStation | None = None, reception: ReceptionEntry | None = None,
                   category: Category | None = None, place: Region | None = None, place_detail: str = "",
                   resident_name: str = "", resident_phone: str = "", callback_ok: bool = False,
                   consent: bool = False, channel: str = Channel.QR, entered_by: User | None = None,
                   photos: list[bytes] | None = None, sender: str = "") -> Submitted:
    """Store a resident's opinion (or return the one a double tap already stored).

    `sender` identifies who pressed the button (the client address, or the entering user)
    for the duplicate check; it is hashed into the fingerprint and not stored. Photos are
    JPEG bytes from `deputies.services.image_reencode`. Notifies the deputy (or the group's members) in the
    portal, and by email after commit where they have an address.
    """
    if deputy is None and group is None and station is None:
        raise ValueError("an opinion is sent to a deputy, a group or a station")
    content = content.strip()
    fingerprint = opinion_fingerprint(content=content, deputy_id=deputy.pk if deputy else None,
                                      group_id=group.pk if group else None, phone=resident_phone, sender=sender,
                                      station_id=station.pk if station else None)
    region = township_of(place) or opinion_target_region(deputy=deputy, group=group, station=station)
    region = township_of(region)
    with transaction.atomic():
        _lock_fingerprint(fingerprint)
        since = timezone.now() - dt.timedelta(seconds=DUPLICATE_WINDOW)
        existing = Opinion.objects.filter(fingerprint=fingerprint, submitted_at__gte=since).first()
        if existing is not None:
            return Submitted(existing, created=False)
        opinion = Opinion(
            channel=channel, deputy=deputy, group=group, station=station, reception=reception, region=region,
            place=place, place_detail=place_detail, category=category, content=content,
            resident_name=resident_name.strip(), resident_phone=resident_phone,
            callback_ok=callback_ok and bool(resident_phone), consent=consent, entered_by=entered_by,
            fingerprint=fingerprint,
        )
        # Field rules only: the form checked the choices, the database checks keys and uniqueness.
        opinion.full_clean(exclude=["tracking_code", "deputy", "group", "station", "reception", "region", "place",
                                    "category", "entered_by", "forwarded_to"], validate_unique=False,
                           validate_constraints=False)
        opinion.save()
        for data in (photos or [])[:MAX_PHOTOS]:
            photo = OpinionPhoto(opinion=opinion)
            photo.image.save("photo.jpg", ContentFile(data), save=True)
        OpinionEvent.objects.create(opinion=opinion, actor=entered_by, from_status="",
                                    to_status=OpinionStatus.SUBMITTED, note=Channel(channel).label,
                                    data={"channel": channel})
        _notify(opinion, _recipients(opinion))
    log.info("opinion %s submitted via %s", opinion.pk, channel)
    return Submitted(opinion, created=True)


def _lock_fingerprint(fingerprint: str) -> None:
    """Serialise submissions with one fingerprint until the transaction ends.

    PostgreSQL: a transaction-level advisory lock keyed by the fingerprint, so a second
    process waits and then finds the first one's row. SQLite: the project opens write
    transactions IMMEDIATE, which already serialises writers.
    """
    if connection.vendor == "postgresql":
        key = int(fingerprint[:15], 16)  # fits a signed bigint
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def _recipients(opinion: Opinion) -> list[User]:
    users: dict[int, User] = {}
    if opinion.deputy_id and opinion.deputy.user_id:
        users[opinion.deputy.user_id] = opinion.deputy.user
    if opinion.group_id:
        for membership in opinion.group.memberships.filter(ended_on__isnull=True, deputy__user__isnull=False) \
                .select_related("deputy__user"):
            users[membership.deputy.user_id] = membership.deputy.user
    if opinion.station_id and not opinion.deputy_id:
        for deputy in opinion.station.deputies.filter(user__isnull=False).select_related("user"):
            users[deputy.user_id] = deputy.user
    return [u for u in users.values() if u.is_active]


def _notify(opinion: Opinion, users: list[User]) -> None:
    """A portal notice for each user; an email after commit to those with an address."""
    for user in users:
        OpinionNotice.objects.get_or_create(user=user, opinion=opinion)
    emails = sorted({e for u in users for e in [_deputy_email(u)] if e})
    if not emails:
        return
    link = settings.SITE_BASE_URL + reverse("suggestions:inbox_detail", args=[opinion.pk])
    subject = "【代表工作平台】您收到一条新的群众意见"
    body = (f"群众通过“{opinion.get_channel_display()}”向您反映了一条意见"
            f"（查询码 {opinion.tracking_code}），请登录平台查看并及时受理：\n{link}\n")
    transaction.on_commit(lambda: send_mail(subject, body, None, emails, fail_silently=True))


def _deputy_email(user: User) -> str:
    deputy = getattr(user, "deputy", None)
    return (deputy.email if deputy is not None and deputy.email else "") or user.email


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
        if deputy.user_id:
            _notify(locked, [deputy.user])
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
    name and (mobile) phone, and then follows what was done on the spot, through the
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
            consent=True, channel=Channel.RECEPTION, entered_by=actor, sender=f"reception:{locked.uid}",
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
