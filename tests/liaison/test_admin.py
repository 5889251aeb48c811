"""The liaison admin pages as clerks use them: posted through the Django test client."""

import datetime as dt

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from liaison import services
from liaison.models import ActivityDay, DutyShift, ReceptionEntry
from tests.factories import (
    ActivityDayFactory,
    ActivityFactory,
    DeputyFactory,
    LiaisonStationFactory,
    ParticipationFactory,
    RegionFactory,
    activity_kind,
)
from tests.liaison.conftest import meet_after_roster_check
from tests.races import run_in_threads


def _formset(prefix: str, rows: list[dict], initial: int = 0) -> dict:
    data = {f"{prefix}-TOTAL_FORMS": str(len(rows)), f"{prefix}-INITIAL_FORMS": str(initial),
            f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"}
    for i, row in enumerate(rows):
        data.update({f"{prefix}-{i}-{k}": v for k, v in row.items()})
    return data


def _day_post(region, date, shifts: list[dict], **extra) -> dict:
    return {"region": region.pk, "date": f"{date:%Y-%m-%d}", "theme": "排查基层矛盾纠纷", "description": "",
            **_formset("shifts", shifts), **_formset("events", []), **extra}


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


# --- township clerks file records under their own township ------------------------------------

def _forms(*prefixes: str) -> dict:
    data = {}
    for prefix in prefixes:
        data.update(_formset(prefix, []))
    return data


ADD_POSTS = {
    "liaisonstation": lambda region: {"name": "新建联络站", "kind": "station", "region": region.pk, "active": "on"},
    "activityday": lambda region: {"region": region.pk, "date": "2031-05-15", "theme": "排查基层矛盾纠纷",
                                   **_forms("shifts")},
    "activity": lambda region: {"kind": activity_kind().pk, "title": "走访", "date": "2031-05-15",
                                "region": region.pk, "place": "村委会", "residents_count": "0",
                                "others_count": "0", "opinions_gathered": "0", "problems_solved": "0",
                                **_forms("participations", "photos")},
    "dispute": lambda region: {"region": region.pk, "found_on": "2031-05-15", "category": "邻里纠纷",
                               "parties": "张某与李某", "summary": "宅基地边界"},
    "investmentproject": lambda region: {"deputy": DeputyFactory().pk, "name": "新项目", "region": region.pk,
                                         "introduced_on": "2031-05-15", "amount_wan": "100", "jobs": "3"},
    "training": lambda region: {"title": "履职培训", "region": region.pk, "start_date": "2031-05-15",
                                "end_date": "2031-05-15", "hours": "4"},
}


@pytest.mark.parametrize("model", sorted(ADD_POSTS))
def test_township_clerk_cannot_file_under_another_township(client, model, township, other_township,
                                                            township_user):
    model_class = apps.get_model("liaison", model)
    client.force_login(township_user)
    response = client.post(reverse(f"admin:liaison_{model}_add"), ADD_POSTS[model](other_township))
    assert response.status_code == 200
    assert "所在区划不在城关镇" in response.content.decode()
    assert not model_class.objects.exists()
    village = RegionFactory(code="411025100201", name="东街村", parent=township)
    response = client.post(reverse(f"admin:liaison_{model}_add"), ADD_POSTS[model](village))
    assert response.status_code == 302
    assert model_class.objects.get().region == village


def test_township_clerk_picks_from_their_own_regions_only(client, township, other_township, township_user,
                                                          office_user):
    RegionFactory(code="411025100201", name="东街村", parent=township)
    client.force_login(township_user)
    page = client.get(reverse("admin:liaison_liaisonstation_add")).content.decode()
    assert "东街村" in page and "城关镇" in page and "库庄镇" not in page and "襄城县" not in page
    client.force_login(office_user)  # the office keeps the county-wide search
    page = client.get(reverse("admin:liaison_liaisonstation_add")).content.decode()
    assert "admin-autocomplete" in page


def test_township_clerk_cannot_register_a_reception_at_another_townships_station(client, other_township,
                                                                                   township_user):
    station = LiaisonStationFactory(region=other_township)
    client.force_login(township_user)
    response = client.post(reverse("admin:liaison_receptionentry_add"), {
        "station": station.pk, "date": "2031-05-15", "deputies": [DeputyFactory().pk], "visitor_name": "王小明",
        "matter": "路灯", "category": "other", "handling": "answered"})
    assert response.status_code == 200
    assert not ReceptionEntry.objects.exists()


# --- county days: township clerks read them, the office keeps them ----------------------------

def test_township_clerk_reads_but_cannot_change_a_county_day_in_the_admin(client, county, township,
                                                                          township_user, office_user):
    date = timezone.localdate() + dt.timedelta(days=20)
    county_day = ActivityDayFactory(region=county, date=date, theme="县里的主题")
    own_day = ActivityDayFactory(region=township, date=date, theme="镇里的主题")
    client.force_login(township_user)
    listing = client.get(reverse("admin:liaison_activityday_changelist")).content.decode()
    assert "县里的主题" in listing and "镇里的主题" in listing
    url = reverse("admin:liaison_activityday_change", args=[county_day.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, _day_post(county, date, [], theme="改过的主题"))
    assert response.status_code == 403
    response = client.post(reverse("admin:liaison_activityday_changelist"), {
        "action": "mark_published", "_selected_action": [county_day.pk]})
    county_day.refresh_from_db()
    assert (county_day.theme, county_day.status) == ("县里的主题", "draft")
    response = client.post(reverse("admin:liaison_activityday_change", args=[own_day.pk]),
                           _day_post(township, date, [], theme="改过的主题"))
    assert response.status_code == 302
    client.force_login(office_user)
    response = client.post(url, _day_post(county, date, [], theme="改过的主题"))
    assert response.status_code == 302


# --- a published day keeps its notice period --------------------------------------------------

def _published(region, date, shifts):
    day = ActivityDayFactory(region=region, date=date)
    services.roster_set(activity_day=day, shifts=shifts)
    services.activity_day_transition(activity_day=day, to="published", actor=None, today=date - dt.timedelta(days=5))
    return day


def _roster_rows(day) -> list[dict]:
    return [{"id": s.pk, "activity_day": day.pk, "station": s.station_id, "deputy": s.deputy_id,
             "start": f"{s.start:%H:%M}", "end": f"{s.end:%H:%M}"} for s in day.shifts.all()]


def test_a_published_day_cannot_move_closer_than_three_days(client, county, office_user):
    today = timezone.localdate()
    deputy = DeputyFactory()
    date = today + dt.timedelta(days=10)
    day = _published(county, date, [services.ShiftSpec(LiaisonStationFactory(region=county), deputy,
                                                       dt.time(9), dt.time(11))])
    url = reverse("admin:liaison_activityday_change", args=[day.pk])
    client.force_login(office_user)
    tomorrow = today + dt.timedelta(days=1)
    response = client.post(url, {**_day_post(county, tomorrow, []), **_formset("shifts", _roster_rows(day), 1)})
    assert response.status_code == 200 and "活动日已公布，改期后的日期应至少在3天之后" in response.content.decode()
    day.refresh_from_db()
    assert day.date == date and day.shifts.get().date == date

    later = today + dt.timedelta(days=20)
    response = client.post(url, {**_day_post(county, later, []), **_formset("shifts", _roster_rows(day), 1)})
    assert response.status_code == 302
    day.refresh_from_db()
    assert day.date == later and day.shifts.get().date == later
    assert day.events.last().data == {"from": date.isoformat(), "to": later.isoformat()}


def test_a_published_day_keeps_taking_substitutions(client, county, office_user):
    date = timezone.localdate() + dt.timedelta(days=1)
    station, absent, stand_in = LiaisonStationFactory(region=county), DeputyFactory(), DeputyFactory()
    day = _published(county, date, [services.ShiftSpec(station, absent, dt.time(9), dt.time(11))])
    rows = _roster_rows(day)
    rows[0]["deputy"] = stand_in.pk
    client.force_login(office_user)
    response = client.post(reverse("admin:liaison_activityday_change", args=[day.pk]),
                           {**_day_post(county, date, []), **_formset("shifts", rows, 1)})
    assert response.status_code == 302
    assert day.shifts.get().deputy == stand_in


# --- exports of the admin lists ---------------------------------------------------------------

def test_station_and_activity_lists_export_the_rows_the_clerk_sees(client, township, other_township,
                                                                   township_user):
    LiaisonStationFactory(region=township, name="城关镇代表之家").deputies.add(DeputyFactory(name="张建国"))
    LiaisonStationFactory(region=other_township, name="库庄镇代表联络站")
    activity = ActivityFactory(region=township, title="城关镇走访")
    ParticipationFactory(activity=activity)
    services.activity_set_attendance(activity=activity, attended=[activity.participations.get().deputy])
    ParticipationFactory(activity=activity)
    ActivityFactory(region=other_township, title="库庄镇走访")
    client.force_login(township_user)
    for model in ("liaisonstation", "activity"):
        page = client.get(reverse(f"admin:liaison_{model}_changelist")).content.decode()
        assert reverse(f"admin:liaison_{model}_export") in page
    body = client.post(reverse("admin:liaison_liaisonstation_export"),
                       {"format": "1", "resource": "0"}).content.decode("utf-8-sig")
    assert body.startswith("名称,类型,所在区划") and "城关镇代表之家" in body and "张建国" in body
    assert "库庄镇" not in body
    body = client.post(reverse("admin:liaison_activity_export"),
                       {"format": "1", "resource": "0"}).content.decode("utf-8-sig")
    assert "城关镇走访" in body and ",2,1,50%," in body and "库庄镇走访" not in body


@pytest.mark.django_db(transaction=True)
def test_two_clerks_booking_one_deputy_at_once_in_the_admin_book_them_once(county, township, office_user,
                                                                           monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL row locks")
    deputy = DeputyFactory()
    date = timezone.localdate() + dt.timedelta(days=20)
    # Overlapping, not the same start: the database's unique (deputy, date, start) does not see it.
    posts = [_day_post(region, date, [{"station": LiaisonStationFactory(region=region).pk, "deputy": deputy.pk,
                                       "start": start, "end": end}])
             for region, start, end in ((county, "09:00", "11:30"), (township, "10:00", "12:00"))]
    meet_after_roster_check(monkeypatch)
    codes = []

    def add(data):
        def run():
            client = Client()
            client.force_login(office_user)
            codes.append(client.post(reverse("admin:liaison_activityday_add"), data).status_code)
        return run

    run_in_threads(*(add(data) for data in posts))
    assert sorted(codes) == [200, 302]
    assert DutyShift.objects.filter(deputy=deputy, date=date).count() == 1


def test_the_activity_admin_shows_photos_through_the_checked_view_and_keeps_them_on_save(client, township,
                                                                                       township_user):
    from liaison.models import ActivityPhoto
    from tests.liaison.conftest import png_upload

    activity = ActivityFactory(region=township, date=dt.date(2025, 6, 1))
    photo = services.activity_photo_add(activity=activity, upload=png_upload(), caption="走访现场")
    client.force_login(township_user)
    url = reverse("admin:liaison_activity_change", args=[activity.pk])
    page = client.get(url).content.decode()
    shown = reverse("liaison:activity_photo", args=[photo.pk])
    assert f'<img src="{shown}"' in page and "/media/" not in page
    assert client.get(shown).status_code == 200
    # Saving the page without a new file keeps the stored one.
    response = client.post(url, {"kind": activity.kind_id, "title": activity.title, "date": "2025-06-01",
                                 "region": township.pk, "place": "村委会", "residents_count": "0",
                                 "others_count": "0", "opinions_gathered": "0", "problems_solved": "0",
                                 **_formset("participations", []),
                                 **_formset("photos", [{"id": photo.pk, "activity": activity.pk,
                                                        "caption": "走访现场（改）"}], initial=1)})
    assert response.status_code == 302, response.content.decode()[:2000]
    saved = ActivityPhoto.objects.get(pk=photo.pk)
    assert (saved.caption, saved.image.name) == ("走访现场（改）", photo.image.name)
    assert saved.image.storage.exists(saved.image.name)
