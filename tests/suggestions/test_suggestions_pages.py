"""Who sees which suggestion pages, what they cost in queries, the ledger, reminders and figures."""

import datetime as dt
from io import BytesIO, StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from deputywork.figures import collect_figures
from suggestions import services_suggestions as svc
from suggestions.models import Assignment, Reminder
from tests.factories import UserFactory
from tests.suggestions.suggestion_helpers import deputy_with_login, fast_hashing, item_at, unit_with_login

assert fast_hashing  # autouse fixture, imported to apply here


@pytest.fixture
def people(office_user, township):
    lead = deputy_with_login("lead", "张建国")
    unit, unit_user = unit_with_login("zhujian", "襄城县住房和城乡建设局")
    return {"office": office_user, "deputy_user": lead, "unit": unit, "unit_user": unit_user, "region": township}


def at(status, people, **kw):
    return item_at(status, office=people["office"], deputy_user=people["deputy_user"], unit=people["unit"],
                   unit_user=people["unit_user"], region=people["region"], **kw)


def test_unit_pages_owner_colleague_and_outsider(client, people):
    item = at("in_progress", people)
    a = item.assignments.get()
    url = reverse("suggestions:unit_item", args=[a.pk])
    colleague = UserFactory(username="zhujian2", role="unit")
    people["unit"].users.add(colleague)
    _, outsider = unit_with_login("jiaoyu", "襄城县教育局")
    client.force_login(people["unit_user"])
    assert client.get(url).status_code == 200
    client.force_login(colleague)
    assert client.get(url).status_code == 200
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    assert item.title not in client.get(reverse("suggestions:unit_home")).content.decode()


def test_transferred_unit_loses_the_item(client, people):
    item = at("assigned", people)
    a = item.assignments.get()
    other, _ = unit_with_login("shuili", "襄城县水利局")
    svc.assignment_transfer(assignment=a, unit=other, actor=people["office"])
    client.force_login(people["unit_user"])
    assert client.get(reverse("suggestions:unit_item", args=[a.pk])).status_code == 404


def test_deputy_pages_lead_cosigner_and_other_deputy(client, people):
    item = at("submitted", people)
    cosigner = deputy_with_login("cosigner", "李秀英")
    item.co_signers.add(cosigner.deputy)
    other = deputy_with_login("other", "王志强")
    url = reverse("suggestions:deputy_detail", args=[item.pk])
    for user, code in ((people["deputy_user"], 200), (cosigner, 200), (other, 404), (people["unit_user"], 404)):
        client.force_login(user)
        assert client.get(url).status_code == code


def test_staff_pages_are_scoped_to_the_township(client, people, township_user, other_township_user):
    item = at("submitted", people)
    url = reverse("suggestions:staff_detail", args=[item.pk])
    for user, code in ((people["office"], 200), (township_user, 200), (other_township_user, 404),
                       (people["deputy_user"], 404)):
        client.force_login(user)
        assert client.get(url).status_code == code


def test_unit_cannot_reply_without_consultation_through_the_page(client, people):
    item = at("assigned", people)
    a = item.assignments.get()
    client.force_login(people["unit_user"])
    page = client.get(reverse("suggestions:unit_item", args=[a.pk])).content.decode()
    assert "答复前至少要与代表面商一次" in page and 'value="reply"' not in page


def test_unit_home_warns_of_an_estimated_calendar_only_for_the_open_items_it_counts(client, people, monkeypatch):
    """Working days left are shown for open items only: an answered item due in a year whose
    holidays are not published yet must not raise the warning over the open ones."""
    from deputywork import workdays

    known = workdays.working_days_from
    # The calendar as if every year before 2031 were published, whatever today's date.
    monkeypatch.setattr(workdays, "working_days_from",
                        lambda start, ends: (known(start, ends)[0], any(end.year >= 2031 for end in ends)))
    open_item, answered = at("in_progress", people), at("replied", people)
    answered.assignments.update(deadline=dt.date(2031, 3, 3))
    client.force_login(people["unit_user"])
    page = client.get(reverse("suggestions:unit_home")).content.decode()
    assert "尚未公布" not in page
    assert open_item.title in page and answered.title in page and "已答复、已办结" in page
    assert "已面商1次" in page  # the open item's one consultation, said in words
    open_item.assignments.update(deadline=dt.date(2031, 3, 3))
    assert "尚未公布" in client.get(reverse("suggestions:unit_home")).content.decode()


