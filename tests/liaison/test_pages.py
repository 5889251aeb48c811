import datetime as dt

from django.urls import reverse
from django.utils import timezone

from liaison import services
from liaison.models import ActivityDayStatus, Participation
from tests.factories import (
    ActivityDayFactory,
    ActivityFactory,
    DeputyFactory,
    DisputeFactory,
    LiaisonStationFactory,
    ParticipationFactory,
    UserFactory,
)


def login(client, user):
    client.force_login(user)
    return client


def published_day(region, date, shifts):
    day = ActivityDayFactory(region=region, date=date)
    services.roster_set(activity_day=day, shifts=shifts)
    services.activity_day_transition(activity_day=day, to="published", actor=None, today=date - dt.timedelta(days=5))
    return day


def test_public_station_list_shows_next_published_duty(client, township, other_township):
    today = timezone.localdate()
    stations = [LiaisonStationFactory(region=r) for r in (township, other_township) for _ in range(3)]
    deputies = [DeputyFactory() for _ in range(6)]
    published_day(township, today + dt.timedelta(days=4), [
        services.ShiftSpec(s, d, dt.time(9), dt.time(11)) for s, d in zip(stations, deputies, strict=True)])
    ActivityDayFactory(region=other_township, date=today + dt.timedelta(days=2))  # a draft day stays hidden
    # Queries: stations with their regions, the coming published shifts with deputies.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("liaison:public_stations"))
    assert len(ctx.captured_queries) <= 2
    body = response.content.decode()
    assert "城关镇" in body and "库庄镇" in body and deputies[0].name in body


def test_public_station_page_and_token_rotation(client, township, office_user):
    station = LiaisonStationFactory(region=township, name="城关镇人大代表之家")
    url = reverse("liaison:public_station", args=[station.public_token])
    assert "城关镇人大代表之家" in client.get(url).content.decode()
    login(client, office_user).post(reverse("liaison:staff_station", args=[station.pk]), {"action": "rotate"})
    assert client.get(url).status_code == 404


def test_station_pages_are_scoped(client, township, township_user, other_township_user, office_user):
    station = LiaisonStationFactory(region=township)
    colleague = UserFactory(role="township", region=township)
    url = reverse("liaison:staff_station", args=[station.pk])
    for user, status in ((township_user, 200), (colleague, 200), (office_user, 200), (other_township_user, 404)):
        assert login(client, user).get(url).status_code == status
    listing = login(client, other_township_user).get(reverse("liaison:staff_stations")).content.decode()
    assert station.name not in listing
    deputy_user = UserFactory(role="deputy")
    assert login(client, deputy_user).get(reverse("liaison:staff_stations")).status_code == 404


def test_staff_station_list_query_budget(client, township, township_user, django_assert_max_num_queries):
    for _ in range(15):
        LiaisonStationFactory(region=township).deputies.add(DeputyFactory())
    login(client, township_user)
    # Queries: session, user, the user's region (scope), stations with region and deputy counts.
    with django_assert_max_num_queries(4):
        assert client.get(reverse("liaison:staff_stations")).status_code == 200


def test_calendar_query_budget_and_scope(client, township, other_township, township_user,
                                         django_assert_max_num_queries):
    for n in range(1, 10):
        ActivityDayFactory(region=township, date=dt.date(2025, 6, n), theme=f"主题{n}")
    ActivityDayFactory(region=other_township, date=dt.date(2025, 6, 20), theme="别镇主题")
    login(client, township_user)
    # Queries: session, user, the user's region (scope), activity days with shift counts.
    with django_assert_max_num_queries(4):
        body = client.get(reverse("liaison:staff_calendar"), {"month": "2025-06"}).content.decode()
    assert "主题9" in body and "别镇主题" not in body


def test_day_page_publishes_through_the_service(client, township, township_user, other_township_user):
    day = ActivityDayFactory(region=township, date=timezone.localdate() + dt.timedelta(days=10))
    url = reverse("liaison:staff_day", args=[day.pk])
    assert login(client, other_township_user).post(url, {"to": "published"}).status_code == 404
    login(client, township_user).post(url, {"to": "published"})
    day.refresh_from_db()
    assert day.status == ActivityDayStatus.PUBLISHED and day.events.count() == 1
    # The record reads in Chinese: 草拟 → 已公布, not the stored codes.
    page = client.get(url).content.decode()
    assert "草拟 → 已公布" in page and "draft" not in page


