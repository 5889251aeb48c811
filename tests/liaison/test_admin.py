"""The liaison admin pages as clerks use them: posted through the Django test client."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from liaison import services
from liaison.models import ActivityDay, DutyShift
from tests.factories import ActivityDayFactory, DeputyFactory, LiaisonStationFactory


def _formset(prefix: str, rows: list[dict], initial: int = 0) -> dict:
    data = {f"{prefix}-TOTAL_FORMS": str(len(rows)), f"{prefix}-INITIAL_FORMS": str(initial),
            f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"}
    for i, row in enumerate(rows):
        data.update({f"{prefix}-{i}-{k}": v for k, v in row.items()})
    return data


def _day_post(region, date, shifts: list[dict], **extra) -> dict:
    return {"region": region.pk, "date": f"{date:%Y-%m-%d}", "theme": "排查基层矛盾纠纷", "description": "",
            **_formset("shifts", shifts), **extra}


def test_office_adds_an_activity_day_with_its_roster_in_the_admin(client, county, office_user):
    station = LiaisonStationFactory(region=county)
    a, b = DeputyFactory(), DeputyFactory()
    date = timezone.localdate() + dt.timedelta(days=20)
    client.force_login(office_user)
    response = client.post(reverse("admin:liaison_activityday_add"), _day_post(county, date, [
        {"station": station.pk, "deputy": a.pk, "start": "09:00", "end": "11:30"},
        {"station": station.pk, "deputy": b.pk, "start": "09:00", "end": "11:30"},
    ]))
    assert response.status_code == 302, response.context["adminform"].errors if response.context else response
    day = ActivityDay.objects.get(region=county, date=date)
    assert sorted(day.shifts.values_list("deputy_id", "date")) == sorted([(a.pk, date), (b.pk, date)])


def test_office_adds_an_activity_day_with_an_empty_roster(client, county, office_user):
    date = timezone.localdate() + dt.timedelta(days=20)
    client.force_login(office_user)
    response = client.post(reverse("admin:liaison_activityday_add"), _day_post(county, date, []))
    assert response.status_code == 302
    assert ActivityDay.objects.filter(region=county, date=date).exists()


def test_admin_refuses_a_new_day_whose_roster_double_books_a_deputy(client, county, township, office_user):
    here, there = LiaisonStationFactory(region=county), LiaisonStationFactory(region=township)
    deputy = DeputyFactory()
    date = timezone.localdate() + dt.timedelta(days=20)
    client.force_login(office_user)
    response = client.post(reverse("admin:liaison_activityday_add"), _day_post(county, date, [
        {"station": here.pk, "deputy": deputy.pk, "start": "09:00", "end": "11:30"},
        {"station": there.pk, "deputy": deputy.pk, "start": "10:00", "end": "12:00"},
    ]))
    assert response.status_code == 200
    assert "同一时间不能在两处值班" in response.content.decode()
    assert not ActivityDay.objects.exists() and not DutyShift.objects.exists()


def test_admin_refuses_a_new_day_that_books_a_deputy_serving_on_another_day(client, county, township, office_user):
    deputy = DeputyFactory()
    date = timezone.localdate() + dt.timedelta(days=20)
    other = ActivityDayFactory(region=township, date=date)
    services.roster_set(activity_day=other, shifts=[
        services.ShiftSpec(LiaisonStationFactory(region=township), deputy, dt.time(9), dt.time(11))])
    client.force_login(office_user)
    response = client.post(reverse("admin:liaison_activityday_add"), _day_post(county, date, [
        {"station": LiaisonStationFactory(region=county).pk, "deputy": deputy.pk, "start": "10:00",
         "end": "11:30"}]))
    assert response.status_code == 200
    assert "另一活动日" in response.content.decode()
    assert not ActivityDay.objects.filter(region=county).exists()
