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
