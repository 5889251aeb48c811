"""Working days of the Chinese calendar: weekends, public holidays and make-up working days.

Known years come from the State Council's notices (seeded from `chinesecalendar`, corrected
by staff). Outside them a day counts as working from Monday to Friday, and every answer says
whether it had to guess, so that a page can warn.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from deputywork.models import CalendarDay, CalendarYear, DayKind


@dataclass(frozen=True)
class WorkingDay:
    date: dt.date
    estimated: bool  # True when a year without a published schedule was crossed


@dataclass(frozen=True)
class WorkingDayCount:
    days: int
    estimated: bool


class _Calendar:
    """The overrides and known years for one span of dates, fetched in two queries."""

    def __init__(self, start: dt.date, end: dt.date) -> None:
        self.overrides = dict(
            CalendarDay.objects.filter(date__range=(start, end)).values_list("date", "kind")
        )
        self.known_years = set(
            CalendarYear.objects.filter(year__range=(start.year, end.year)).values_list("year", flat=True)
        )
        self.estimated = False

    def is_working(self, day: dt.date) -> bool:
        if day.year not in self.known_years:
            self.estimated = True
        kind = self.overrides.get(day)
        if kind == DayKind.HOLIDAY:
            return False
        if kind == DayKind.WORKDAY:
            return True
        return day.weekday() < 5


def is_working_day(day: dt.date) -> WorkingDayCount:
    """1 day if `day` is a working day, else 0, with whether the year's schedule is known."""
    cal = _Calendar(day, day)
    return WorkingDayCount(days=int(cal.is_working(day)), estimated=cal.estimated)


def add_working_days(day: dt.date, n: int) -> WorkingDay:
    """The working day that falls `n` working days after `day` (before it when n < 0).

    With n == 0 the answer is `day` itself if it is a working day, else the next one: a
    deadline that would fall on a holiday moves to the next working day.
    """
    step = 1 if n >= 0 else -1
    # Seven calendar days hold at least five working days except around the long holidays,
    # so twice the span plus a month covers every case in one fetch.
    span = abs(n) * 2 + 31
    lo, hi = (day, day + dt.timedelta(days=span)) if step > 0 else (day - dt.timedelta(days=span), day)
    cal = _Calendar(lo, hi)
    current = day
    if n == 0:
        while not cal.is_working(current):
            current += dt.timedelta(days=1)
        return WorkingDay(current, cal.estimated)
    remaining = abs(n)
    while remaining:
        current += dt.timedelta(days=step)
        if cal.is_working(current):
            remaining -= 1
    return WorkingDay(current, cal.estimated)


def _count(cal: _Calendar, start: dt.date, end: dt.date) -> int:
    sign = 1
    if end < start:
        start, end, sign = end, start, -1
    count = 0
    current = start
    while current < end:
        current += dt.timedelta(days=1)
        count += cal.is_working(current)
    return sign * count


def working_days_between(start: dt.date, end: dt.date) -> WorkingDayCount:
    """Working days after `start` up to and including `end`; negative when `end` is earlier.

    This is the "days left" of a deadline: from today to a deadline tomorrow is 1.
    """
    cal = _Calendar(min(start, end), max(start, end))
    days = _count(cal, start, end)
    return WorkingDayCount(days=days, estimated=cal.estimated)


def working_days_from(start: dt.date, ends: list[dt.date]) -> tuple[dict[dt.date, int], bool]:
    """`working_days_between(start, end)` for every end, with one calendar fetch for a whole list
    page; returns the counts by end date and whether any of them was estimated."""
    if not ends:
        return {}, False
    cal = _Calendar(min(start, *ends), max(start, *ends))
    counts = {end: _count(cal, start, end) for end in set(ends)}
    return counts, cal.estimated


def seed_from_chinesecalendar(years: list[int] | None = None) -> int:
    """Load the holidays and make-up days that `chinesecalendar` knows; keep staff corrections.

    Returns the number of days written. Days that staff entered by hand are never replaced.
    """
    import chinese_calendar

    known = sorted({d.year for d in chinese_calendar.holidays} | {d.year for d in chinese_calendar.workdays})
    wanted = [y for y in known if years is None or y in years]
    manual = set(CalendarDay.objects.filter(seeded=False).values_list("date", flat=True))
    rows: dict[dt.date, CalendarDay] = {}
    for day, name in chinese_calendar.holidays.items():
        if day.year in wanted and day.weekday() < 5 and day not in manual:
            rows[day] = CalendarDay(date=day, kind=DayKind.HOLIDAY, name=_holiday_name(name), seeded=True)
    for day, name in chinese_calendar.workdays.items():
        if day.year in wanted and day.weekday() >= 5 and day not in manual:
            rows[day] = CalendarDay(date=day, kind=DayKind.WORKDAY, name=_holiday_name(name) + "调休", seeded=True)
    CalendarDay.objects.filter(seeded=True, date__year__in=wanted).exclude(date__in=rows).delete()
    CalendarDay.objects.bulk_create(
        rows.values(), update_conflicts=True, unique_fields=["date"], update_fields=["kind", "name", "seeded"]
    )
    for year in wanted:
        CalendarYear.objects.get_or_create(year=year, defaults={"note": "国务院办公厅节假日安排"})
    return len(rows)


_HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "Mid-autumn Festival": "中秋节",
    "National Day": "国庆节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


def _holiday_name(name: object) -> str:
    value = getattr(name, "value", name)
    return _HOLIDAY_NAMES.get(str(value), str(value) if value else "")
