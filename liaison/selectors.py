"""Every read a user sees: querysets already scoped to the user and already joined."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from deputies.models import Deputy
from deputywork.models import Region, RegionLevel
from deputywork.roles import is_staff_member, region_q, scope_region, scope_to_region
from liaison.models import (
    Activity,
    ActivityDay,
    ActivityDayStatus,
    Dispute,
    DutyShift,
    InvestmentProject,
    LiaisonStation,
    Participation,
    ReceptionEntry,
    Training,
)

# Paths that place a deputy in a township: where they live, the congress they sit in, their station.
DEPUTY_REGION_PATHS = ("residence", "mandates__congress__region", "liaison_stations__region")


def stations_visible_to(*, user: Any) -> QuerySet[LiaisonStation]:
    return (scope_to_region(LiaisonStation.objects.all(), user, "region")
            .select_related("region", "region__parent")
            .annotate(deputy_count=Count("deputies", distinct=True)))


def activity_days_visible_to(*, user: Any) -> QuerySet[ActivityDay]:
    """Days of the user's region and below; township staff also see the days of the county (or
    any region above) that contains their township, since a county-wide day is theirs too (and
    a county's office the days of its city).
    They read those days but do not change them: `region_within_scope` says who may."""
    q = region_q(user, "region")
    if (region := scope_region(user)) is not None:
        q |= Q(region__code__in=region.enclosing_codes())
    return ActivityDay.objects.filter(q).select_related("region")


def activities_visible_to(*, user: Any) -> QuerySet[Activity]:
    return (scope_to_region(Activity.objects.all(), user, "region")
            .select_related("kind", "region", "station", "activity_day"))


def activity_list(*, user: Any, year: int, month: int | None = None, kind_id: int | None = None,
                  region: Region | None = None) -> QuerySet[Activity]:
    """Activities of the user's scope in a year (and month), with how many deputies were invited
    and how many signed in, counted in the same query."""
    qs = activities_visible_to(user=user).filter(date__year=year).annotate(
        invited_count=Count("participations"),
        signed_count=Count("participations", filter=Q(participations__signed_in_at__isnull=False)))
    if month:
        qs = qs.filter(date__month=month)
    if kind_id:
        qs = qs.filter(kind_id=kind_id)
    if region is not None:
        qs = qs.filter(region__code__startswith=region.prefix)
    return qs.order_by("-date", "-pk")


def receptions_visible_to(*, user: Any) -> QuerySet[ReceptionEntry]:
    return (scope_to_region(ReceptionEntry.objects.all(), user, "station__region")
            .select_related("station", "station__region").prefetch_related("deputies"))


def disputes_visible_to(*, user: Any) -> QuerySet[Dispute]:
    return (scope_to_region(Dispute.objects.all(), user, "region")
            .select_related("region", "activity_day").prefetch_related("deputies"))


def investments_visible_to(*, user: Any) -> QuerySet[InvestmentProject]:
    return scope_to_region(InvestmentProject.objects.all(), user, "region", "deputy__residence").select_related(
        "deputy", "region")


def trainings_visible_to(*, user: Any) -> QuerySet[Training]:
    return scope_to_region(Training.objects.all(), user, "region")


def deputies_visible_to(*, user: Any) -> QuerySet[Deputy]:
    """Deputies a staff member may read the performance record of."""
    if not is_staff_member(user):
        return Deputy.objects.none()
    return scope_to_region(Deputy.objects.all(), user, *DEPUTY_REGION_PATHS).order_by("name", "pk")


def township_of(region: Region) -> Region:
    """A village's township; a township or county stays itself."""
    if region.level == RegionLevel.VILLAGE and region.parent_id:
        return region.parent
    return region


@dataclass
class StationCard:
    station: LiaisonStation
    next_date: dt.date | None = None
    shifts: list[DutyShift] = field(default_factory=list)


@dataclass
class TownshipStations:
    township: Region
    cards: list[StationCard] = field(default_factory=list)


def public_stations_by_township(*, today: dt.date | None = None,
                                region: Region | None = None) -> list[TownshipStations]:
    """Active stations grouped by township, each with the deputies on duty on its next published
    reception day. Two queries: stations with regions, and the coming published shifts."""
    today = today or timezone.localdate()
    coming = (DutyShift.objects.filter(date__gte=today, activity_day__status=ActivityDayStatus.PUBLISHED)
              .select_related("deputy").order_by("date", "start", "deputy__name"))
    stations = (LiaisonStation.objects.filter(active=True).select_related("region", "region__parent")
                .prefetch_related(Prefetch("shifts", queryset=coming, to_attr="coming_shifts"))
                .order_by("region__code", "name"))
    if region is not None:
        stations = stations.filter(region__code__startswith=region.prefix)
    groups: dict[int, TownshipStations] = {}
    for station in stations:
        town = township_of(station.region)
        card = StationCard(station)
        if station.coming_shifts:
            card.next_date = station.coming_shifts[0].date
            card.shifts = [s for s in station.coming_shifts if s.date == card.next_date]
        groups.setdefault(town.pk, TownshipStations(town)).cards.append(card)
    return sorted(groups.values(), key=lambda g: g.township.code)


def next_shifts_for_station(*, station: LiaisonStation, today: dt.date | None = None) -> list[DutyShift]:
    today = today or timezone.localdate()
    shifts = list(DutyShift.objects.filter(station=station, date__gte=today,
                                           activity_day__status=ActivityDayStatus.PUBLISHED)
                  .select_related("deputy").order_by("date", "start", "deputy__name")[:50])
    return [s for s in shifts if s.date == shifts[0].date] if shifts else []


@dataclass
class CalendarDay:
    date: dt.date
    in_month: bool
    days: list[ActivityDay] = field(default_factory=list)
    mine: list[str] = field(default_factory=list)


def month_calendar(*, days: QuerySet[ActivityDay], year: int, month: int,
                   deputy: Deputy | None = None) -> list[list[CalendarDay]]:
    """Weeks (Monday first) of the month, each day with its activity days; for a deputy also
    their duties and invitations. Two or three queries whatever the month holds."""
    first = dt.date(year, month, 1)
    start = first - dt.timedelta(days=first.weekday())
    following = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    end = following + dt.timedelta(days=(6 - (following - dt.timedelta(days=1)).weekday()) - 1)
    cells = {start + dt.timedelta(days=i): CalendarDay(start + dt.timedelta(days=i),
                                                       (start + dt.timedelta(days=i)).month == month)
             for i in range((end - start).days + 1)}
    for day in days.filter(date__gte=start, date__lte=end).annotate(shift_count=Count("shifts")):
        cells[day.date].days.append(day)
    if deputy is not None:
        for s in DutyShift.objects.filter(deputy=deputy, date__gte=start, date__lte=end).select_related("station"):
            cells[s.date].mine.append(f"值班 {s.start:%H:%M} {s.station.name}")
        for p in (Participation.objects.filter(deputy=deputy, activity__date__gte=start, activity__date__lte=end)
                  .select_related("activity")):
            cells[p.activity.date].mine.append(f"活动 {p.activity.title}")
    ordered = [cells[d] for d in sorted(cells)]
    return [ordered[i:i + 7] for i in range(0, len(ordered), 7)]


def deputy_calendar_days(*, deputy: Deputy) -> QuerySet[ActivityDay]:
    """Published days a deputy should know of: of the regions they belong to, or where they serve."""
    region = None
    if deputy.residence_id:
        region = deputy.residence
    q = Q(shifts__deputy=deputy) | Q(activities__participations__deputy=deputy)
    if region is not None:
        ancestors = [region.code[:n].ljust(12, "0") for n in (6, 9) if len(region.prefix) >= n]
        q |= Q(region__code__in=ancestors)
    return (ActivityDay.objects.filter(q).exclude(status=ActivityDayStatus.DRAFT).distinct()
            .select_related("region"))


def deputy_coming(*, deputy: Deputy, today: dt.date | None = None) -> dict[str, list]:
    """What a deputy has ahead: duties on published days, and invitations to activities."""
    today = today or timezone.localdate()
    shifts = list(DutyShift.objects.filter(deputy=deputy, date__gte=today)
                  .exclude(activity_day__status__in=[ActivityDayStatus.DRAFT, ActivityDayStatus.CANCELLED])
                  .select_related("station", "activity_day").order_by("date", "start")[:20])
    recent = today - dt.timedelta(days=30)
    parts = list(Participation.objects.filter(deputy=deputy, activity__date__gte=recent)
                 .select_related("activity", "activity__kind", "activity__station").order_by("activity__date")[:30])
    return {"shifts": shifts, "participations": parts}

