# ruff: noqa: F811 - fixtures imported from opinions_support are redefined as test arguments
"""Staff pages of residents' opinions: figures, scope of the deputy choices, estimated due dates."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from deputywork.figures import figures_sentence
from deputywork.workdays import WorkingDay
from suggestions import services_suggestions as svc
from suggestions.models import Opinion, OpinionEvent
from suggestions.selectors_opinions import opinion_figures
from suggestions.workflow import opinion_transition
from tests.factories import (
    DeputyFactory,
    HandlingUnitFactory,
    OpinionFactory,
    RegionFactory,
    SuggestionFactory,
    UserFactory,
)
from tests.suggestions.opinions_support import (  # noqa: F401 - fixtures
    _fresh_cache,
    colleague_user,
    deputy_user,
    village,
)


@pytest.fixture
def kuzhuang_deputy(other_township):
    """A deputy with a login who lives in 库庄镇: outside 城关镇's clerk's scope."""
    user = UserFactory(role="deputy", username="wang")
    return DeputyFactory(user=user, name="王德福", residence=RegionFactory(code="411025106201", name="库庄村",
                                                                           parent=other_township))


def _accepted(deputy, region, office, text):
    o = OpinionFactory(deputy=deputy, region=region, content=text)
    return opinion_transition(opinion=o, to="accepted", actor=office)


@pytest.fixture
def year_of_opinions(deputy_user, kuzhuang_deputy, office_user, township, other_township):
    """城关镇: one waiting, one accepted, one forwarded then answered and closed, one adopted into a
    suggestion still open, one adopted into a suggestion not registered. 库庄镇: one forwarded."""
    deputy = deputy_user.deputy
    OpinionFactory(deputy=deputy, region=township, content="等待受理：村里垃圾池满了没人清。")
    _accepted(deputy, township, office_user, "已受理：路灯坏了半个月。")
    done = _accepted(deputy, township, office_user, "小事快办：桥头护栏松动。")
    opinion_transition(opinion=done, to="forwarded", actor=office_user, forwarded_to=HandlingUnitFactory(),
                       due_date=timezone.localdate())
    opinion_transition(opinion=done, to="answered", actor=office_user, public_reply="护栏已加固。")
    opinion_transition(opinion=done, to="closed", actor=office_user)
    open_source = _accepted(deputy, township, office_user, "形成建议：主街排水管网老化。")
    still_open = SuggestionFactory(lead_deputy=deputy)
    still_open.source_opinions.set([open_source])
    svc.suggestion_submit(suggestion=still_open, actor=deputy_user)
    ended_source = _accepted(deputy, township, office_user, "形成建议：希望修建村级文化广场。")
    ended = SuggestionFactory(lead_deputy=deputy)
    ended.source_opinions.set([ended_source])
    svc.suggestion_submit(suggestion=ended, actor=deputy_user)
    svc.suggestion_decline(suggestion=ended, reason="personal", declined_as="letter", actor=office_user)
    there = _accepted(kuzhuang_deputy, other_township, office_user, "库庄镇：村道坑洼不平。")
    opinion_transition(opinion=there, to="forwarded", actor=office_user, forwarded_to=HandlingUnitFactory(),
                       due_date=timezone.localdate())
    assert Opinion.objects.filter(status="adopted").count() == 2


def _year() -> tuple[dt.date, dt.date]:
    today = timezone.localdate()
    return today.replace(month=1, day=1), today


def test_figures_count_forwarded_waiting_and_adopted_by_their_suggestion(year_of_opinions, township,
                                                                        other_township, county):
    start, end = _year()
    figures = {f.key: f.value for f in opinion_figures(start, end, township)}
    assert figures == {"opinions.collected": 5, "opinions.waiting": 1, "opinions.in_progress": 2,
                       "opinions.done": 2, "opinions.forwarded": 1, "opinions.solved": 1}
    assert figures_sentence(opinion_figures(start, end, township)) == (
        "收集意见建议5条，其中1件待受理，2件正在办理中，2件已经办理完成，转交有关单位办理1件，解决实际问题1个。")
    # Only when every opinion collected went to a unit does the bulletin say so.
    assert figures_sentence(opinion_figures(start, end, other_township)) == (
        "收集意见建议1条，已全部转交有关单位办理，其中1件正在办理中，0件已经办理完成，解决实际问题0个。")
    whole = {f.key: f.value for f in opinion_figures(start, end, county)}
    assert whole["opinions.collected"] == 6 and whole["opinions.forwarded"] == 2


def test_staff_figures_page_filters_by_period_and_region_within_scope(
        client, year_of_opinions, office_user, township_user, deputy_user, township, other_township,
        django_assert_max_num_queries):
    url = reverse("suggestions:staff_opinion_figures")
    start, end = _year()
    client.force_login(office_user)
    # session, user, the township chosen, the regions of the picker, the counts (one aggregate)
    with django_assert_max_num_queries(5):
        page = client.get(url, {"start": start.isoformat(), "end": end.isoformat(), "region": other_township.code})
    assert "库庄镇收集意见建议1条，已全部转交有关单位办理" in page.content.decode()
    yesterday = start - dt.timedelta(days=1)
    page = client.get(url, {"start": (start - dt.timedelta(days=30)).isoformat(), "end": yesterday.isoformat()})
    assert "收集意见建议0条" in page.content.decode()

    # A township clerk asking for another township gets their own; the picker offers only theirs.
    client.force_login(township_user)
    # session, user, user's region, the regions of the picker, the counts
    with django_assert_max_num_queries(6):
        page = client.get(url, {"region": other_township.code})
    text = page.content.decode()
    assert "城关镇收集意见建议5条，其中1件待受理" in text
    assert other_township.code not in text and "库庄镇" not in text

    client.force_login(deputy_user)
    assert client.get(url).status_code == 404


def test_township_clerk_cannot_reassign_to_a_deputy_of_another_township(
        client, township_user, office_user, deputy_user, colleague_user, kuzhuang_deputy, township):
    opinion = OpinionFactory(deputy=deputy_user.deputy, region=township)
    url = reverse("suggestions:staff_opinion_detail", args=[opinion.pk])
    client.force_login(township_user)
    page = client.get(url).content.decode()
    assert "李秀英" in page and "王德福" not in page
    response = client.post(url, {"action": "reassign", "reassign-deputy": kuzhuang_deputy.pk})
    assert response.status_code == 200 and "选择一个有效的选项" in response.content.decode()
    opinion.refresh_from_db()
    assert opinion.deputy == deputy_user.deputy
    assert not OpinionEvent.objects.filter(opinion=opinion, kind="reassign").exists()
    # Within the township it works, and the office may send it anywhere.
    client.post(url, {"action": "reassign", "reassign-deputy": colleague_user.deputy.pk})
    opinion.refresh_from_db()
    assert opinion.deputy == colleague_user.deputy
    client.force_login(office_user)
    client.post(url, {"action": "reassign", "reassign-deputy": kuzhuang_deputy.pk})
    opinion.refresh_from_db()
    assert opinion.deputy == kuzhuang_deputy


def test_township_clerk_cannot_enter_an_opinion_for_a_deputy_of_another_township(
        client, township_user, deputy_user, kuzhuang_deputy):
    url = reverse("suggestions:staff_opinion_new")
    client.force_login(township_user)
    assert "王德福" not in client.get(url).content.decode()
    data = {"channel": "phone", "content": "电话反映：村里的自来水三天没来了。", "consent": "on"}
    response = client.post(url, {**data, "deputy": kuzhuang_deputy.pk})
    assert response.status_code == 200 and "选择一个有效的选项" in response.content.decode()
    assert not Opinion.objects.exists()
    assert client.post(url, {**data, "deputy": deputy_user.deputy.pk}).status_code == 302
    assert Opinion.objects.get().deputy == deputy_user.deputy


def test_due_date_on_an_estimated_calendar_is_flagged_on_detail_and_list(
        client, office_user, deputy_user, township, monkeypatch):
    opinion = _accepted(deputy_user.deputy, township, office_user, "小事快办：村口排水沟堵塞。")
    far = dt.date(2099, 3, 9)
    monkeypatch.setattr("suggestions.views_opinions.forward_due_date", lambda days: WorkingDay(far, True))
    client.force_login(office_user)
    url = reverse("suggestions:staff_opinion_detail", args=[opinion.pk])
    client.post(url, {"action": "forward", "forward-unit": HandlingUnitFactory().pk, "forward-working_days": 5})
    opinion.refresh_from_db()
    assert opinion.due_date == far and opinion.due_estimated
    detail = client.get(url).content.decode()
    assert "按估算日历" in detail and "按周一至周五估算" in detail
    listing = client.get(reverse("suggestions:staff_opinions")).content.decode()
    assert "估算" in listing and "按周一至周五估算" in listing
    client.force_login(deputy_user)
    assert "按估算日历" in client.get(reverse("suggestions:inbox_detail", args=[opinion.pk])).content.decode()


def test_due_date_on_a_known_calendar_carries_no_warning(client, office_user, deputy_user, township, monkeypatch):
    # A due date counted on the published calendar, whatever today's date.
    known = WorkingDay(timezone.localdate() + dt.timedelta(days=7), estimated=False)
    monkeypatch.setattr("suggestions.views_opinions.forward_due_date", lambda *args, **kwargs: known)
    opinion = _accepted(deputy_user.deputy, township, office_user, "小事快办：村口排水沟堵塞。")
    client.force_login(office_user)
    url = reverse("suggestions:staff_opinion_detail", args=[opinion.pk])
    client.post(url, {"action": "forward", "forward-unit": HandlingUnitFactory().pk, "forward-working_days": 5})
    opinion.refresh_from_db()
    assert opinion.status == "forwarded"
    assert opinion.due_date == known.date and not opinion.due_estimated
    assert "按估算日历" not in client.get(url).content.decode()


def test_the_list_and_the_detail_name_each_recipient_apart(client, office_user, deputy_user):
    """An opinion from a station's register names the deputy and the station: the list shows
    them on two lines, not run together as if one name."""
    from tests.factories import LiaisonStationFactory

    station = LiaisonStationFactory(name="城关镇代表联络站")
    opinion = OpinionFactory(deputy=deputy_user.deputy, station=station)
    client.force_login(office_user)
    listing = client.get(reverse("suggestions:staff_opinions")).content.decode()
    assert f"{deputy_user.deputy.name}代表<br>城关镇代表联络站" in listing
    detail = client.get(reverse("suggestions:staff_opinion_detail", args=[opinion.pk])).content.decode()
    assert f"{deputy_user.deputy.name}代表、城关镇代表联络站" in detail