def test_unit_portal_query_budget(client, people, django_assert_max_num_queries):
    for status in ("assigned", "in_progress", "replied", "closed", "assigned", "in_progress"):
        at(status, people)
    client.force_login(people["unit_user"])
    # session + user, assignments with items/units/consultation counts, calendar days + years,
    # the user's units for the heading, the menu (no query)
    with django_assert_max_num_queries(7):
        response = client.get(reverse("suggestions:unit_home"))
    assert response.status_code == 200 and len(response.context["open_rows"]) == 4


def test_staff_list_query_budget(client, people, django_assert_max_num_queries):
    for status in ("submitted", "assigned", "in_progress", "replied", "closed", "evaluated"):
        at(status, people)
    client.force_login(people["office"])
    # session + user, count for the paginator, the page of items with congress/category/deputy,
    # the active assignments with their units (one prefetch)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("suggestions:staff_list"))
    assert response.status_code == 200 and len(response.context["page"]) == 6


def test_ledger_export_query_budget_and_content(client, people, django_assert_max_num_queries):
    for status in ("submitted", "assigned", "in_progress", "replied", "evaluated", "closed", "closed"):
        at(status, people)
    client.force_login(people["office"])
    # session + user; items, assignments, replies, evaluations, co-signers (prefetches);
    # rates: lead assignments, first replies, last evaluations
    with django_assert_max_num_queries(11):
        response = client.get(reverse("suggestions:ledger_export"))
    wb = load_workbook(BytesIO(response.content))
    ledger, rates = wb["建议台账"], wb["办理情况统计"]
    assert ledger.max_row == 8
    assert ledger["I2"].value in (None, "") or ledger["I3"].value == "襄城县住房和城乡建设局"
    total = [c.value for c in rates[rates.max_row]]
    # 6 assigned; 2 closed; 5 consulted; 4 replied on time; 3 evaluated, all satisfied
    assert total == ["合计", 6, 2, "33.3%", 5, "83.3%", 4, "100.0%", 3, "100.0%"]


def test_rates_page_and_overdue_list(client, people):
    item = at("in_progress", people)
    Assignment.objects.filter(suggestion=item).update(assigned_on=dt.date(2026, 1, 5), deadline=dt.date(2026, 4, 7))
    client.force_login(people["office"])
    assert "襄城县住房和城乡建设局" in client.get(reverse("suggestions:rates")).content.decode()
    assert item.title in client.get(reverse("suggestions:overdue")).content.decode()


def test_send_reminders_twice_tells_nobody_twice(people):
    soon = at("assigned", people)
    late = at("in_progress", people)
    replied = at("replied", people)
    people["deputy_user"].deputy.email = "zhang@example.cn"
    people["deputy_user"].deputy.save()
    today = svc.today()
    Assignment.objects.filter(suggestion=soon).update(deadline=svc.add_working_days(today, 2).date)
    Assignment.objects.filter(suggestion=late).update(assigned_on=today - dt.timedelta(days=60),
                                                      deadline=today - dt.timedelta(days=3))
    mail.outbox.clear()
    call_command("send_reminders", stdout=StringIO())
    first = sorted(m.subject[:8] for m in mail.outbox)
    assert len(mail.outbox) == 3 and Reminder.objects.count() == 3
    assert {r.kind for r in Reminder.objects.all()} == {"due_soon", "overdue", "evaluation_due"}
    call_command("send_reminders", stdout=StringIO())
    call_command("send_reminders", "--date", (today + dt.timedelta(days=1)).isoformat(), stdout=StringIO())
    assert len(mail.outbox) == 3 and Reminder.objects.count() == 3
    assert first and replied.pk


def test_send_reminders_help_documents_its_arguments():
    out = StringIO()
    with pytest.raises(SystemExit):
        call_command("send_reminders", "--help", stdout=out)


def test_figures_for_the_bulletin(people):
    at("closed", people)
    at("submitted", people)
    today = svc.today()
    figures = {f.key: f.value for f in collect_figures(today.replace(month=1, day=1), today)}
    assert figures["suggestions.raised"] == 2 and figures["suggestions.closed"] == 1
    assert figures["suggestions.satisfaction"] == 100


