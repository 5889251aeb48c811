"""The seed's own story, end to end through the pages: 群众点单 → 代表定单 → 政府买单 → 人大验单."""

from django.core import mail
from django.urls import reverse
from django.utils import timezone

from suggestions.models import Category, Opinion, ReplyClass, Suggestion, SuggestionEvent
from suggestions.workflow import opinion_transition
from tests.factories import ActivityGroupFactory, MembershipFactory, OpinionFactory, RegionFactory
from tests.suggestions.suggestion_helpers import deputy_with_login, fast_hashing, pdf, unit_with_login

assert fast_hashing  # autouse fixture, imported to apply here


def test_village_sewage_complaints_become_a_drainage_suggestion_answered_rated_and_closed(
        client, office_user, township, django_capture_on_commit_callbacks):
    # A village activity group: two deputies living in 东街村 of 城关镇.
    village = RegionFactory(code="411025100001", name="东街村", parent=township)
    leader = deputy_with_login("zhang", "张建国", residence=village)
    member = deputy_with_login("li", "李秀英", residence=village)
    group = ActivityGroupFactory(name="城关镇东街村代表活动小组", region=township)
    MembershipFactory(group=group, deputy=leader.deputy, role="leader")
    MembershipFactory(group=group, deputy=member.deputy)
    gov, gov_user = unit_with_login("chengguan-gov", "城关镇人民政府", region=township, kind="township")

    # Residents complain about sewage in the street; the group accepts their opinions.
    opinions = [OpinionFactory(group=group, region=township, content=text, **who) for text, who in (
        ("东街主街污水横流，下水道堵了半年没人管。", {"resident_name": "赵大娘", "resident_phone": "13912345678"}),
        ("一下雨街上污水倒灌进院子，老人出门困难。", {}),
        ("排水沟太窄，夏天臭味很大，希望尽快改造。", {}),
    )]
    for o in opinions:
        opinion_transition(opinion=o, to="accepted", actor=leader)

    # Activity day: the group leader raises a drainage suggestion from those opinions.
    client.force_login(leader)
    ids = "&".join(f"opinions={o.pk}" for o in opinions)
    page = client.get(reverse("suggestions:suggestion_create") + "?" + ids)
    assert page.status_code == 200 and "污水横流" in page.content.decode()
    response = client.post(reverse("suggestions:suggestion_create"), {
        "title": "关于改造城关镇东街村主街排水管网的建议",
        "content": page.context["form"].initial["content"] + "\n建议镇政府对主街排水管网进行改造，实施雨污分流。",
        "category": Category.objects.get(name="城乡建设").pk, "period": "recess",
        "co_signers": [member.deputy.pk], "opinions": [o.pk for o in opinions], "submit": "1",
    })
    item = Suggestion.objects.get()
    assert response.status_code == 302
    assert item.status == "submitted" and item.region == township
    # Numbered on submission, in this year and this congress's term (the factory's congress is the 17th).
    assert item.number == f"襄城县十七届人大建〔{timezone.localdate().year}〕闭字第1号"
    assert set(item.source_opinions.values_list("status", flat=True)) == {"adopted"}
    assert list(item.co_signers.all()) == [member.deputy]

    # The office assigns it the same day to the township government (即提即办).
    client.force_login(office_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("suggestions:staff_detail", args=[item.pk]),
                               {"action": "assign", "lead_unit": gov.pk, "kind": "small", "fast_track": "1"})
    assert response.status_code == 302
    item.refresh_from_db()
    assignment = item.assignments.get()
    assert item.status == "assigned" and item.fast_track
    assert assignment.assigned_on == timezone.localtime(item.submitted_at).date()  # the same day
    assert gov_user.email in [to for m in mail.outbox for to in m.to]

    # The township consults the deputies, decides on a subsidy and replies class A.
    client.force_login(gov_user)
    home = client.get(reverse("suggestions:unit_home"))
    assert "东街村主街排水" in home.content.decode()
    item_url = reverse("suggestions:unit_item", args=[assignment.pk])
    client.post(item_url, {"action": "consult", "date": assignment.assigned_on.isoformat(), "way": "in_person",
                           "notes": "镇长带队到东街村与张建国、李秀英代表现场查看，商定改造方案。"})
    client.post(item_url, {"action": "progress", "note": "镇党委会研究决定，补助改造资金12万元。"})
    client.post(item_url, {"action": "reply", "reply_class": ReplyClass.objects.get(code="A").pk, "pdf": pdf(),
                           "text": "张建国、李秀英代表：经研究，镇政府补助12万元改造东街主街排水管网，已于本月完工。"
                                   "施工前已联系反映人赵大娘（13912345678）征求意见。"})
    item.refresh_from_db()
    assert item.status == "replied" and item.replies.get().reply_class.code == "A"

    # Only the lead deputy rates; both deputies read the reply.
    client.force_login(member)
    assert "补助12万元" in client.get(reverse("suggestions:deputy_detail", args=[item.pk])).content.decode()
    client.force_login(leader)
    ratings = dict.fromkeys(("leadership", "attitude", "communication", "quality", "implementation", "overall"),
                            "satisfied")
    client.post(reverse("suggestions:deputy_detail", args=[item.pk]), {"action": "evaluate", **ratings})
    item.refresh_from_db()
    assert item.status == "evaluated"

    # The office verifies and closes it, and publishes the result.
    client.force_login(office_user)
    client.post(reverse("suggestions:staff_detail", args=[item.pk]), {"action": "close", "note": "经核实已完工。"})
    client.post(reverse("suggestions:staff_detail", args=[item.pk]), {"action": "flag", "public": "1"})
    item.refresh_from_db()
    assert item.status == "closed" and item.public

    public = client.get(reverse("suggestions:public_detail", args=[item.pk])).content.decode()
    assert "城关镇人民政府" in public and "补助12万元" in public
    # Residents' names and phones are masked on the public page; the deputies' names stay (they
    # answer for a public office, and a reply is addressed to them).
    assert "赵大娘" not in public and "13912345678" not in public
    assert "赵**" in public and "139****5678" in public and "张建国、李秀英代表" in public

    moves = [(e.from_status, e.to_status) for e in SuggestionEvent.objects.filter(suggestion=item)
             if e.from_status != e.to_status]
    assert moves == [("draft", "submitted"), ("submitted", "registered"), ("registered", "assigned"),
                     ("assigned", "in_progress"), ("in_progress", "replied"), ("replied", "evaluated"),
                     ("evaluated", "closed")]
    timeline = client.get(reverse("suggestions:staff_detail", args=[item.pk])).content.decode()
    assert "即提即办交办" in timeline and "审核销号" in timeline
    assert Opinion.objects.filter(status="adopted").count() == 3


