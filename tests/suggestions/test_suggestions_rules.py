"""Bad input and the rules of the suggestion workflow, at the service level."""

import datetime as dt
import threading

import pytest
from django.core import mail
from django.db import connection, connections
from django.urls import reverse
from django.utils import timezone

from deputywork.workdays import add_working_days, is_working_day
from suggestions import services_suggestions as svc
from suggestions.models import Assignment, ReplyClass, ReturnRequest, Suggestion, SuggestionEvent
from suggestions.suggestion_workflow import TransitionRefused
from tests.factories import CongressFactory, SuggestionFactory
from tests.races import meet_at, run_in_threads
from tests.suggestions.suggestion_helpers import deputy_with_login, fast_hashing, item_at, pdf, unit_with_login

GOOD = dict.fromkeys(("leadership", "attitude", "communication", "quality", "implementation"), "satisfied")

assert fast_hashing  # autouse fixture, imported to apply here


@pytest.fixture
def people(office_user, township):
    lead = deputy_with_login("lead", "张建国")
    cosigner = deputy_with_login("cosigner", "李秀英")
    unit, unit_user = unit_with_login("zhujian", "襄城县住房和城乡建设局")
    return {"office": office_user, "deputy_user": lead, "cosigner": cosigner, "unit": unit, "unit_user": unit_user,
            "region": township}


def at(status, people, **kw):
    return item_at(status, office=people["office"], deputy_user=people["deputy_user"], unit=people["unit"],
                   unit_user=people["unit_user"], region=people["region"], **kw)


def test_numbers_count_per_congress_year_and_period(people):
    a, b = at("submitted", people), at("submitted", people)
    c = at("submitted", people, period="session")
    assert (a.seq, b.seq, c.seq) == (1, 2, 1)
    assert c.number == f"襄城县十七届人大建〔{timezone.localdate().year}〕会字第1号"


def test_outgoing_and_new_congress_numbers_differ_in_an_election_year(people):
    old = at("submitted", people)
    new_congress = CongressFactory(term=18, start_date=dt.date(2026, 12, 28))
    new = at("submitted", people, congress=new_congress)
    assert old.seq == new.seq == 1 and old.year == new.year
    assert old.number != new.number
    assert new.number == f"襄城县十八届人大建〔{new.year}〕闭字第1号"


def test_the_number_takes_the_year_of_submission_not_of_the_draft(people, monkeypatch):
    # Drafted on 30 December; submitted at half past midnight on 1 January, China time (still
    # 31 December in UTC): the number is the new year's, and the new year counts from 1.
    monkeypatch.setattr(timezone, "now", lambda: dt.datetime(2026, 12, 30, 2, tzinfo=dt.UTC))
    earlier = at("submitted", people)
    draft = svc.suggestion_create(congress=earlier.congress, lead_deputy=people["deputy_user"].deputy,
                                  title="关于冬季供暖的建议", content="城区老旧小区冬季供暖不足。",
                                  category=earlier.category, actor=people["deputy_user"])
    assert draft.year == 2026
    monkeypatch.setattr(timezone, "now", lambda: dt.datetime(2026, 12, 31, 16, 30, tzinfo=dt.UTC))
    svc.suggestion_submit(suggestion=draft, actor=people["deputy_user"])
    draft.refresh_from_db()
    assert (draft.year, draft.seq) == (2027, 1)
    assert "〔2027〕闭字第1号" in draft.number


def test_reply_without_consultation_is_refused(people):
    item = at("assigned", people)
    # Move to in progress through a consultation by an assisting unit would not count: none at all here.
    Suggestion.objects.filter(pk=item.pk).update(status="in_progress")
    with pytest.raises(TransitionRefused, match="面商"):
        svc.reply_send(suggestion=item, text="已办理。", pdf=pdf(), reply_class=ReplyClass.objects.get(code="A"),
                       actor=people["unit_user"])
    assert not item.replies.exists()


def test_reply_must_be_a_pdf(people):
    item = at("in_progress", people)
    with pytest.raises(TransitionRefused, match="PDF"):
        svc.reply_send(suggestion=item, text="已办理。", pdf=pdf("reply.docx"),
                       reply_class=ReplyClass.objects.get(code="A"), actor=people["unit_user"])
    with pytest.raises(TransitionRefused, match="不是有效的 PDF"):
        svc.reply_send(suggestion=item, text="已办理。", pdf=pdf(body=b"hello"),
                       reply_class=ReplyClass.objects.get(code="A"), actor=people["unit_user"])