def test_last_years_b_item_is_carried_into_this_years_list_but_not_its_rates(client, people):
    from suggestions.models import ReplyClass, Suggestion
    from suggestions.selectors_suggestions import rates
    from tests.suggestions.suggestion_helpers import pdf

    carried = at("in_progress", people, title="关于修复县乡公路破损路段的建议")
    svc.reply_send(suggestion=carried, text="已列入明年公路养护计划。", pdf=pdf(),
                   reply_class=ReplyClass.objects.get(code="B"), actor=people["unit_user"])
    done_last_year = at("closed", people, title="关于去年已解决事项的建议")  # class A: not followed up
    Suggestion.objects.filter(pk__in=[carried.pk, done_last_year.pk]).update(year=2025)
    own = at("assigned", people, title="关于今年新提出事项的建议")
    Suggestion.objects.filter(pk=own.pk).update(year=2026)
    client.force_login(people["office"])

    page = client.get(reverse("suggestions:staff_list"), {"year": 2026}).content.decode()
    assert carried.title in page and own.title in page and done_last_year.title not in page
    assert page.count("上年度结转") == 2  # the hint and the one carried row
    response = client.get(reverse("suggestions:ledger_export"), {"year": 2026})
    ledger = load_workbook(BytesIO(response.content))["建议台账"]
    notes = {row[1]: row[-1] for row in ledger.iter_rows(min_row=2, values_only=True)}
    assert notes == {carried.title: "上年度结转", own.title: None}
    # The year's rates count its own items only: a carried item counted in the year it was raised.
    total, _ = rates(user=people["office"], year=2026)
    assert total.assigned == 1
    # The follow-up list on the supervision page surfaces it until the office ends the follow-up.
    assert "关于修复县乡公路破损路段的建议" in client.get(reverse("suggestions:overdue")).content.decode()
    svc.suggestion_flag(suggestion=carried, actor=people["office"], follow_up=False)
    assert carried.title not in client.get(reverse("suggestions:staff_list"), {"year": 2026}).content.decode()
    assert carried.title not in client.get(reverse("suggestions:overdue")).content.decode()


def test_overdue_and_follow_up_page_query_budget(client, people, django_assert_max_num_queries):
    from suggestions.models import ReplyClass
    from tests.suggestions.suggestion_helpers import pdf

    for _ in range(3):
        item = at("in_progress", people)
        svc.reply_send(suggestion=item, text="列入计划。", pdf=pdf(), reply_class=ReplyClass.objects.get(code="C"),
                       actor=people["unit_user"])
    client.force_login(people["office"])
    # session + user; overdue assignments, calendar days + years; follow-up items with last
    # supervision, their active assignments (prefetch)
    with django_assert_max_num_queries(7):
        response = client.get(reverse("suggestions:overdue"))
    assert response.status_code == 200 and len(response.context["follow_ups"]) == 3


def test_a_reminder_with_no_address_is_sent_once_an_address_exists(people):
    item = at("assigned", people)
    today = svc.today()
    Assignment.objects.filter(suggestion=item).update(deadline=svc.add_working_days(today, 2).date)
    people["unit_user"].email = ""
    people["unit_user"].save()
    people["unit"].email = ""
    people["unit"].save()
    mail.outbox.clear()
    call_command("send_reminders", stdout=StringIO())
    assert not mail.outbox and not Reminder.objects.exists()
    people["unit"].email = "zhujian-office@example.cn"
    people["unit"].save()
    call_command("send_reminders", stdout=StringIO())
    call_command("send_reminders", stdout=StringIO())
    assert [m.to for m in mail.outbox] == [["zhujian-office@example.cn"]]
    assert Reminder.objects.get().recipients == "zhujian-office@example.cn"


@pytest.mark.parametrize("estimated", [True, False])
def test_an_evaluation_due_date_on_an_estimated_calendar_is_said_so(client, people, monkeypatch, estimated):
    from deputywork.workdays import WorkingDay
    from suggestions.models import ReplyClass, Suggestion
    from tests.suggestions.suggestion_helpers import pdf

    due = WorkingDay(dt.date(2031, 2, 14), estimated)
    monkeypatch.setattr(svc, "add_working_days", lambda day, n: due)
    item = at("in_progress", people)
    svc.reply_send(suggestion=item, text="已安排资金改造。", pdf=pdf(), reply_class=ReplyClass.objects.get(code="A"),
                   actor=people["unit_user"])
    item = Suggestion.objects.get(pk=item.pk)
    assert (item.evaluation_due, item.evaluation_due_estimated) == (due.date, estimated)
    client.force_login(people["deputy_user"])
    page = client.get(reverse("suggestions:deputy_detail", args=[item.pk])).content.decode()
    assert "2031-02-14" in page and ("按周一至周五估算" in page) == estimated
    client.force_login(people["office"])
    page = client.get(reverse("suggestions:staff_detail", args=[item.pk])).content.decode()
    assert "2031-02-14" in page and ("按估算日历" in page) == estimated
    people["deputy_user"].deputy.email = "zhang@example.cn"
    people["deputy_user"].deputy.save()
    mail.outbox.clear()
    call_command("send_reminders", stdout=StringIO())
    (reminder,) = [m for m in mail.outbox if m.subject.startswith("请测评")]
    assert "2031-02-14" in reminder.body and ("按周一至周五估算" in reminder.body) == estimated
