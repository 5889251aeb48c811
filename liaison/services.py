"""Every write of the liaison app. Rules are checked here, in one transaction: a refused
input leaves nothing behind, and the message says why in Chinese."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from deputies.models import ActivityGroup, Deputy, new_public_token
from deputies.services import image_reencode
from deputywork.models import Region, RegionLevel
from deputywork.roles import region_within_scope
from deputywork.services import lock_rows
from liaison.models import (
    PUBLISH_DAYS_AHEAD,
    Activity,
    ActivityDay,
    ActivityDayEvent,
    ActivityDayStatus,
    ActivityKind,
    ActivityPhoto,
    Dispute,
    DisputeEvent,
    DisputeStatus,
    DutyShift,
    Handling,
    InvestmentEvent,
    InvestmentProject,
    InvestmentStatus,
    LiaisonStation,
    Participation,
    ReceptionEntry,
    activity_date_problem,
)

# Activity photos keep enough detail for a bulletin page.
PHOTO_MAX_SIDE = 2000

# --- stations --------------------------------------------------------------------------------


def station_rotate_token(*, station: LiaisonStation) -> LiaisonStation:
    """A new public address for the station; printed posters with the old QR code stop working."""
    station.public_token = new_public_token()
    station.save(update_fields=["public_token"])
    return station


# --- duty roster -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ShiftSpec:
    station: LiaisonStation
    deputy: Deputy
    start: dt.time
    end: dt.time


def _overlap(a_start: dt.time, a_end: dt.time, b_start: dt.time, b_end: dt.time) -> bool:
    return a_start < b_end and b_start < a_end


def roster_problems(*, activity_day: ActivityDay, shifts: Sequence[ShiftSpec]) -> list[str]:
    """Why this roster cannot stand: a shift that ends before it starts, or a deputy in two
    places at once (within the roster, or against another activity day of the same date)."""
    problems: list[str] = []
    for s in shifts:
        if s.end <= s.start:
            problems.append(f"{s.deputy.name}在{s.station.name}的值班结束时间应晚于开始时间。")
    by_deputy: dict[int, list[tuple[dt.time, dt.time, str]]] = defaultdict(list)
    for s in shifts:
        by_deputy[s.deputy.pk].append((s.start, s.end, s.station.name))
    others = DutyShift.objects.filter(date=activity_day.date, deputy_id__in=list(by_deputy)).select_related("station")
    if activity_day.pk is not None:  # a day being added in the admin has no shifts of its own yet
        others = others.exclude(activity_day=activity_day)
    for o in others:
        by_deputy[o.deputy_id].append((o.start, o.end, f"{o.station.name}（另一活动日）"))
    names = {s.deputy.pk: s.deputy.name for s in shifts}
    for deputy_id, spans in by_deputy.items():
        spans.sort()
        for i, (a_start, a_end, a_place) in enumerate(spans):
            for b_start, b_end, b_place in spans[i + 1:]:
                if _overlap(a_start, a_end, b_start, b_end):
                    problems.append(
                        f"{names.get(deputy_id, '')}代表在{activity_day.date:%m月%d日}"
                        f"{a_start:%H:%M}–{a_end:%H:%M}安排在{a_place}，"
                        f"{b_start:%H:%M}–{b_end:%H:%M}又安排在{b_place}，同一时间不能在两处值班。"
                    )
    return problems


def roster_lock(*, activity_day: ActivityDay, shifts: Sequence[ShiftSpec]) -> None:
    """Lock the day (once saved), then its deputies in pk order, before roster_problems reads their
    other shifts: two clerks cannot book one person twice at the same moment. Call inside
    `atomic()`; the locks hold until the roster is written and committed."""
    # No key: rows that merely refer to the day or the deputies (an opinion, a seat, a shift of
    # another day) need not wait, and a roster import that updates one deputy and then refers to
    # another cannot deadlock with this; two rosters still wait for each other.
    if activity_day.pk is not None:
        lock_rows(ActivityDay, [activity_day.pk], no_key=True)
    lock_rows(Deputy, [s.deputy.pk for s in shifts], no_key=True)


@transaction.atomic
def roster_set(*, activity_day: ActivityDay, shifts: Sequence[ShiftSpec]) -> list[DutyShift]:
    """Replace the duty roster of an activity day; refused whole if any line is wrong."""
    roster_lock(activity_day=activity_day, shifts=shifts)
    problems = roster_problems(activity_day=activity_day, shifts=shifts)
    if problems:
        raise ValidationError(problems)
    activity_day.shifts.all().delete()
    return DutyShift.objects.bulk_create(
        DutyShift(activity_day=activity_day, station=s.station, deputy=s.deputy, date=activity_day.date,
                  start=s.start, end=s.end)
        for s in shifts
    )


# --- activity day workflow -------------------------------------------------------------------

DAY_TRANSITIONS: dict[str, set[str]] = {
    ActivityDayStatus.DRAFT: {ActivityDayStatus.PUBLISHED, ActivityDayStatus.CANCELLED},
    ActivityDayStatus.PUBLISHED: {ActivityDayStatus.HELD, ActivityDayStatus.CANCELLED},
    ActivityDayStatus.HELD: set(),
    ActivityDayStatus.CANCELLED: set(),
}


def activity_day_transition(*, activity_day: ActivityDay, to: str, actor: Any, note: str = "",
                            today: dt.date | None = None) -> ActivityDay:
    """Publish, mark held or cancel an activity day. Publishing must happen at least
    PUBLISH_DAYS_AHEAD days before the day, so residents learn who will receive them. A township
    clerk reads the county's days but moves only their own township's (`actor` None: a script)."""
    today = today or timezone.localdate()
    with transaction.atomic():
        day = ActivityDay.objects.select_for_update().get(pk=activity_day.pk)
        if actor is not None and not region_within_scope(actor, day.region):
            raise ValidationError(f"{day.region.name}的活动日由{day.region.name}人大安排，您只能查看，不能更改。")
        if to not in DAY_TRANSITIONS.get(day.status, set()):
            raise ValidationError(
                f"活动日状态不能从“{ActivityDayStatus(day.status).label}”改为“{ActivityDayStatus(to).label}”。")
        if to == ActivityDayStatus.PUBLISHED and (day.date - today).days < PUBLISH_DAYS_AHEAD:
            raise ValidationError(f"值班安排应至少在活动日前{PUBLISH_DAYS_AHEAD}天公布"
                                  f"（最晚{day.publish_deadline:%Y年%m月%d日}）。")
        if to == ActivityDayStatus.HELD and day.date > today:
            raise ValidationError("活动日尚未到来，不能标记为已举行。")
        before = day.status
        day.status = to
        fields = ["status"]
        if to == ActivityDayStatus.PUBLISHED:
            day.published_at = timezone.now()
            fields.append("published_at")
        day.save(update_fields=fields)
        ActivityDayEvent.objects.create(activity_day=day, actor=actor, from_status=before, to_status=to, note=note)
    activity_day.status, activity_day.published_at = day.status, day.published_at
    return day


def activity_day_date_problem(*, activity_day: ActivityDay, date: dt.date,
                              today: dt.date | None = None) -> str | None:
    """Why a saved day cannot move to `date`: once its roster is published, residents must
    still learn of the new date at least PUBLISH_DAYS_AHEAD days before it."""
    if activity_day.pk is None or date == activity_day.date:
        return None
    if activity_day.status in (ActivityDayStatus.HELD, ActivityDayStatus.CANCELLED):
        return "已举行或已取消的活动日不能改期；如需另行安排，请新增活动日。"
    if activity_day.status != ActivityDayStatus.PUBLISHED:
        return None
    today = today or timezone.localdate()
    if (date - today).days < PUBLISH_DAYS_AHEAD:
        earliest = today + dt.timedelta(days=PUBLISH_DAYS_AHEAD)
        return (f"活动日已公布，改期后的日期应至少在{PUBLISH_DAYS_AHEAD}天之后"
                f"（最早{earliest:%Y年%m月%d日}），以便群众知晓。")
    return None


def activity_day_reschedule(*, activity_day: ActivityDay, date: dt.date, actor: Any,
                            today: dt.date | None = None) -> ActivityDay:
    """Move an activity day and its roster to another date, with one event row; a published day
    keeps its notice period and no deputy ends up in two places."""
    with transaction.atomic():
        day = ActivityDay.objects.select_for_update().get(pk=activity_day.pk)
        if date == day.date:
            return day
        problem = activity_day_date_problem(activity_day=day, date=date, today=today)
        if problem:
            raise ValidationError(problem)
        before = day.date
        day.date = date
        shifts = [ShiftSpec(s.station, s.deputy, s.start, s.end)
                  for s in day.shifts.select_related("station", "deputy")]
        roster_lock(activity_day=day, shifts=shifts)
        problems = roster_problems(activity_day=day, shifts=shifts)
        if problems:
            raise ValidationError(problems)
        day.save(update_fields=["date"])
        day.shifts.update(date=date)
        ActivityDayEvent.objects.create(
            activity_day=day, actor=actor if getattr(actor, "pk", None) else None, from_status=day.status,
            to_status=day.status, note=f"改期：{before:%Y-%m-%d} → {date:%Y-%m-%d}",
            data={"from": before.isoformat(), "to": date.isoformat()})
    activity_day.date = day.date
    return day


# --- activities ------------------------------------------------------------------------------


def _attendance_problem(invited: Iterable[Deputy], attended: Iterable[Deputy]) -> str | None:
    invited_ids = {d.pk for d in invited}
    strangers = [d.name for d in attended if d.pk not in invited_ids]
    if strangers:
        return f"签到名单中有未受邀的代表：{'、'.join(strangers)}。请先邀请再签到。"
    return None


def _encode_photos(photos: Sequence[Any]) -> tuple[list[Any], list[str]]:
    """Every upload checked and re-encoded before anything is written; the problems of all of them."""
    encoded, problems = [], []
    for upload in photos:
        try:
            encoded.append(image_reencode(upload=upload, max_side=PHOTO_MAX_SIDE))
        except ValidationError as exc:
            problems.extend(exc.messages)
    return encoded, problems


@transaction.atomic
def activity_create(*, kind: ActivityKind, title: str, date: dt.date, region: Region,
                    station: LiaisonStation | None = None, place: str = "",
                    activity_day: ActivityDay | None = None, groups: Iterable[ActivityGroup] = (),
                    invited: Sequence[Deputy] = (), attended: Sequence[Deputy] = (),
                    residents_count: int = 0, others_count: int = 0, summary: str = "",
                    opinions_gathered: int = 0, problems_solved: int = 0, outcome: str = "",
                    photos: Sequence[Any] = (), actor: Any = None, reported_by_deputy: bool = False) -> Activity:
    """Record an activity with its invited deputies, who signed in, and its photos — all or nothing."""
    problems = [p for p in (
        activity_date_problem(date=date, activity_day=activity_day),
        _attendance_problem(invited, attended),
        None if (station or place.strip()) else "请填写活动地点或选择联络站。",
    ) if p]
    encoded, photo_problems = _encode_photos(photos)
    problems.extend(photo_problems)
    if problems:
        raise ValidationError(problems)
    activity = Activity.objects.create(
        kind=kind, title=title, date=date, region=region, station=station, place=place, activity_day=activity_day,
        residents_count=residents_count, others_count=others_count, summary=summary,
        opinions_gathered=opinions_gathered, problems_solved=problems_solved, outcome=outcome,
        reported_by_deputy=reported_by_deputy, created_by=actor if getattr(actor, "pk", None) else None,
    )
    activity.groups.set(groups)
    signed = {d.pk for d in attended}
    now = timezone.now()
    Participation.objects.bulk_create(
        Participation(activity=activity, deputy=d, signed_in_at=now if d.pk in signed else None)
        for d in {d.pk: d for d in invited}.values()
    )
    for content in encoded:
        ActivityPhoto.objects.create(activity=activity, image=content)
    return activity


@transaction.atomic
def activity_set_attendance(*, activity: Activity, attended: Sequence[Deputy]) -> None:
    """Who signed in, as a whole list; someone not invited is refused."""
    parts = list(Participation.objects.select_for_update().filter(activity=activity).select_related("deputy"))
    problem = _attendance_problem([p.deputy for p in parts], attended)
    if problem:
        raise ValidationError(problem)
    wanted = {d.pk for d in attended}
    now = timezone.now()
    for p in parts:
        if (p.deputy_id in wanted) != p.attended:
            p.signed_in_at = now if p.deputy_id in wanted else None
            p.save(update_fields=["signed_in_at"])


def activity_sign_in(*, activity: Activity, deputy: Deputy, today: dt.date | None = None) -> Participation:
    """A deputy signs in to an activity they were invited to, on the day or after it."""
    today = today or timezone.localdate()
    with transaction.atomic():
        part = (Participation.objects.select_for_update()
                .filter(activity=activity, deputy=deputy).first())
        if part is None:
            raise ValidationError("您未受邀参加该活动，不能签到。")
        if activity.date > today:
            raise ValidationError(f"活动在{activity.date:%Y年%m月%d日}举行，当天才能签到。")
        if part.signed_in_at is None:
            part.signed_in_at = timezone.now()
            part.save(update_fields=["signed_in_at"])
    return part


def activity_record_results(*, activity: Activity, attended: Sequence[Deputy], photos: Sequence[Any] = ()) -> None:
    """Who signed in and the new photos, saved together: a photo that is not an image or a
    deputy who was not invited refuses the whole post, and no earlier photo stays behind."""
    encoded, problems = _encode_photos(photos)
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        activity_set_attendance(activity=activity, attended=attended)
        for content in encoded:
            ActivityPhoto.objects.create(activity=activity, image=content)


@transaction.atomic
def activity_photo_add(*, activity: Activity, upload: Any, caption: str = "") -> ActivityPhoto:
    image = image_reencode(upload=upload, max_side=PHOTO_MAX_SIDE)
    return ActivityPhoto.objects.create(activity=activity, image=image, caption=caption)


def deputy_home_region(deputy: Deputy) -> Region | None:
    """The township a deputy lives in, else the region of their first seat's congress."""
    if deputy.residence_id:
        region = deputy.residence
        if region.level == RegionLevel.VILLAGE and region.parent_id:
            return region.parent
        return region
    mandate = deputy.mandates.select_related("congress__region").first()
    return mandate.congress.region if mandate else None