def test_only_the_lead_deputy_may_evaluate(people):
    item = at("replied", people)
    item.co_signers.add(people["cosigner"].deputy)
    for outsider in (people["cosigner"], people["office"], people["unit_user"]):
        with pytest.raises(TransitionRefused, match="领衔代表"):
            svc.evaluation_submit(suggestion=item, actor=outsider, ratings=GOOD, overall="satisfied")
    item.refresh_from_db()
    assert item.status == "replied" and not item.evaluations.exists()


def test_unsatisfied_needs_a_reason_and_sends_it_back_with_a_month(people):
    item = at("replied", people)
    with pytest.raises(TransitionRefused, match="理由"):
        svc.evaluation_submit(suggestion=item, actor=people["deputy_user"], ratings=GOOD, overall="unsatisfied")
    svc.evaluation_submit(suggestion=item, actor=people["deputy_user"], ratings=GOOD, overall="unsatisfied",
                          reason="只答复了计划，没有落实。")
    item.refresh_from_db()
    lead = item.assignments.get(active=True)
    assert item.status == "in_progress"
    assert lead.deadline == add_working_days(svc.add_months(svc.today(), 1), 0).date


def test_closing_before_evaluation_is_refused(people):
    item = at("replied", people)
    with pytest.raises(TransitionRefused, match="测评"):
        svc.suggestion_close(suggestion=item, actor=people["office"])


def test_deadline_on_a_holiday_moves_to_the_next_working_day(people):
    item = at("registered", people)
    national_day = dt.date(2026, 10, 1)
    (a,) = svc.suggestion_assign(suggestion=item, lead_unit=people["unit"], actor=people["office"],
                                 deadline=national_day, on=dt.date(2026, 7, 1))
    assert a.deadline > national_day and is_working_day(a.deadline).days == 1
    assert a.deadline == add_working_days(national_day, 0).date
    # Three months from 1 July lands on 1 October as well, and moves the same way.
    assert svc.deadline_for(start=dt.date(2026, 7, 1)).date == a.deadline


def test_deadline_beyond_the_known_calendar_is_marked_estimated(people):
    due = svc.deadline_for(start=dt.date(2031, 3, 2))
    assert due.estimated


def test_unit_cannot_pass_an_item_on_but_may_ask_to_return_it(people):
    item = at("assigned", people)
    a = item.assignments.get()
    other, _ = unit_with_login("jiaotong", "襄城县交通运输局")
    with pytest.raises(TransitionRefused, match="不能自行转办"):
        svc.assignment_transfer(assignment=a, unit=other, actor=people["unit_user"])
    req = svc.assignment_request_return(assignment=a, reason="属于交通部门职责。", actor=people["unit_user"])
    svc.return_decide(request=req, accept=True, new_unit=other, actor=people["office"])
    a.refresh_from_db()
    new = item.assignments.get(active=True)
    assert not a.active and new.unit == other and new.role == "lead"


def test_an_item_out_of_the_units_hands_is_not_transferred_returned_or_given_a_new_deadline(people):
    item = at("replied", people)
    a = item.assignments.get()
    other, _ = unit_with_login("jiaotong", "襄城县交通运输局")
    with pytest.raises(TransitionRefused, match="“已答复”，不在承办单位办理中，不能转办"):
        svc.assignment_transfer(assignment=a, unit=other, actor=people["office"])
    with pytest.raises(TransitionRefused, match="不能申请退回"):
        svc.assignment_request_return(assignment=a, reason="属于交通部门职责。", actor=people["unit_user"])
    with pytest.raises(TransitionRefused, match="不能调整办理期限"):
        svc.assignment_set_deadline(assignment=a, deadline=a.deadline + dt.timedelta(days=30), actor=people["office"])
    assert list(item.assignments.values_list("unit", "active")) == [(a.unit_id, True)]
    assert not ReturnRequest.objects.exists()


def test_return_request_after_seven_working_days_is_refused(people):
    item = at("assigned", people)
    a = item.assignments.get()
    Assignment.objects.filter(pk=a.pk).update(assigned_on=svc.today() - dt.timedelta(days=30))
    a.refresh_from_db()
    with pytest.raises(TransitionRefused, match="已超过期限"):
        svc.assignment_request_return(assignment=a, reason="不属于本单位职责。", actor=people["unit_user"])


