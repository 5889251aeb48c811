from io import StringIO

from django.apps import apps
from django.core.management import call_command


def counts() -> dict[str, int]:
    ours = {"deputywork", "deputies", "liaison", "suggestions", "bulletins"}
    return {m._meta.label: m.objects.count() for m in apps.get_models() if m._meta.app_label in ours}


def test_seed_demo_twice_gives_the_same_data(db):
    out = StringIO()
    call_command("seed_demo", stdout=out)
    first = counts()
    call_command("seed_demo", stdout=StringIO())
    assert counts() == first
    assert first["deputywork.Region"] >= 50
    # An adopted demo opinion is the source of a demo suggestion, adopted when it was submitted.
    from suggestions.models import Opinion

    adopted = Opinion.objects.filter(status="adopted")
    assert adopted.exists() and all(o.suggestions.exists() for o in adopted)
    text = out.getvalue()
    assert "演示账号" in text and "office" in text and "township" in text
    # Each demo item's timeline names the deadline its units hold (the demo moves items back in time).
    from suggestions.models import Assignment, SuggestionEvent

    assigned = SuggestionEvent.objects.filter(action="确定承办单位")
    assert assigned.exists()
    for event in assigned:
        deadlines = {a.deadline for a in Assignment.objects.filter(suggestion=event.suggestion_id,
                                                                     unit__in=event.data["units"])}
        assert any(f"办理期限 {d:%Y-%m-%d}" in event.note for d in deadlines), (event.note, deadlines)
    _opinions_read_like_a_year_of_work()
    _suggestions_took_their_time()


def _opinions_read_like_a_year_of_work():
    """The demo's opinions came in over the months, in office hours, each with its own matter; an
    opinion from the reception register is dated on its reception day."""
    from django.utils import timezone

    from suggestions.models import Opinion, OpinionEvent

    opinions = list(Opinion.objects.select_related("reception"))
    local = [timezone.localtime(o.submitted_at) for o in opinions if o.group_id is None]
    assert len({t.date().replace(day=1) for t in local}) >= 6
    assert all(8 <= t.hour < 18 for t in local)
    from_register = [o for o in opinions if o.reception_id]
    assert len(from_register) >= 20
    assert all(timezone.localtime(o.submitted_at).date() == o.reception.date for o in from_register)
    assert len({o.content for o in from_register}) >= 12
    for opinion in opinions:
        times = list(OpinionEvent.objects.filter(opinion=opinion).order_by("pk").values_list("created_at", flat=True))
        assert times == sorted(times) and times[0] >= opinion.submitted_at


def _suggestions_took_their_time():
    """A demo item's steps came days apart, in office hours, in order and before now (not all in
    the minute the seed ran); the sewage story happens in its lead deputy's own township."""
    from django.utils import timezone

    from suggestions.models import Suggestion
    from suggestions.services_suggestions import township_of

    now, today = timezone.now(), timezone.localdate()
    for item in Suggestion.objects.prefetch_related("events"):
        times = [e.created_at for e in sorted(item.events.all(), key=lambda e: e.pk)]
        assert times == sorted(times) and times[-1] < now, item.title
        first = timezone.localtime(times[0]).date()
        if (today - first).days >= 10:  # early in January the year's items are drawn close to today
            assert all(8 <= timezone.localtime(t).hour < 18 for t in times), item.title
            if len(times) >= 5:
                assert (timezone.localtime(times[-1]).date() - first).days >= 5, item.title
    sewage = Suggestion.objects.get(congress__region__code="411025000000", title__endswith="主街排水管网的建议")
    assert township_of(sewage.lead_deputy.residence).name in sewage.title
    assert sewage.merged_items.get().title.startswith(sewage.title.removesuffix("主街排水管网的建议"))
