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