def test_decline_turns_it_into_a_reference_document(people):
    item = at("submitted", people)
    svc.suggestion_decline(suggestion=item, reason="personal", declined_as="reference", actor=people["office"])
    item.refresh_from_db()
    assert item.status == "not_registered" and item.get_declined_as_display() == "参阅件"


def merged_twin(people, into, username="wang", name="王志强"):
    """Another deputy's identical item, merged (并案) into `into`."""
    other_user = deputy_with_login(username, name)
    other_user.deputy.email = f"{username}@example.cn"
    other_user.deputy.save()
    twin = SuggestionFactory(lead_deputy=other_user.deputy, region=people["region"], title="关于东街排水沟改造的建议")
    svc.suggestion_submit(suggestion=twin, actor=other_user)
    svc.suggestion_merge(suggestion=twin, into=into, actor=people["office"])
    twin.refresh_from_db()
    return twin, other_user


def test_an_item_is_not_merged_into_one_already_answered(people):
    main = at("replied", people)
    with pytest.raises(TransitionRefused, match="只能并入尚未答复的建议.*“已答复”"):
        merged_twin(people, main)
    assert not Suggestion.objects.filter(merged_into=main).exists()


def test_merged_item_deputies_read_the_main_reply(client, people, django_capture_on_commit_callbacks):
    main = at("in_progress", people)
    twin, wang = merged_twin(people, main)
    assert twin.status == "merged" and twin.merged_into == main
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        reply = svc.reply_send(suggestion=main, text="经研究，住建局安排资金改造东街排水沟。", pdf=pdf(),
                               reply_class=ReplyClass.objects.get(code="A"), actor=people["unit_user"])
    # The merged item's lead deputy is told too, not only the main item's.
    assert ["wang@example.cn"] in [m.to for m in mail.outbox]
    client.force_login(wang)
    page = client.get(reverse("suggestions:deputy_detail", args=[twin.pk])).content.decode()
    assert "住建局安排资金改造东街排水沟" in page and reverse("suggestions:reply_pdf", args=[reply.pk]) in page
    download = client.get(reverse("suggestions:reply_pdf", args=[reply.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF-")
    # The main item's page and its attachments stay the main deputies' and the office's.
    assert client.get(reverse("suggestions:deputy_detail", args=[main.pk])).status_code == 404
    stranger = deputy_with_login("stranger", "刘洋")
    client.force_login(stranger)
    assert client.get(reverse("suggestions:reply_pdf", args=[reply.pk])).status_code == 404


def test_merged_items_show_to_the_unit_and_the_office(client, people):
    main = at("in_progress", people)
    twin, _ = merged_twin(people, main)
    co_signer = deputy_with_login("sun", "孙丽")
    twin.co_signers.add(co_signer.deputy)
    client.force_login(people["unit_user"])
    page = client.get(reverse("suggestions:unit_item", args=[main.assignments.get().pk])).content.decode()
    assert "王志强" in page and "孙丽" in page and twin.number in page
    client.force_login(people["office"])
    page = client.get(reverse("suggestions:staff_detail", args=[main.pk])).content.decode()
    assert reverse("suggestions:staff_detail", args=[twin.pk]) in page and twin.number in page


def test_an_item_with_merged_items_cannot_be_declined_or_merged_away(people):
    main = at("submitted", people)
    merged_twin(people, main)
    with pytest.raises(TransitionRefused, match="已有其他建议并入本件，不能不予立案"):
        svc.suggestion_decline(suggestion=main, reason="empty", declined_as="reference", actor=people["office"])
    elsewhere = at("registered", people)
    with pytest.raises(TransitionRefused, match="已有其他建议并入本件"):
        svc.suggestion_merge(suggestion=main, into=elsewhere, actor=people["office"])
    main.refresh_from_db()
    assert main.status == "submitted"


def test_b_class_reply_is_kept_under_follow_up(people):
    item = at("in_progress", people)
    svc.reply_send(suggestion=item, text="已列入明年计划。", pdf=pdf(), reply_class=ReplyClass.objects.get(code="B"),
                   actor=people["unit_user"])
    item.refresh_from_db()
    assert item.follow_up and item.evaluation_due is not None


def test_reopen_for_review_and_supervision_records(people):
    item = at("closed", people)
    svc.supervision_record(suggestion=item, kind="review", date=svc.today(), notes="回头看：管网运行正常。",
                           actor=people["office"])
    svc.suggestion_reopen(suggestion=item, actor=people["office"], note="回头看发现仍有积水。")
    item.refresh_from_db()
    assert item.status == "in_progress"
    assert SuggestionEvent.objects.filter(suggestion=item, action="回头看，重新办理").exists()
    with pytest.raises(TransitionRefused, match="责任领导"):
        svc.suggestion_flag(suggestion=item, actor=people["office"], key_supervision=True)


@pytest.mark.django_db(transaction=True)
def test_two_clerks_assigning_at_once_leave_exactly_one_assignment(county, township):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL row locks")
    from tests.factories import UserFactory

    clerks = [UserFactory(username=f"clerk{i}", role="office", region=county) for i in range(2)]
    lead = deputy_with_login("racer", "陈明")
    unit_a, _ = unit_with_login("ua", "襄城县水利局")
    unit_b, _ = unit_with_login("ub", "襄城县农业农村局")
    item = SuggestionFactory(lead_deputy=lead.deputy, region=township)
    svc.suggestion_submit(suggestion=item, actor=lead)
    svc.suggestion_register(suggestion=item, actor=clerks[0])
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def assign(clerk, unit):
        try:
            barrier.wait()
            svc.suggestion_assign(suggestion=Suggestion.objects.get(pk=item.pk), lead_unit=unit, actor=clerk)
            outcomes.append("ok")
        except TransitionRefused:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=assign, args=(c, u)) for c, u in zip(clerks, (unit_a, unit_b), strict=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["ok", "refused"]
    assert Assignment.objects.filter(suggestion=item).count() == 1
    assert SuggestionEvent.objects.filter(suggestion=item, to_status="assigned", from_status="registered").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_items_merged_into_each_other_at_once_leave_one_merge(county, township, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL row locks")
    from suggestions import suggestion_workflow
    from tests.factories import UserFactory

    clerks = [UserFactory(username=f"clerk{i}", role="office", region=county) for i in range(2)]
    lead = deputy_with_login("racer", "陈明")
    items = [SuggestionFactory(lead_deputy=lead.deputy, region=township, title=f"关于东街排水沟改造的建议{i}")
             for i in range(2)]
    for item in items:
        svc.suggestion_submit(suggestion=item, actor=lead)
    # Each clerk holds their own item's lock before either looks at the other item: without
    # locking both at once, each would then wait for the other's lock (a deadlock, and an error
    # page for one of them).
    meet_at(monkeypatch, suggestion_workflow, "_refuse_unless_ready", after=False)
    outcomes: list[str] = []

    def merge(clerk, item, into):
        try:
            svc.suggestion_merge(suggestion=Suggestion.objects.get(pk=item.pk),
                                 into=Suggestion.objects.get(pk=into.pk), actor=clerk)
            outcomes.append("ok")
        except TransitionRefused:
            outcomes.append("refused")
        except Exception as exc:  # noqa: BLE001 - the deadlock this test is about
            outcomes.append(type(exc).__name__)

    run_in_threads(lambda: merge(clerks[0], items[0], items[1]), lambda: merge(clerks[1], items[1], items[0]))
    assert sorted(outcomes) == ["ok", "refused"]
    statuses = sorted(Suggestion.objects.filter(pk__in=[i.pk for i in items]).values_list("status", flat=True))
    assert statuses == ["merged", "submitted"]
    assert SuggestionEvent.objects.filter(suggestion__in=items, to_status="merged").count() == 1


def test_permission_is_per_move_not_per_target_status(people):
    from suggestions.suggestion_workflow import suggestion_transition

    assigned = at("assigned", people)
    with pytest.raises(TransitionRefused, match="无权"):
        suggestion_transition(suggestion=assigned, to="in_progress", actor=people["deputy_user"])
    closed = at("closed", people)
    with pytest.raises(TransitionRefused, match="无权"):
        suggestion_transition(suggestion=closed, to="in_progress", actor=people["unit_user"])
    assigned.refresh_from_db()
    closed.refresh_from_db()
    assert (assigned.status, closed.status) == ("assigned", "closed")
    # The moves each of them may make still work: the deputy's 不满意, the office's 回头看.
    replied = at("replied", people)
    svc.evaluation_submit(suggestion=replied, actor=people["deputy_user"], ratings=GOOD, overall="unsatisfied",
                          reason="没有落实。")
    svc.suggestion_reopen(suggestion=closed, actor=people["office"], note="回头看。")


def test_units_record_nothing_on_an_item_out_of_their_hands(people):
    assisting, assisting_user = unit_with_login("shuili", "襄城县水利局")
    item = at("registered", people)
    lead, helper = svc.suggestion_assign(suggestion=item, lead_unit=people["unit"], assisting_units=[assisting],
                                         actor=people["office"])
    svc.consultation_record(assignment=lead, date=svc.today(), way="phone", notes="电话面商。",
                            actor=people["unit_user"])
    svc.reply_send(suggestion=item, text="已办理。", pdf=pdf(), reply_class=ReplyClass.objects.get(code="A"),
                   actor=people["unit_user"])
    svc.evaluation_submit(suggestion=item, actor=people["deputy_user"], ratings=GOOD, overall="satisfied")
    svc.suggestion_close(suggestion=item, actor=people["office"])
    before = SuggestionEvent.objects.filter(suggestion=item).count()
    with pytest.raises(TransitionRefused, match="不在承办单位办理中"):
        svc.consultation_record(assignment=lead, date=svc.today(), way="phone", notes="补记。",
                                actor=people["unit_user"])
    with pytest.raises(TransitionRefused, match="不在承办单位办理中"):
        svc.progress_note_add(assignment=lead, note="补记进展。", actor=people["unit_user"])
    with pytest.raises(TransitionRefused, match="不在承办单位办理中"):
        svc.assisting_view_send(assignment=helper, text="同意主办单位意见。", actor=assisting_user)
    assert SuggestionEvent.objects.filter(suggestion=item).count() == before
    assert not lead.progress_notes.exists() and lead.consultations.count() == 1


def test_a_second_assignment_of_a_moved_item_says_someone_else_did_it(people):
    item = at("registered", people)
    stale = Suggestion.objects.get(pk=item.pk)  # the second clerk's page, loaded before the first clerk's post
    other, _ = unit_with_login("jiaotong", "襄城县交通运输局")
    svc.suggestion_assign(suggestion=item, lead_unit=people["unit"], actor=people["office"])
    with pytest.raises(TransitionRefused, match="该建议已由其他工作人员交办，请刷新页面查看。"):
        svc.suggestion_assign(suggestion=stale, lead_unit=other, actor=people["office"])
    assert Assignment.objects.filter(suggestion=item).count() == 1


def test_consult_rate_counts_only_the_current_lead_units_consultations(people):
    from suggestions.selectors_suggestions import rates

    assisting, assisting_user = unit_with_login("shuili", "襄城县水利局")
    helped = at("registered", people)
    _, helper = svc.suggestion_assign(suggestion=helped, lead_unit=people["unit"], assisting_units=[assisting],
                                      actor=people["office"])
    svc.consultation_record(assignment=helper, date=svc.today(), way="phone", notes="协办单位电话沟通。",
                            actor=assisting_user)
    moved = at("in_progress", people)  # consulted by the unit that then hands it on
    new_lead, _ = unit_with_login("jiaotong", "襄城县交通运输局")
    svc.assignment_transfer(assignment=moved.assignments.get(), unit=new_lead, actor=people["office"])
    at("in_progress", people)  # consulted by its lead unit: the one that counts
    total, _ = rates(user=people["office"])
    assert (total.assigned, total.consulted) == (3, 1)


def test_mask_personal_text_masks_ids_phones_and_residents_names():
    from suggestions.selectors_suggestions import mask_personal_text

    text = "张建国代表：赵大娘（身份证411025195803121234，电话13912345678）反映的问题已解决。办公室0374-3312345。"
    masked = mask_personal_text(text, names=["赵大娘"])
    assert masked == ("张建国代表：赵**（身份证4110**********1234，电话139****5678）反映的问题已解决。"
                      "办公室0374-3312345。")
    for written in ("+8613912345678", "+86 139 1234 5678", "139-1234-5678", "１３９１２３４５６７８"):
        assert mask_personal_text(f"电话{written}。") == "电话139****5678。", written
    # Other full-width digits are the reply's own: the building stays "１号楼".
    assert mask_personal_text("１号楼前电话１３９１２３４５６７８。") == "１号楼前电话139****5678。"


def test_the_second_clerks_assign_through_the_page_is_told_it_was_assigned(client, people):
    item = at("registered", people)
    other, _ = unit_with_login("jiaotong", "襄城县交通运输局")
    svc.suggestion_assign(suggestion=item, lead_unit=people["unit"], actor=people["office"])
    client.force_login(people["office"])
    response = client.post(reverse("suggestions:staff_detail", args=[item.pk]),
                           {"action": "assign", "lead_unit": other.pk, "kind": "default"}, follow=True)
    assert "该建议已由其他工作人员交办，请刷新页面查看。" in response.content.decode()
    assert Assignment.objects.filter(suggestion=item).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_staff_deciding_one_return_request_at_once_decide_it_once(county, people, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL row locks")
    from tests.factories import UserFactory

    item = at("assigned", people)
    req = svc.assignment_request_return(assignment=item.assignments.get(), reason="属于交通部门职责。",
                                        actor=people["unit_user"])
    other, _ = unit_with_login("jiaotong", "襄城县交通运输局")
    second = UserFactory(username="office2", role="office", region=county)
    # Both have looked at the request (undecided) when they meet; unlocked, both decisions are then written.
    meet_at(monkeypatch, ReturnRequest, "save", after=False)
    outcomes: dict[bool, str] = {}

    def decide(actor, accept):
        try:
            svc.return_decide(request=ReturnRequest.objects.get(pk=req.pk), accept=accept,
                              new_unit=other if accept else None, actor=actor)
            outcomes[accept] = "ok"
        except TransitionRefused as exc:
            outcomes[accept] = "refused" if "其他工作人员" in str(exc) else str(exc)

    run_in_threads(lambda: decide(people["office"], True), lambda: decide(second, False))
    assert sorted(outcomes.values()) == ["ok", "refused"]
    req.refresh_from_db()
    assert req.accepted is (outcomes[True] == "ok")
    assert (item.assignments.get(active=True).unit == other) is req.accepted
    assert SuggestionEvent.objects.filter(suggestion=item, action__in=["转办", "不同意退回"]).count() == 1


def test_a_draft_edited_from_a_page_read_before_its_submission_is_refused(people):
    draft = SuggestionFactory(lead_deputy=people["deputy_user"].deputy, region=people["region"])
    stale = Suggestion.objects.get(pk=draft.pk)  # the edit page of a second tab
    svc.suggestion_submit(suggestion=draft, actor=people["deputy_user"])
    with pytest.raises(TransitionRefused, match="提交后不能再修改"):
        svc.suggestion_update_draft(suggestion=stale, actor=people["deputy_user"], title="关于改过的标题的建议")
    draft.refresh_from_db()
    assert draft.status == "submitted" and draft.title != "关于改过的标题的建议"


@pytest.mark.django_db(transaction=True)
def test_a_draft_edited_and_submitted_from_two_tabs_at_once_is_numbered_once(people):
    """Tab A saves and submits; tab B does the same while A is between its edit and its submit.
    The draft stays locked from A's edit to A's submit: B then finds it submitted and is told
    so (before, B's text was numbered and A got an error page)."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL row locks")
    from django.test import Client

    from suggestions.models import Category

    deputy_user = people["deputy_user"]
    draft = SuggestionFactory(lead_deputy=deputy_user.deputy, region=people["region"])
    category = Category.objects.first() or Category.objects.create(name="城乡建设")
    url = reverse("suggestions:suggestion_edit", args=[draft.pk])

    def post(title):
        client = Client()
        client.force_login(deputy_user)
        try:
            return client.post(url, {"title": title, "content": "东街排水沟年久失修，雨天积水严重，建议尽快改造。" * 2,
                                     "category": category.pk, "period": "recess", "submit": "1"})
        finally:
            connections.close_all()

    responses = {}
    update = svc.suggestion_update_draft

    def update_then_let_b_go(**kwargs):
        result = update(**kwargs)
        if "b_thread" not in responses:
            other = threading.Thread(target=lambda: responses.update(b=post("关于东街排水沟的建议（乙）")))
            responses["b_thread"] = other
            other.start()
            other.join(timeout=1.5)  # with the lock held, B waits for A's commit
        return result

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(svc, "suggestion_update_draft", update_then_let_b_go)
        responses["a"] = post("关于东街排水沟的建议（甲）")
        responses["b_thread"].join()
    assert responses["a"].status_code == responses["b"].status_code == 302
    draft.refresh_from_db()
    assert draft.status == "submitted" and draft.title == "关于东街排水沟的建议（甲）"
    assert SuggestionEvent.objects.filter(suggestion=draft, to_status="submitted").count() == 1
