"""Bad input and the rules of the suggestion workflow, at the service level."""

import datetime as dt
import threading

import pytest
from django.db import connection, connections

from deputywork.workdays import add_working_days, is_working_day
from suggestions import services_suggestions as svc
from suggestions.models import Assignment, ReplyClass, Suggestion, SuggestionEvent
from suggestions.suggestion_workflow import TransitionRefused
from tests.factories import SuggestionFactory
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
    assert c.number == "襄城县人大建〔2026〕会字第1号"


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


def test_merged_item_deputies_read_the_main_reply(people):
    main = at("replied", people)
    other_user = deputy_with_login("wang", "王志强")
    twin = SuggestionFactory(lead_deputy=other_user.deputy, region=people["region"])
    svc.suggestion_submit(suggestion=twin, actor=other_user)
    # Merging needs the main item open; merge a fresh twin into a registered one instead.
    main2 = at("registered", people)
    svc.suggestion_merge(suggestion=twin, into=main2, actor=people["office"])
    twin.refresh_from_db()
    assert twin.status == "merged" and twin.merged_into == main2
    from suggestions.selectors_suggestions import suggestions_of_deputy
    assert set(suggestions_of_deputy(user=other_user)) == {twin}
    assert main.replies.exists()


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