def activity_record_own(*, deputy: Deputy, kind: ActivityKind, title: str, date: dt.date, place: str,
                        summary: str = "", residents_count: int = 0, photos: Sequence[Any] = (),
                        actor: Any = None, today: dt.date | None = None) -> Activity:
    """A short record of an activity a deputy did on their own (a visit, a forum)."""
    today = today or timezone.localdate()
    if date > today:
        raise ValidationError("只能记录已经开展的活动。")
    region = deputy_home_region(deputy)
    if region is None:
        raise ValidationError("您的居住地或代表资格尚未登记，请联系代表工委。")
    return activity_create(kind=kind, title=title, date=date, region=region, place=place, summary=summary,
                           residents_count=residents_count, invited=[deputy], attended=[deputy], photos=photos,
                           actor=actor, reported_by_deputy=True)


# --- reception register ----------------------------------------------------------------------


def reception_problems(*, handling: str, forwarded_level: str, forwarded_to: str, decline_reason: str,
                       redirected_to: str, deputies: Sequence[Deputy]) -> list[str]:
    problems = []
    if not deputies:
        problems.append("请选择接待代表。")
    if handling == Handling.FORWARDED and not (forwarded_level and forwarded_to.strip()):
        problems.append("转交办理的，请填写转交层级和转交至哪个村、乡镇或单位。")
    if handling == Handling.DECLINED and not (decline_reason and redirected_to.strip()):
        problems.append("不予受理的，请选择原因，并写明已引导来访人到哪里反映。")
    return problems


