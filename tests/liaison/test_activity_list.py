"""The staff list of activities with their attendance rates."""

import datetime as dt

from django.urls import reverse

from liaison import services
from tests.factories import (
    ActivityDayFactory,
    ActivityFactory,
    LiaisonStationFactory,
    ParticipationFactory,
    RegionFactory,
    UserFactory,
    activity_kind,
)

URL = reverse("liaison:staff_activities")


def _activity(region, date, invited: int, signed: int, **kwargs):
    activity = ActivityFactory(region=region, date=date, **kwargs)
    parts = [ParticipationFactory(activity=activity) for _ in range(invited)]
    services.activity_set_attendance(activity=activity, attended=[p.deputy for p in parts[:signed]])
    return activity


def test_activity_list_shows_attendance_rates_in_a_flat_query_budget(client, township, township_user,
                                                                     django_assert_max_num_queries):
    day = ActivityDayFactory(region=township, date=dt.date(2025, 6, 15))
    station = LiaisonStationFactory(region=township, name="城关镇代表之家")
    for n in range(8):
        _activity(township, dt.date(2025, 6, 1 + n), invited=4, signed=n % 4, activity_day=day, station=station)
    last = _activity(township, dt.date(2025, 6, 20), invited=4, signed=3, title="四人请三人到")
    client.force_login(township_user)
    # Queries: session, user, the user's region (scope), the activity kinds and the villages of the
    # filters, the count, one page of activities with kind, region, station, day and both counts.
    with django_assert_max_num_queries(7):
        response = client.get(URL, {"year": 2025})
    body = response.content.decode()
    assert response.status_code == 200
    assert "四人请三人到" in body and "75%" in body and "城关镇代表之家" in body
    assert reverse("liaison:staff_activity", args=[last.pk]) in body
    assert reverse("liaison:staff_day", args=[day.pk]) in body


def test_activity_list_filters_by_month_kind_and_region(client, county, township, office_user):
    village = RegionFactory(code="411025100201", name="东街村", parent=township)
    _activity(township, dt.date(2025, 6, 1), 1, 1, title="六月走访")
    _activity(township, dt.date(2025, 7, 1), 1, 1, title="七月走访")
    _activity(township, dt.date(2025, 6, 2), 1, 0, title="六月座谈", kind=activity_kind("座谈会"))
    _activity(village, dt.date(2025, 6, 3), 1, 0, title="村里视察", kind=activity_kind("视察"))
    _activity(county, dt.date(2025, 6, 4), 1, 0, title="全县视察", kind=activity_kind("视察"))
    _activity(township, dt.date(2024, 6, 1), 1, 1, title="去年走访")
    client.force_login(office_user)

    def titles(**params) -> set[str]:
        body = client.get(URL, {"year": 2025, **params}).content.decode()
        return {t for t in ("六月走访", "七月走访", "六月座谈", "村里视察", "全县视察", "去年走访") if t in body}

    assert titles() == {"六月走访", "七月走访", "六月座谈", "村里视察", "全县视察"}
    assert titles(month=7) == {"七月走访"}
    assert titles(kind=activity_kind("视察").pk) == {"村里视察", "全县视察"}
    assert titles(region=township.pk, month=6) == {"六月走访", "六月座谈", "村里视察"}


def test_activity_list_is_for_staff_in_their_own_township(client, township, other_township, township_user,
                                                         other_township_user):
    _activity(township, dt.date(2025, 6, 1), 1, 1, title="城关镇的走访")
    client.force_login(township_user)
    assert "城关镇的走访" in client.get(URL, {"year": 2025}).content.decode()
    client.force_login(other_township_user)
    assert "城关镇的走访" not in client.get(URL, {"year": 2025}).content.decode()
    for role in ("deputy", "unit"):
        client.force_login(UserFactory(role=role))
        assert client.get(URL).status_code == 404
    client.logout()
    assert client.get(URL).status_code == 302


def test_activity_list_is_in_the_staff_menu(client, township_user):
    client.force_login(township_user)
    assert URL in client.get(reverse("liaison:staff_calendar")).content.decode()


def test_activity_list_paginates(client, township, township_user):
    for n in range(55):
        ActivityFactory(region=township, date=dt.date(2025, 1 + n % 12, 1), title=f"第{n}次活动")
    client.force_login(township_user)
    first = client.get(URL, {"year": 2025}).content.decode()
    assert "1 / 2" in first and "page=2" in first
    assert client.get(URL, {"year": 2025, "page": 2}).status_code == 200


def test_an_activity_still_to_come_shows_no_attendance_rate(client, township, township_user):
    from django.utils import timezone

    ahead = timezone.localdate() + dt.timedelta(days=20)
    _activity(township, ahead, invited=3, signed=0, title="下月视察")
    client.force_login(township_user)
    body = client.get(URL, {"year": ahead.year}).content.decode()
    assert "未开展" in body and "0%" not in body
