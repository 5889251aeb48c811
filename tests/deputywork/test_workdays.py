import datetime as dt

import pytest

from deputywork.models import CalendarDay, CalendarYear
from deputywork.workdays import add_working_days, is_working_day, seed_from_chinesecalendar, working_days_between

D = dt.date


@pytest.fixture
def calendar(db):
    # The migration seeds it already; seeding again must be harmless.
    seed_from_chinesecalendar([2024, 2025])


def test_national_day_week_2024(calendar):
    assert is_working_day(D(2024, 9, 29)).days == 1  # Sunday, worked
    assert is_working_day(D(2024, 10, 12)).days == 1  # Saturday, worked
    for day in range(1, 8):
        assert is_working_day(D(2024, 10, day)).days == 0
    # Friday 27 September + 1 → Sunday 29 September (make-up day); + 2 → 8 October.
    assert add_working_days(D(2024, 9, 27), 1).date == D(2024, 9, 29)
    assert add_working_days(D(2024, 9, 27), 2).date == D(2024, 9, 30)
    assert add_working_days(D(2024, 9, 27), 3).date == D(2024, 10, 8)
    assert not add_working_days(D(2024, 9, 27), 3).estimated


def test_spring_festival_2024(calendar):
    # 10–17 February 2024 off; 4 February (Sunday) and 18 February (Sunday) worked.
    assert is_working_day(D(2024, 2, 4)).days == 1
    assert is_working_day(D(2024, 2, 18)).days == 1
    assert is_working_day(D(2024, 2, 15)).days == 0
    assert add_working_days(D(2024, 2, 9), 1).date == D(2024, 2, 18)
    assert working_days_between(D(2024, 2, 9), D(2024, 2, 19)).days == 2


def test_between_counts_backwards_as_negative(calendar):
    assert working_days_between(D(2024, 10, 8), D(2024, 9, 30)).days == -1  # only 8 October lies between


def test_zero_days_moves_a_holiday_to_the_next_working_day(calendar):
    assert add_working_days(D(2024, 10, 3), 0).date == D(2024, 10, 8)
    assert add_working_days(D(2024, 10, 8), 0).date == D(2024, 10, 8)


def test_negative_days_count_backwards(calendar):
    assert add_working_days(D(2024, 10, 8), -1).date == D(2024, 9, 30)


def test_unknown_year_falls_back_to_weekdays_and_says_so(db):
    result = add_working_days(D(2031, 1, 3), 1)  # a Friday
    assert result.date == D(2031, 1, 6)
    assert result.estimated
    assert working_days_between(D(2031, 1, 3), D(2031, 1, 10)).estimated


def test_staff_correction_wins_and_survives_reseed(calendar):
    CalendarDay.objects.update_or_create(date=D(2024, 10, 8), defaults={"kind": "holiday", "seeded": False})
    assert is_working_day(D(2024, 10, 8)).days == 0
    seed_from_chinesecalendar([2024])
    assert CalendarDay.objects.get(date=D(2024, 10, 8)).kind == "holiday"


def test_known_years_are_recorded(calendar):
    assert CalendarYear.objects.filter(year=2024).exists()


def test_calendar_lookup_is_two_queries(calendar, django_assert_num_queries):
    # One for the overrides in range, one for the known years.
    with django_assert_num_queries(2):
        add_working_days(D(2024, 1, 1), 120)


def test_days_left_for_a_list_counts_like_one_by_one(calendar, django_assert_num_queries):
    from deputywork.workdays import working_days_from

    ends = [D(2024, 10, 8), D(2024, 9, 30), D(2024, 9, 27), D(2024, 10, 12)]
    with django_assert_num_queries(2):
        counts, estimated = working_days_from(D(2024, 9, 28), ends)
    assert counts == {end: working_days_between(D(2024, 9, 28), end).days for end in ends}
    assert counts[D(2024, 10, 8)] == 3  # 29 and 30 September, 8 October
    assert not estimated