def test_the_seed_tells_the_story_from_residents_opinions_to_a_public_result(client, db):
    from io import StringIO

    from django.core.management import call_command

    call_command("seed_demo", stdout=StringIO())
    item = Suggestion.objects.get(congress__region__code="411025000000", title__endswith="主街排水管网的建议")
    sources = list(item.source_opinions.select_related("group"))
    # 群众点单 → 代表定单: three residents' opinions, gathered by an activity group, adopted by the item.
    assert len(sources) == 3 and {o.status for o in sources} == {"adopted"}
    assert all(o.group is not None and o.submitted_at <= item.submitted_at for o in sources)
    assert item.status == "closed" and item.public
    public = client.get(reverse("suggestions:public_detail", args=[item.pk])).content.decode()
    assert item.replies.last().reply_class.code in public
    assert not any(o.resident_name and o.resident_name in public for o in sources)
    assert not any(o.resident_phone and o.resident_phone in public for o in sources)
    # A title naming a resident or a phone (as a deputy may write one) is masked on both pages.
    name = next(o.resident_name for o in sources if o.resident_name)
    Suggestion.objects.filter(pk=item.pk).update(title=f"关于{name}（13912345678）家门前排水沟改造的建议")
    public = client.get(reverse("suggestions:public_detail", args=[item.pk])).content.decode()
    listing = client.get(reverse("suggestions:public_list")).content.decode()
    assert name not in public and "13912345678" not in public and "139****5678" in public
    assert "13912345678" not in listing and "139****5678" in listing
