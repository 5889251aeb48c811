# ruff: noqa: F811 - fixtures imported from opinions_support are redefined as test arguments
"""Opinions sent to a liaison station, and reception register entries made into opinions."""

import datetime as dt

import pytest
from django.urls import reverse

from liaison.services import reception_record
from suggestions.models import Opinion, OpinionEvent, OpinionNotice
from suggestions.services_opinions import opinion_from_reception
from suggestions.workflow import TransitionRefused, opinion_transition
from tests.factories import LiaisonStationFactory
from tests.suggestions.opinions_support import (  # noqa: F401 - fixtures
    _fresh_cache,
    colleague_user,
    deputy_user,
    form_data,
    village,
)


@pytest.fixture
def station(township, deputy_user):
    s = LiaisonStationFactory(name="城关镇人大代表联络站", region=township)
    s.deputies.add(deputy_user.deputy)
    return s


def test_resident_sends_an_opinion_to_a_station_and_its_deputies_take_it(client, station, deputy_user,
                                                                       colleague_user, village, township):
    url = reverse("suggestions:opinion_new_for_station", args=[station.public_token])
    page = client.get(url).content.decode()
    assert "城关镇人大代表联络站" in page and "北关村" in page  # villages of the station's township
    response = client.post(url, form_data(place=village.pk))
    assert response.status_code == 302
    opinion = Opinion.objects.get()
    assert opinion.station == station and opinion.deputy is None and opinion.region == township
    assert OpinionNotice.objects.filter(user=deputy_user, opinion=opinion).exists()
    assert not OpinionNotice.objects.filter(user=colleague_user).exists()

    # A stationed deputy sees it in the inbox and may handle it; a deputy not stationed there may not.
    client.force_login(deputy_user)
    assert "北关村主街下水道堵塞" in client.get(reverse("suggestions:inbox")).content.decode()
    opinion_transition(opinion=opinion, to="accepted", actor=deputy_user)
    client.force_login(colleague_user)
    assert client.get(reverse("suggestions:inbox_detail", args=[opinion.pk])).status_code == 404
    with pytest.raises(TransitionRefused):
        opinion_transition(opinion=opinion, to="answered", actor=colleague_user, public_reply="已处理")

    track = client.get(response["Location"]).content.decode()
    assert "城关镇人大代表联络站" in track and "赵大娘" not in track


def test_the_station_page_links_to_its_form(client, station):
    page = client.get(reverse("liaison:public_station", args=[station.public_token])).content.decode()
    assert reverse("suggestions:opinion_new_for_station", args=[station.public_token]) in page


def test_an_inactive_station_takes_no_opinions(client, station):
    station.active = False
    station.save()
    url = reverse("suggestions:opinion_new_for_station", args=[station.public_token])
    assert client.get(url).status_code == 404
    assert client.post(url, form_data()).status_code == 404
    assert not Opinion.objects.exists()


def _entry(station, deputy, **kw):
    data = dict(station=station, date=dt.date(2026, 11, 15), deputies=[deputy], visitor_name="王桂兰",
                visitor_phone="13733334444", matter="村东头路灯坏了三个月，晚上孩子放学回家很不安全。",
                category="construction", handling="answered", reply="已联系镇供电所，本周内修复。")
    data.update(kw)
    return reception_record(**data)


def test_reception_entries_become_opinions_following_what_was_done(station, deputy_user, office_user):
    answered = _entry(station, deputy_user.deputy)
    declined = _entry(station, deputy_user.deputy, handling="declined", reply="", decline_reason="litigation",
                      redirected_to="县人民法院", matter="与邻居的宅基地纠纷已经起诉，希望代表帮忙催一催。")
    forwarded = _entry(station, deputy_user.deputy, handling="forwarded", forwarded_level="unit",
                       forwarded_to="县交通运输局", matter="进村道路坑洼多，雨天积水，请求修补。", reply="")

    a = opinion_from_reception(entry=answered, actor=office_user)
    assert (a.channel, a.status, a.station, a.deputy, a.reception) == (
        "reception", "answered", station, deputy_user.deputy, answered)
    assert a.public_reply == "已联系镇供电所，本周内修复。" and a.category.name == "城乡建设"
    assert a.resident_name == "王桂兰" and a.resident_phone == "13733334444" and a.entered_by == office_user
    assert not a.consent and not a.callback_ok  # nothing the visitor did not say at the station
    assert list(OpinionEvent.objects.filter(opinion=a).values_list("to_status", flat=True)) == [
        "submitted", "accepted", "answered"]

    d = opinion_from_reception(entry=declined, actor=office_user)
    assert d.status == "declined" and "诉讼" in d.decline_reason and "县人民法院" in d.decline_reason
    f = opinion_from_reception(entry=forwarded, actor=office_user)
    assert f.status == "accepted"

    with pytest.raises(TransitionRefused, match="已经转为"):
        opinion_from_reception(entry=answered, actor=office_user)
    assert Opinion.objects.count() == 3


def test_only_staff_convert_and_short_matters_are_refused(station, deputy_user, office_user):
    entry = _entry(station, deputy_user.deputy)
    with pytest.raises(TransitionRefused, match="工作人员"):
        opinion_from_reception(entry=entry, actor=deputy_user)
    short = _entry(station, deputy_user.deputy, matter="路灯坏了")
    with pytest.raises(TransitionRefused, match="不足10个字"):
        opinion_from_reception(entry=short, actor=office_user)
    assert not Opinion.objects.exists()


def test_pending_receptions_page_is_scoped_and_converts_the_ticked_ones(client, station, deputy_user,
                                                                         township_user, other_township_user,
                                                                         django_assert_max_num_queries):
    entries = [_entry(station, deputy_user.deputy) for _ in range(5)]
    client.force_login(township_user)
    url = reverse("suggestions:staff_from_receptions")
    with django_assert_max_num_queries(6):  # session, user, region, entries, their deputies
        page = client.get(url).content.decode()
    assert page.count('name="entry"') == 5 and "王桂兰" in page

    client.force_login(deputy_user)  # a deputy on duty does not convert: staff do
    assert client.get(url).status_code == 404
    assert client.post(url, {"entry": [str(entries[0].uid)]}).status_code == 404

    client.force_login(other_township_user)  # another township sees none of them and converts none
    page = client.get(url).content.decode()
    assert 'name="entry"' not in page
    client.post(url, {"entry": [str(entries[0].uid)]})
    assert not Opinion.objects.exists()

    client.force_login(township_user)
    response = client.post(url, {"entry": [str(e.uid) for e in entries[:2]] + ["not-a-uuid"]}, follow=True)
    assert "已将2条接待登记转为群众意见" in response.content.decode()
    assert Opinion.objects.filter(reception__in=entries[:2]).count() == 2
    assert client.get(url).content.decode().count('name="entry"') == 3


def test_a_stations_register_entry_is_filed_under_the_stations_township(other_township, deputy_user,
                                                                         other_township_user):
    # 库庄镇's station is served by a deputy living in 城关镇 (as county officials often are): its
    # clerk converts its register, and the opinion is 库庄镇's.
    station = LiaisonStationFactory(name="库庄镇代表联络站", region=other_township)
    station.deputies.add(deputy_user.deputy)
    opinion = opinion_from_reception(entry=_entry(station, deputy_user.deputy), actor=other_township_user)
    assert opinion.region == other_township and opinion.status == "answered"
