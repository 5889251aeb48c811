"""One deployment serving several counties: a county's office sees and moves its own county's
rows only; an office with no county set (or a superuser) keeps the whole deployment."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from bulletins.selectors import bulletins_visible_to
from deputywork.roles import region_within_scope, scope_name, sees_every_row
from suggestions import services_suggestions as svc
from suggestions.services_opinions import opinion_transition
from suggestions.suggestion_workflow import TransitionRefused as SuggestionRefused
from suggestions.workflow import TransitionRefused
from tests.factories import (
    BulletinFactory,
    CongressFactory,
    DeputyFactory,
    HandlingUnitFactory,
    OpinionFactory,
    RegionFactory,
    SuggestionFactory,
    UserFactory,
)


@pytest.fixture
def shenqiu(county):
    city = RegionFactory(code="411600000000", name="周口市", parent=county.parent.parent)
    return RegionFactory(code="411624000000", name="沈丘县", parent=city)


@pytest.fixture
def huaidian(shenqiu):
    return RegionFactory(code="411624100000", name="槐店回族镇", parent=shenqiu)


@pytest.fixture
def shenqiu_office(shenqiu):
    return UserFactory(role="office", region=shenqiu, username="office-shenqiu")


@pytest.fixture
def opinions(township, huaidian):
    ours = OpinionFactory(deputy=DeputyFactory(residence=township), region=township)
    theirs = OpinionFactory(deputy=DeputyFactory(residence=huaidian), region=huaidian,
                            content="槐店镇南关村路灯坏了半年，晚上出行不安全。", resident_phone="13787654321")
    return ours, theirs


def test_who_sees_every_row(office_user, shenqiu_office, township_user):
    assert not sees_every_row(office_user) and not sees_every_row(shenqiu_office)
    assert sees_every_row(UserFactory(role="office")) and sees_every_row(UserFactory(is_superuser=True))
    assert not sees_every_row(township_user)
    assert scope_name(office_user) == "襄城县" and scope_name(township_user) == "城关镇"


def test_region_within_scope_follows_the_county(office_user, shenqiu_office, township, huaidian):
    assert region_within_scope(office_user, township) and not region_within_scope(office_user, huaidian)
    assert region_within_scope(shenqiu_office, huaidian) and not region_within_scope(shenqiu_office, township)


def test_opinion_list_detail_and_export_keep_to_the_county(client, office_user, shenqiu_office, opinions):
    ours, theirs = opinions
    client.force_login(office_user)
    listing = client.get(reverse("suggestions:staff_opinions")).content.decode()
    assert ours.tracking_code in listing and theirs.tracking_code not in listing
    assert client.get(reverse("suggestions:staff_opinion_detail", args=[theirs.pk])).status_code == 404
    response = client.get(reverse("suggestions:staff_opinions_export"))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    codes = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert codes == {ours.tracking_code}  # the other county's resident's phone is not in it either
    client.force_login(shenqiu_office)
    assert client.get(reverse("suggestions:staff_opinion_detail", args=[theirs.pk])).status_code == 200
    assert client.get(reverse("suggestions:staff_opinion_detail", args=[ours.pk])).status_code == 404


def test_whole_deployment_office_sees_both_counties(client, opinions):
    client.force_login(UserFactory(role="office", username="province"))
    listing = client.get(reverse("suggestions:staff_opinions")).content.decode()
    assert all(o.tracking_code in listing for o in opinions)


def test_county_office_cannot_move_another_countys_opinion(office_user, shenqiu_office, opinions):
    ours, theirs = opinions
    with pytest.raises(TransitionRefused):
        opinion_transition(opinion=theirs, to="accepted", actor=office_user)
    opinion_transition(opinion=theirs, to="accepted", actor=shenqiu_office)
    opinion_transition(opinion=ours, to="accepted", actor=office_user)


def test_an_opinion_of_no_township_is_placed_by_its_recipient(client, county, office_user, shenqiu_office):
    opinion = OpinionFactory(deputy=DeputyFactory(residence=county))  # a deputy living at county level
    assert opinion.region_id is None
    client.force_login(office_user)
    assert client.get(reverse("suggestions:staff_opinion_detail", args=[opinion.pk])).status_code == 200
    client.force_login(shenqiu_office)
    assert client.get(reverse("suggestions:staff_opinion_detail", args=[opinion.pk])).status_code == 404


def test_suggestions_and_their_units_keep_to_the_county(client, office_user, shenqiu, township, huaidian):
    ours = SuggestionFactory(lead_deputy=DeputyFactory(residence=township), region=township)
    theirs = SuggestionFactory(congress=CongressFactory(region=shenqiu), region=huaidian,
                               lead_deputy=DeputyFactory(residence=huaidian), title="关于修复槐店镇路灯的建议")
    for item in (ours, theirs):
        svc.suggestion_submit(suggestion=item, actor=None)
    HandlingUnitFactory(name="襄城县住房和城乡建设局")
    HandlingUnitFactory(name="沈丘县住房和城乡建设局", region=shenqiu)
    client.force_login(office_user)
    listing = client.get(reverse("suggestions:staff_list")).content.decode()
    assert ours.title in listing and theirs.title not in listing
    assert client.get(reverse("suggestions:staff_detail", args=[theirs.pk])).status_code == 404
    with pytest.raises(SuggestionRefused):
        svc.suggestion_register(suggestion=theirs, actor=office_user)
    # The assignment form offers the item's own county's units only.
    page = client.get(reverse("suggestions:staff_detail", args=[ours.pk])).content.decode()
    assert "襄城县住房和城乡建设局" in page and "沈丘县住房和城乡建设局" not in page


def test_bulletins_keep_to_the_county(office_user, shenqiu):
    ours = BulletinFactory(region=office_user.region)
    BulletinFactory(region=shenqiu, organ="沈丘县人大常委会代表工作委员会")
    assert list(bulletins_visible_to(user=office_user)) == [ours]


def _model_admin(model):
    from django.contrib import admin

    return admin.site._registry[model]


def test_regions_are_changed_only_by_those_who_see_every_row(rf, office_user, township):
    from deputywork.models import Region

    request = rf.get("/")
    request.user = office_user
    model_admin = _model_admin(Region)
    assert not model_admin.has_change_permission(request, township) and not model_admin.has_add_permission(request)
    request.user = UserFactory(role="office", username="province")
    assert model_admin.has_change_permission(request, township) and model_admin.has_add_permission(request)


def test_a_county_office_changes_its_own_congresses_and_keeps_them_there(rf, office_user, shenqiu):
    from deputies.models import Congress

    ours, theirs = CongressFactory(), CongressFactory(region=shenqiu)
    request = rf.get("/")
    request.user = office_user
    model_admin = _model_admin(Congress)
    assert model_admin.has_change_permission(request, ours) and not model_admin.has_change_permission(request, theirs)
    form_class = model_admin.get_form(request, ours)
    data = {"level": "county", "region": shenqiu.pk, "term": 17, "start_date": "2021-12-28"}
    form = form_class(data, instance=ours)
    assert not form.is_valid() and "所在区划不在襄城县" in str(form.errors)


def test_units_and_reminders_in_the_admin_keep_to_the_county(rf, office_user, shenqiu):
    from suggestions.models import HandlingUnit

    ours = HandlingUnitFactory(name="襄城县住房和城乡建设局")
    HandlingUnitFactory(name="沈丘县住房和城乡建设局", region=shenqiu)
    request = rf.get("/")
    request.user = office_user
    assert list(_model_admin(HandlingUnit).get_queryset(request)) == [ours]


def test_a_units_login_picker_offers_free_logins_and_the_countys_own(client, office_user, shenqiu):
    from suggestions.models import HandlingUnit

    ours, theirs = (HandlingUnitFactory(name="襄城县住房和城乡建设局"),
                    HandlingUnitFactory(name="沈丘县住房和城乡建设局", region=shenqiu))
    ours_login, theirs_login = UserFactory(role="unit", username="xc-zhujian"), UserFactory(role="unit",
                                                                                          username="sq-zhujian")
    ours.users.add(ours_login)
    theirs.users.add(theirs_login)
    free = UserFactory(role="unit", username="xc-jiaotong")
    UserFactory(role="deputy", username="a-deputy")
    client.force_login(office_user)
    url = reverse("admin:suggestions_handlingunit_change", args=[ours.pk])
    offered = client.get(url).context["adminform"].form.fields["users"].queryset
    assert list(offered) == [free, ours_login]
    data = {"name": ours.name, "kind": "department", "region": ours.region_id, "active": "on"}
    response = client.post(url, {**data, "users": [ours_login.pk, theirs_login.pk]})
    assert response.status_code == 200 and list(ours.users.all()) == [ours_login]
    assert client.post(url, {**data, "users": [ours_login.pk, free.pk]}).status_code == 302
    assert set(HandlingUnit.objects.get(pk=ours.pk).users.all()) == {ours_login, free}
    # Nor does the unit move to another county.
    response = client.post(url, {**data, "region": shenqiu.pk, "users": [ours_login.pk]})
    assert response.status_code == 200 and "所在区划不在襄城县" in response.content.decode()
    # The deployment's own office (no region) and a superuser pick from every unit login, and the
    # unit's own logins are always offered: saving the page keeps them.
    theirs.users.add(ours_login)
    for user in (UserFactory(role="office", username="office-all"), UserFactory(is_superuser=True, is_staff=True)):
        client.force_login(user)
        offered = client.get(url).context["adminform"].form.fields["users"].queryset
        assert set(offered) == {free, ours_login, theirs_login}
    client.force_login(office_user)
    assert set(client.get(url).context["adminform"].form.fields["users"].queryset) == {free, ours_login}
    theirs_url = reverse("admin:suggestions_handlingunit_change", args=[theirs.pk])
    client.force_login(UserFactory(role="office", username="office-shenqiu", region=shenqiu))
    offered = client.get(theirs_url).context["adminform"].form.fields["users"].queryset
    assert ours_login in offered and theirs_login in offered


def test_an_opinion_of_no_township_follows_its_deputy_before_its_station(
        client, county, huaidian, office_user, shenqiu_office):
    """A reception at a county-level station of 襄城县, with a deputy on duty from 沈丘县: the list
    and the moves place it alike (by the deputy), never one county seeing what the other moves."""
    from tests.factories import LiaisonStationFactory

    opinion = OpinionFactory(deputy=DeputyFactory(residence=huaidian), station=LiaisonStationFactory(region=county))
    assert opinion.region_id is None and opinion.placed_in == huaidian
    client.force_login(office_user)
    assert client.get(reverse("suggestions:staff_opinion_detail", args=[opinion.pk])).status_code == 404
    client.force_login(shenqiu_office)
    assert client.get(reverse("suggestions:staff_opinion_detail", args=[opinion.pk])).status_code == 200
    opinion_transition(opinion=opinion, to="accepted", actor=shenqiu_office)


def test_each_county_numbers_its_own_bulletins(county, shenqiu):
    import datetime as dt

    from django.core.exceptions import ValidationError

    from bulletins.services import bulletin_create, next_issue_number

    def issue(region, organ):
        return bulletin_create(series="代表工作", year=2026, number=1, region=region, organ=organ,
                               issue_date=dt.date(2026, 3, 1), issued_on=dt.date(2026, 3, 1))

    issue(county, "襄城县人大常委会代表工作委员会")
    issue(shenqiu, "沈丘县人大常委会代表工作委员会")  # each county has its own 第1期
    with pytest.raises(ValidationError, match="第1期已经存在"):
        issue(shenqiu, "沈丘县人大常委会代表工作委员会")
    assert next_issue_number(series="代表工作", year=2026, region=county) == 2
    assert next_issue_number(series="代表工作", year=2026, region=shenqiu) == 2
    assert next_issue_number(series="代表工作", year=2026, region=None) == 1


def test_a_statistics_block_with_no_region_counts_its_bulletins_county(county, township, huaidian):
    import datetime as dt

    from bulletins.rendering import frozen_or_live_figures
    from tests.factories import ArticleFactory

    OpinionFactory(region=township)
    OpinionFactory(region=huaidian, content="槐店镇南关村路灯坏了半年，晚上出行不安全。")
    article = ArticleFactory(bulletin=BulletinFactory(region=county), body="今年以来：\n［统计］",
                             stats_start=dt.date(2000, 1, 1), stats_end=dt.date(2100, 1, 1))
    collected = {f.key: f.value for f in frozen_or_live_figures(article)}["opinions.collected"]
    assert collected == 1  # 襄城县's opinion, not 沈丘县's as well


def test_staff_enter_suggestions_for_their_own_county_only(client, office_user, shenqiu, township, huaidian):
    from tests.factories import MandateFactory

    ours, theirs = DeputyFactory(residence=township, name="张建国"), DeputyFactory(residence=huaidian, name="马桂芝")
    MandateFactory(deputy=ours)
    MandateFactory(deputy=theirs, congress=CongressFactory(region=shenqiu))
    client.force_login(office_user)
    page = client.get(reverse("suggestions:staff_create")).content.decode()
    assert "张建国" in page and "马桂芝" not in page and "沈丘县" not in page


def test_congress_lists_hold_the_county_and_those_above_it(office_user, shenqiu, township):
    from deputies.selectors import congresses_visible_to

    province, city = office_user.region.parent.parent, office_user.region.parent
    ours = [CongressFactory(level=level, region=region) for level, region in
            (("province", province), ("city", city), ("county", office_user.region), ("township", township))]
    CongressFactory(region=shenqiu)
    assert set(congresses_visible_to(office_user)) == set(ours)


def test_figures_count_an_opinion_of_no_township_where_its_recipient_is(county, shenqiu):
    import datetime as dt

    from suggestions.selectors_opinions import opinion_counts

    OpinionFactory(deputy=DeputyFactory(residence=county))  # no township: placed by its deputy
    span = (dt.date(2000, 1, 1), dt.date(2100, 1, 1))
    assert opinion_counts(*span, county)["collected"] == 1
    assert opinion_counts(*span, shenqiu)["collected"] == 0


def _station_form(client, station=None):
    url = (reverse("admin:liaison_liaisonstation_change", args=[station.pk]) if station
           else reverse("admin:liaison_liaisonstation_add"))
    return client.get(url).context["adminform"].form


def test_deputy_and_group_pickers_offer_the_own_county(client, office_user, township_user, township, huaidian):
    from tests.factories import ActivityGroupFactory

    ours, in_town = DeputyFactory(name="张建国", residence=township), DeputyFactory(name="李秀英", residence=township)
    theirs = DeputyFactory(name="马桂芝", residence=huaidian)
    group = ActivityGroupFactory(region=township)
    ActivityGroupFactory(region=huaidian)
    for user in (office_user, township_user):
        client.force_login(user)
        form = _station_form(client)
        assert set(form.fields["deputies"].queryset) == {ours, in_town}
        assert set(form.fields["groups"].queryset) == {group}
    client.force_login(UserFactory(role="office", username="province"))
    assert theirs in _station_form(client).fields["deputies"].queryset


def test_a_picker_keeps_the_deputies_a_record_already_names(client, office_user, township, huaidian):
    from liaison.models import LiaisonStation
    from tests.factories import LiaisonStationFactory

    ours, theirs = DeputyFactory(name="张建国", residence=township), DeputyFactory(name="马桂芝", residence=huaidian)
    station = LiaisonStationFactory(region=township)
    station.deputies.set([ours, theirs])  # put there by an office that sees every county
    client.force_login(office_user)
    form = _station_form(client, station)
    assert set(form.fields["deputies"].queryset) == {ours, theirs}
    data = {"name": station.name, "kind": station.kind, "region": township.pk, "address": "城关镇人民政府院内",
            "opening_schedule": "每月15日", "active": "on", "deputies": [ours.pk, theirs.pk]}
    response = client.post(reverse("admin:liaison_liaisonstation_change", args=[station.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert set(LiaisonStation.objects.get(pk=station.pk).deputies.all()) == {ours, theirs}
    other = LiaisonStationFactory(region=township, name="城关镇西街联络点")
    data["name"] = other.name
    response = client.post(reverse("admin:liaison_liaisonstation_change", args=[other.pk]), data)
    assert response.status_code == 200 and not other.deputies.exists()  # not offered on a new choice


def test_the_deputy_lists_group_filter_offers_the_own_countys_groups(client, office_user, township, huaidian):
    from tests.factories import ActivityGroupFactory, MembershipFactory

    ours = MembershipFactory(deputy=DeputyFactory(residence=township), group__region=township,
                             group__name="城关镇第一小组")
    in_town = DeputyFactory(residence=township, name="李秀英")
    ActivityGroupFactory(region=huaidian, name="槐店回族镇第一小组")
    client.force_login(office_user)
    response = client.get(reverse("admin:deputies_deputy_changelist"))
    html = response.content.decode()
    assert "城关镇第一小组" in html and "槐店回族镇第一小组" not in html
    listed = client.get(reverse("admin:deputies_deputy_changelist"), {"group": ours.group_id}).context["cl"].result_list
    assert list(listed) == [ours.deputy] and in_town not in listed
