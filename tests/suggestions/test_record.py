"""The suggestions' section of each deputy's performance record (履职档案)."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from liaison.record import performance_record, performance_records
from suggestions.models import Suggestion
from suggestions.services_suggestions import suggestion_register, suggestion_submit
from tests.factories import DeputyFactory, OpinionFactory, SuggestionFactory, UserFactory


def figures(record) -> dict:
    return dict(record.figures())


def test_led_cosigned_registered_and_opinions_counted_per_year(county, office_user):
    year = timezone.localdate().year  # a suggestion's year is the year it is submitted
    zhang, li = DeputyFactory(name="张建国"), DeputyFactory(name="李秀英")
    registered = SuggestionFactory(lead_deputy=zhang, title="关于北关村主街排水改造的建议")
    registered.co_signers.add(li)
    suggestion_submit(suggestion=registered, actor=None)
    suggestion_register(suggestion=registered, actor=office_user)
    submitted = SuggestionFactory(lead_deputy=zhang, congress=registered.congress, title="关于增设校车线路的建议")
    suggestion_submit(suggestion=submitted, actor=None)
    SuggestionFactory(lead_deputy=zhang, congress=registered.congress, title="还在草稿里的建议")  # not counted
    last_year = SuggestionFactory(lead_deputy=zhang, congress=registered.congress)
    suggestion_submit(suggestion=last_year, actor=None)
    Suggestion.objects.filter(pk=last_year.pk).update(year=year - 1)  # another year: not counted
    # Submitted late in the evening of 1 March in UTC: 2 March in China, and the record says so.
    Suggestion.objects.filter(pk=registered.pk).update(submitted_at=dt.datetime(year, 3, 1, 17, tzinfo=dt.UTC))
    OpinionFactory(deputy=zhang)
    OpinionFactory(deputy=zhang, status="accepted")

    rec = performance_record(zhang, year)
    f = figures(rec)
    assert (f["领衔提出建议（件）"], f["联名提出建议（件）"], f["建议立案（件）"]) == (2, 0, 1)
    assert (f["收到群众意见（条）"], f["已受理群众意见（条）"]) == (2, 1)
    section = rec.sections[-1]
    assert section.key == "suggestions"
    texts = [i.text for i in section.items]
    assert any("关于北关村主街排水改造的建议" in t and t.startswith("领衔：") for t in texts)
    assert not any("草稿" in t for t in texts)
    assert next(i.date for i in section.items if "排水改造" in i.text) == dt.date(year, 3, 2)

    f_li = figures(performance_record(li, year))
    assert (f_li["领衔提出建议（件）"], f_li["联名提出建议（件）"]) == (0, 1)


def test_section_costs_three_queries_for_any_number_of_deputies(county, django_assert_num_queries):
    from suggestions.record import suggestions_section

    deputies = [DeputyFactory() for _ in range(15)]
    for d in deputies:
        s = SuggestionFactory(lead_deputy=d)
        suggestion_submit(suggestion=s, actor=None)
    with django_assert_num_queries(3):
        out = suggestions_section(deputies, timezone.localdate().year)
    assert all(dict(out[d.pk].figures)["领衔提出建议（件）"] == 1 for d in deputies)


def test_deputy_sees_own_suggestions_in_the_portal_record(client, county):
    user = UserFactory(role="deputy", username="zhang")
    deputy = DeputyFactory(user=user, name="张建国")
    s = SuggestionFactory(lead_deputy=deputy, title="关于修缮库庄村村道的建议")
    suggestion_submit(suggestion=s, actor=None)
    client.force_login(user)
    page = client.get(reverse("liaison:portal_record"), {"year": timezone.localdate().year})
    assert "关于修缮库庄村村道的建议" in page.content.decode()
    assert len(performance_records([deputy], timezone.localdate().year)[0].sections) >= 5
