"""Each deputy's performance record (履职档案), derived from the rows where the facts live.

Nothing here is stored: a fact typed once (an attendance, a duty, a project) shows up in the
portal, the staff page, the PDF and the xlsx alike. Higher apps (suggestions) add their own
section with `register_record_section` from their AppConfig.ready(); liaison never imports them.

A section source takes the deputies and the year and returns one `RecordSection` per deputy,
in a fixed number of queries whatever the number of deputies (the xlsx covers everyone).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from deputies.models import Deputy
from liaison.models import ActivityDayStatus, DutyShift, InvestmentProject, Participation, ReceptionEntry, Training


@dataclass
class RecordItem:
    date: Any
    text: str
    note: str = ""


@dataclass
class RecordSection:
    key: str
    title: str
    # (label, value) pairs: the columns of the xlsx and the facts at the top of the section.
    figures: list[tuple[str, Any]] = field(default_factory=list)
    items: list[RecordItem] = field(default_factory=list)


@dataclass
class PerformanceRecord:
    deputy: Deputy
    year: int
    sections: list[RecordSection]

    def figures(self) -> list[tuple[str, Any]]:
        return [f for s in self.sections for f in s.figures]


SectionSource = Callable[[Sequence[Deputy], int], dict[int, RecordSection]]
_SECTIONS: dict[str, tuple[int, SectionSource]] = {}


def register_record_section(key: str, source: SectionSource, *, order: int = 100) -> None:
    """Add a section to every performance record. `source(deputies, year)` returns
    {deputy.pk: RecordSection}; a deputy left out gets an empty section of the same shape."""
    _SECTIONS[key] = (order, source)


def performance_records(deputies: Sequence[Deputy], year: int) -> list[PerformanceRecord]:
    deputies = list(deputies)
    records = [PerformanceRecord(d, year, []) for d in deputies]
    for _key, (_order, source) in sorted(_SECTIONS.items(), key=lambda kv: (kv[1][0], kv[0])):
        found = source(deputies, year) if deputies else {}
        template = next(iter(found.values()), None)
        for record in records:
            section = found.get(record.deputy.pk)
            if section is None and template is not None:
                section = RecordSection(template.key, template.title, [(label, 0) for label, _ in template.figures])
            if section is not None:
                record.sections.append(section)
    return records


def performance_record(deputy: Deputy, year: int) -> PerformanceRecord:
    return performance_records([deputy], year)[0]


def rate(part: int, whole: int) -> str:
    return f"{part * 100 / whole:.0f}%" if whole else "—"


# --- liaison's own sections ------------------------------------------------------------------


def attendance_rate(activity: Any, today: Any = None) -> str:
    """An activity's attendance (signed ÷ invited, annotated on it), or 未开展 while it is still to
    come: no attendance yet is not 0%. The staff list and its export both show this."""
    if activity.date > (today or timezone.localdate()):
        return _("未开展")
    return rate(activity.signed_count, activity.invited_count)


def _activities(deputies: Sequence[Deputy], year: int) -> dict[int, RecordSection]:
    invited: dict[int, int] = defaultdict(int)
    items: dict[int, list[RecordItem]] = defaultdict(list)
    parts = (Participation.objects.filter(deputy__in=deputies, activity__date__year=year)
             .select_related("activity", "activity__kind").order_by("activity__date", "activity__pk"))
    for p in parts:
        invited[p.deputy_id] += 1
        if p.attended:
            a = p.activity
            items[p.deputy_id].append(RecordItem(a.date, f"{a.kind.name}：{a.title}",
                                                 "自行记录" if a.reported_by_deputy else ""))
    out = {}
    for d in deputies:
        attended = len(items[d.pk])
        out[d.pk] = RecordSection("activities", "参加代表活动", [
            ("受邀参加活动（次）", invited[d.pk]), ("实际参加活动（次）", attended),
            ("出席率", rate(attended, invited[d.pk])),
        ], items[d.pk])
    return out


# A duty counts once its roster was published and its day has come: a draft roster may still
# change, a cancelled day was never held, and a coming day is not yet done.
DUTY_DONE_STATUSES = (ActivityDayStatus.PUBLISHED, ActivityDayStatus.HELD)


def _receptions(deputies: Sequence[Deputy], year: int) -> dict[int, RecordSection]:
    duties: dict[int, list[RecordItem]] = defaultdict(list)
    shifts = (DutyShift.objects.filter(deputy__in=deputies, date__year=year, date__lte=timezone.localdate(),
                                       activity_day__status__in=DUTY_DONE_STATUSES)
              .select_related("station").order_by("date", "start"))
    for s in shifts:
        duties[s.deputy_id].append(RecordItem(s.date, f"在{s.station.name}接待选民",
                                              f"{s.start:%H:%M}–{s.end:%H:%M}"))
    received = dict(ReceptionEntry.deputies.through.objects
                    .filter(deputy__in=deputies, receptionentry__date__year=year)
                    .values_list("deputy").annotate(n=Count("pk")))
    return {d.pk: RecordSection("receptions", "进站接待选民", [
        ("进站值班（次）", len(duties[d.pk])), ("接待群众（人次）", received.get(d.pk, 0)),
    ], duties[d.pk]) for d in deputies}


def _investments(deputies: Sequence[Deputy], year: int) -> dict[int, RecordSection]:
    projects: dict[int, list[InvestmentProject]] = defaultdict(list)
    for p in InvestmentProject.objects.filter(deputy__in=deputies, introduced_on__year=year).order_by("introduced_on"):
        projects[p.deputy_id].append(p)
    out = {}
    for d in deputies:
        mine = projects[d.pk]
        out[d.pk] = RecordSection("investments", "招商引资", [
            ("引进项目（个）", len(mine)),
            ("投资额（万元）", sum((p.amount_wan for p in mine), Decimal("0"))),
            ("带动就业（人）", sum(p.jobs for p in mine)),
        ], [RecordItem(p.introduced_on, p.name, f"{p.amount_wan}万元 · {p.get_status_display()}") for p in mine])
    return out


def _trainings(deputies: Sequence[Deputy], year: int) -> dict[int, RecordSection]:
    rows = (Training.attendees.through.objects.filter(deputy__in=deputies, training__start_date__year=year)
            .select_related("training").order_by("training__start_date"))
    items: dict[int, list[RecordItem]] = defaultdict(list)
    hours: dict[int, Decimal] = defaultdict(Decimal)
    for row in rows:
        t = row.training
        items[row.deputy_id].append(RecordItem(t.start_date, t.title, f"{t.hours}学时"))
        hours[row.deputy_id] += t.hours
    return {d.pk: RecordSection("trainings", "学习培训", [
        ("参加培训（次）", len(items[d.pk])), ("培训学时", hours[d.pk]),
    ], items[d.pk]) for d in deputies}


register_record_section("activities", _activities, order=10)
register_record_section("receptions", _receptions, order=20)
register_record_section("investments", _investments, order=30)
register_record_section("trainings", _trainings, order=40)
