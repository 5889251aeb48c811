"""A township clerk sees the county's activity days as well as their own, and changes only their own."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from liaison import services
from tests.factories import ActivityDayFactory, ActivityFactory, DeputyFactory, LiaisonStationFactory


def test_township_calendar_shows_the_county_days_and_its_own(client, county, township, other_township,
                                                            township_user, django_assert_max_num_queries):
    ActivityDayFactory(region=county, date=dt.date(2025, 6, 15), theme="县级主题")
    ActivityDayFactory(region=township, date=dt.date(2025, 6, 16), theme="本镇主题")
    ActivityDayFactory(region=other_township, date=dt.date(2025, 6, 17), theme="别镇主题")
    client.force_login(township_user)
    # Queries: session, user, the user's region (scope), activity days with shift counts.
    with django_assert_max_num_queries(4):
        body = client.get(reverse("liaison:staff_calendar"), {"month": "2025-06"}).content.decode()
    assert "县级主题" in body and "本镇主题" in body and "别镇主题" not in body


def test_township_clerk_reads_the_county_day_with_their_stations_duties(client, county, township,
                                                                       other_township, township_user,
                                                                       other_township_user):
    date = timezone.localdate() + dt.timedelta(days=10)
    day = ActivityDayFactory(region=county, date=date, theme="县级主题")
    deputy = DeputyFactory()
    services.roster_set(activity_day=day, shifts=[
        services.ShiftSpec(LiaisonStationFactory(region=township), deputy, dt.time(9), dt.time(11))])
    mine = ActivityFactory(region=township, activity_day=day, date=date, title="本镇的走访")
    ActivityFactory(region=other_township, activity_day=day, date=date, title="别镇的走访")
    url = reverse("liaison:staff_day", args=[day.pk])
    client.force_login(township_user)
    response = client.get(url)
    body = response.content.decode()
    assert response.status_code == 200
    assert deputy.name in body and mine.title in body and "别镇的走访" not in body
    assert "只能查看" in body and reverse("admin:liaison_activityday_change", args=[day.pk]) not in body
    client.post(url, {"to": "published"})
    day.refresh_from_db()
    assert day.status == "draft" and not day.events.exists()
    own = ActivityDayFactory(region=other_township, date=date)
    assert client.get(reverse("liaison:staff_day", args=[own.pk])).status_code == 404