def test_reception_list_masks_visitors_outside_scope(client, county, township, township_user, office_user):
    station = LiaisonStationFactory(region=township)
    services.reception_record(station=station, date=dt.date(2025, 6, 1), deputies=[DeputyFactory()],
                              visitor_name="王小明", visitor_phone="13812345678", matter="路灯", handling="answered")
    for user in (township_user, office_user):
        body = login(client, user).get(reverse("liaison:staff_receptions")).content.decode()
        assert "13812345678" in body and "王小明" in body


def test_dispute_ledger_scope_transition_and_xlsx(client, township, township_user, other_township_user):
    dispute = DisputeFactory(region=township, found_on=dt.date(2025, 3, 1))
    url = reverse("liaison:staff_dispute", args=[dispute.pk])
    assert login(client, other_township_user).get(url).status_code == 404
    login(client, township_user).post(url, {"to": "referred", "on_date": "2025-03-05", "referred_to": "县法院"})
    dispute.refresh_from_db()
    assert dispute.status == "referred" and dispute.events.count() == 1
    assert "排查 → 移交" in client.get(url).content.decode()
    response = client.get(reverse("liaison:staff_disputes_xlsx"), {"year": 2025})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    import io

    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(response.content)).active
    assert ws["A1"].value == "城关镇矛盾纠纷排查化解台账（2025年）" and ws["D4"].value == "张某与李某"


def test_records_export_query_budget(client, township, township_user, django_assert_max_num_queries):
    for _ in range(12):
        deputy = DeputyFactory(residence=township)
        ParticipationFactory(activity=ActivityFactory(region=township, date=dt.date(2025, 3, 1)), deputy=deputy)
    login(client, township_user)
    # Queries: session, user, the user's region (scope), deputies, participations, shifts, receptions,
    # projects, trainings, and the suggestions app's section (led, co-signed, opinions) — the same
    # for 12 deputies or 1,200.
    with django_assert_max_num_queries(12):
        response = client.get(reverse("liaison:staff_records_xlsx"), {"year": 2025})
    assert response.status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("liaison:staff_records"), {"year": 2025}).status_code == 200


def test_record_pages_scoped_and_pdf(client, township, township_user, other_township_user):
    deputy = DeputyFactory(residence=township, name="张建国")
    url = reverse("liaison:staff_record", args=[deputy.pk])
    assert login(client, other_township_user).get(url).status_code == 404
    assert "张建国" in login(client, township_user).get(url).content.decode()
    response = client.get(reverse("liaison:staff_record_pdf", args=[deputy.pk]), {"year": 2025})
    assert response.content.startswith(b"%PDF")


def test_deputy_portal_coming_sign_in_and_own_record(client, township):
    user = UserFactory(role="deputy")
    deputy = DeputyFactory(user=user, residence=township)
    today = timezone.localdate()
    part = ParticipationFactory(deputy=deputy, activity=ActivityFactory(region=township, date=today, title="座谈会X"))
    published_day(township, today + dt.timedelta(days=3), [
        services.ShiftSpec(LiaisonStationFactory(region=township, name="前何村代表联络点"), deputy,
                           dt.time(9), dt.time(11))])
    login(client, user)
    body = client.get(reverse("liaison:portal_home")).content.decode()
    assert "座谈会X" in body and "前何村代表联络点" in body
    client.post(reverse("liaison:portal_sign_in", args=[part.activity_id]))
    assert Participation.objects.get(pk=part.pk).attended
    from tests.factories import activity_kind

    response = client.post(reverse("liaison:portal_record_own"), {
        "kind": activity_kind().pk, "title": "走访困难户", "date": today.isoformat(), "place": "前何村",
        "residents_count": 5, "summary": ""})
    assert response.status_code == 302
    assert "走访困难户" in client.get(reverse("liaison:portal_record"), {"year": today.year}).content.decode()
    assert client.get(reverse("liaison:portal_calendar")).status_code == 200
    # Another deputy's record is not reachable from the portal; staff pages are 404.
    assert client.get(reverse("liaison:staff_record", args=[deputy.pk])).status_code == 404