@transaction.atomic
def reception_record(*, station: LiaisonStation, date: dt.date, deputies: Sequence[Deputy], visitor_name: str,
                     matter: str, handling: str, visitor_phone: str = "", category: str = "other", reply: str = "",
                     forwarded_level: str = "", forwarded_to: str = "", decline_reason: str = "",
                     redirected_to: str = "", actor: Any = None) -> ReceptionEntry:
    """One visitor received at a station."""
    problems = reception_problems(handling=handling, forwarded_level=forwarded_level, forwarded_to=forwarded_to,
                                  decline_reason=decline_reason, redirected_to=redirected_to, deputies=deputies)
    if problems:
        raise ValidationError(problems)
    entry = ReceptionEntry.objects.create(
        station=station, date=date, visitor_name=visitor_name, visitor_phone=visitor_phone, matter=matter,
        category=category, handling=handling, reply=reply, forwarded_level=forwarded_level,
        forwarded_to=forwarded_to, decline_reason=decline_reason, redirected_to=redirected_to,
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    entry.deputies.set(deputies)
    return entry


# --- dispute ledger --------------------------------------------------------------------------

DISPUTE_TRANSITIONS: dict[str, set[str]] = {
    DisputeStatus.FOUND: {DisputeStatus.MEDIATING, DisputeStatus.RESOLVED, DisputeStatus.REFERRED},
    DisputeStatus.MEDIATING: {DisputeStatus.RESOLVED, DisputeStatus.REFERRED},
    DisputeStatus.REFERRED: set(),
    DisputeStatus.RESOLVED: set(),
}


def dispute_transition(*, dispute: Dispute, to: str, actor: Any, note: str = "", result: str = "",
                       referred_to: str = "", on_date: dt.date | None = None) -> Dispute:
    """Move a dispute along 排查 → 调解中 → 已化解 / 移交, with one event row."""
    on_date = on_date or timezone.localdate()
    with transaction.atomic():
        d = Dispute.objects.select_for_update().get(pk=dispute.pk)
        if to not in DISPUTE_TRANSITIONS.get(d.status, set()):
            raise ValidationError(
                f"纠纷状态不能从“{DisputeStatus(d.status).label}”改为“{DisputeStatus(to).label}”。")
        if to == DisputeStatus.REFERRED and not referred_to.strip():
            raise ValidationError("移交的，请写明移交单位。")
        if to == DisputeStatus.RESOLVED and not (result.strip() or d.result.strip()):
            raise ValidationError("已化解的，请写明化解情况。")
        if to in (DisputeStatus.RESOLVED, DisputeStatus.REFERRED) and on_date < d.found_on:
            raise ValidationError("化解或移交日期不能早于排查日期。")
        before = d.status
        d.status = to
        fields = ["status"]
        if result.strip():
            d.result = result.strip()
            fields.append("result")
        if to == DisputeStatus.REFERRED:
            d.referred_to = referred_to.strip()
            fields.append("referred_to")
        if to in (DisputeStatus.RESOLVED, DisputeStatus.REFERRED):
            d.closed_on = on_date
            fields.append("closed_on")
        d.save(update_fields=fields)
        DisputeEvent.objects.create(dispute=d, actor=actor, from_status=before, to_status=to, note=note,
                                    data={"on_date": on_date.isoformat()})
    return d


# --- investment projects ---------------------------------------------------------------------

INVESTMENT_TRANSITIONS: dict[str, set[str]] = {
    InvestmentStatus.NEGOTIATING: {InvestmentStatus.SIGNED, InvestmentStatus.STOPPED},
    InvestmentStatus.SIGNED: {InvestmentStatus.BUILDING, InvestmentStatus.OPERATING, InvestmentStatus.STOPPED},
    InvestmentStatus.BUILDING: {InvestmentStatus.OPERATING, InvestmentStatus.STOPPED},
    InvestmentStatus.OPERATING: set(),
    InvestmentStatus.STOPPED: set(),
}


def investment_transition(*, project: InvestmentProject, to: str, actor: Any, note: str = "") -> InvestmentProject:
    with transaction.atomic():
        p = InvestmentProject.objects.select_for_update().get(pk=project.pk)
        if to not in INVESTMENT_TRANSITIONS.get(p.status, set()):
            raise ValidationError(
                f"项目状态不能从“{InvestmentStatus(p.status).label}”改为“{InvestmentStatus(to).label}”。")
        before = p.status
        p.status = to
        p.save(update_fields=["status"])
        InvestmentEvent.objects.create(project=p, actor=actor, from_status=before, to_status=to, note=note)
    return p


def investment_total(projects: Iterable[InvestmentProject]) -> Decimal:
    return sum((p.amount_wan for p in projects), Decimal("0"))
