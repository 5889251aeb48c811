"""The deputy's public page comes from the cache, and shows every change at once."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.urls import reverse

from deputies import services
from tests.factories import DeputyFactory, LiaisonStationFactory, MandateFactory, MembershipFactory, UserFactory


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def deputy(village, county_congress):
    deputy = DeputyFactory(name="李秀英", residence=village, introduction="小学教师。")
    MandateFactory(deputy=deputy, congress=county_congress)
    return deputy


def page(client, deputy) -> str:
    response = client.get(reverse("deputies:public_deputy", args=[deputy.public_token]))
    assert response.status_code == 200
    return response.content.decode()


def test_second_visit_is_served_from_the_cache_without_queries(client, deputy, groups,
                                                              django_assert_max_num_queries,
                                                              django_assert_num_queries):
    MembershipFactory(deputy=deputy, group=groups["城关镇代表活动小组"])
    # First visit: the deputy, their serving seats, their current groups, their stations.
    with django_assert_max_num_queries(4):
        first = page(client, deputy)
    with django_assert_num_queries(0):
        second = page(client, deputy)
    assert first == second and "城关镇代表活动小组" in second


def test_a_changed_introduction_shows_at_once(client, deputy):
    assert "小学教师。" in page(client, deputy)
    services.deputy_update(deputy=deputy, introduction="小学教师，关注留守儿童。")
    assert "关注留守儿童" in page(client, deputy)


def test_an_ended_seat_and_its_groups_go_at_once(client, deputy, groups):
    MembershipFactory(deputy=deputy, group=groups["城关镇代表活动小组"])
    assert "襄城县第十七届人大代表" in page(client, deputy) and "城关镇代表活动小组" in page(client, deputy)
    # Ending the last seat also ends the groups, with QuerySet.update (no signal).
    services.mandate_end(mandate=deputy.mandates.get(), ended_on=dt.date(2026, 1, 5), reason="resigned")
    text = page(client, deputy)
    assert "襄城县第十七届人大代表" not in text and "城关镇代表活动小组" not in text


def test_a_new_group_leader_replacing_the_old_shows_at_once(client, deputy, groups):
    group = groups["城关镇代表活动小组"]
    MembershipFactory(deputy=deputy, group=group, role="leader")
    assert "组长" in page(client, deputy)
    # The old leader becomes a member with QuerySet.update (no signal).
    services.membership_add(group=group, deputy=DeputyFactory(), role="leader", replace_leader=True)
    assert "组长" not in page(client, deputy)


def test_a_renamed_group_shows_at_once(client, deputy, groups):
    group = groups["城关镇代表活动小组"]
    MembershipFactory(deputy=deputy, group=group)
    assert "城关镇代表活动小组" in page(client, deputy)
    group.name = "城关镇第一代表活动小组"
    group.save()
    assert "城关镇第一代表活动小组" in page(client, deputy)


def test_a_logged_in_visitor_gets_a_page_of_their_own(client, deputy, office_user):
    page(client, deputy)  # cached for visitors without a session
    office_user.first_name, office_user.last_name = "办公", "王"
    office_user.save()
    client.force_login(office_user)
    assert "王办公" in page(client, deputy)
    client.logout()
    assert "王办公" not in page(client, deputy)


def test_a_login_does_not_empty_the_cache(client, deputy, django_assert_num_queries):
    other = UserFactory(username="someone")
    page(client, deputy)
    other.save(update_fields=["last_login"])  # what a login writes
    with django_assert_num_queries(0):
        page(client, deputy)


def test_a_rotated_token_is_404_even_when_cached(client, deputy):
    old = deputy.public_token
    page(client, deputy)
    services.token_rotate(obj=deputy)
    assert client.get(reverse("deputies:public_deputy", args=[old])).status_code == 404
    assert "李秀英" in page(client, deputy)


# --- the liaison stations the deputy is stationed at -------------------------------------------


@pytest.fixture
def station(deputy, township):
    station = LiaisonStationFactory(name="西街社区代表联络站", region=township, address="城关镇西街88号",
                                    opening_schedule="每月15日 9:00–11:30", phone="0374-7000000")
    station.deputies.add(deputy)
    return station


def test_the_page_shows_each_active_station_with_a_link_and_never_the_phone(client, deputy, station):
    deputy.mobile = "13912345678"
    deputy.save()
    LiaisonStationFactory(name="库庄镇代表之家", kind="home", active=False).deputies.add(deputy)
    text = page(client, deputy)
    assert "西街社区代表联络站" in text and "代表联络站" in text
    assert "城关镇西街88号" in text and "每月15日 9:00–11:30" in text
    assert reverse("liaison:public_station", args=[station.public_token]) in text
    assert "库庄镇代表之家" not in text  # a station no longer in use
    assert "13912345678" not in text


def test_stations_keep_the_query_count_flat(client, deputy, station, township, django_assert_max_num_queries):
    for n in range(3):
        LiaisonStationFactory(name=f"第{n}联络点", kind="point", region=township).deputies.add(deputy)
    # The deputy, their serving seats, their current groups, their stations: one query each.
    with django_assert_max_num_queries(4):
        text = page(client, deputy)
    assert "第2联络点" in text and "代表联络点" in text


def test_leaving_a_station_and_a_changed_station_show_at_once(client, deputy, station):
    assert "西街社区代表联络站" in page(client, deputy)
    station.opening_schedule = "每周三 9:00–11:30"
    station.save()
    assert "每周三 9:00–11:30" in page(client, deputy)
    station.deputies.remove(deputy)  # only m2m_changed, no post_save
    assert "西街社区代表联络站" not in page(client, deputy)
    station.deputies.add(deputy)
    assert "西街社区代表联络站" in page(client, deputy)
    station.deputies.clear()
    assert "西街社区代表联络站" not in page(client, deputy)
