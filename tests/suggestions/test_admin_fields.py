"""The admin corrects details only: who an opinion goes to, a resident's choices, a suggestion's
number and flags change through the services, which write their events."""

from __future__ import annotations

from django.urls import reverse

from suggestions.models import Category, Opinion, Suggestion
from tests.factories import ActivityGroupFactory, DeputyFactory, OpinionFactory, SuggestionFactory


def test_the_opinion_admin_changes_details_not_the_recipient_or_the_residents_choices(client, office_user,
                                                                                      township):
    opinion = OpinionFactory(deputy=DeputyFactory(residence=township), region=township, callback_ok=False)
    other = ActivityGroupFactory(region=township)
    client.force_login(office_user)
    url = reverse("admin:suggestions_opinion_change", args=[opinion.pk])
    page = client.get(url).context["adminform"].form
    assert set(page.fields) == {"category", "place_detail", "resident_name", "resident_phone"}
    health = Category.objects.get(name="医疗卫生")
    response = client.post(url, {"category": health.pk, "place_detail": "主街东头", "resident_name": "赵大娘",
                                 "resident_phone": "13912345678", "group": other.pk, "callback_ok": "on",
                                 "content": "改过的内容", "opinionphoto_set-TOTAL_FORMS": "0",
                                 "opinionphoto_set-INITIAL_FORMS": "0", "events-TOTAL_FORMS": "0",
                                 "events-INITIAL_FORMS": "0", "photos-TOTAL_FORMS": "0", "photos-INITIAL_FORMS": "0"})
    assert response.status_code == 302
    opinion = Opinion.objects.get(pk=opinion.pk)
    assert (opinion.category, opinion.place_detail) == (health, "主街东头")
    assert opinion.group_id is None and not opinion.callback_ok and opinion.content != "改过的内容"


def test_the_suggestion_admin_changes_the_category_only(client, office_user, county):
    item = SuggestionFactory(congress__region=county)
    client.force_login(office_user)
    url = reverse("admin:suggestions_suggestion_change", args=[item.pk])
    assert set(client.get(url).context["adminform"].form.fields) == {"category"}
    health = Category.objects.get(name="医疗卫生")
    response = client.post(url, {"category": health.pk, "year": 2030, "public": "on", "key_supervision": "on",
                                 "assignments-TOTAL_FORMS": "0", "assignments-INITIAL_FORMS": "0",
                                 "events-TOTAL_FORMS": "0", "events-INITIAL_FORMS": "0"})
    assert response.status_code == 302
    item = Suggestion.objects.get(pk=item.pk)
    assert item.category == health and item.year == 2026 and not item.public and not item.key_supervision



def test_the_opinion_admin_shows_its_history_to_an_office_login(client, office_user, township):
    from suggestions.workflow import opinion_transition

    opinion = OpinionFactory(deputy=DeputyFactory(residence=township), region=township)
    opinion_transition(opinion=opinion, to="accepted", actor=office_user, note="电话联系群众核实")
    client.force_login(office_user)
    page = client.get(reverse("admin:suggestions_opinion_change", args=[opinion.pk])).content.decode()
    assert "电话联系群众核实" in page  # the event rows: a role, not Django's per-model permissions


def test_the_opinion_admin_shows_photos_through_the_checked_view(client, office_user, township):
    from django.core.files.base import ContentFile

    from suggestions.models import OpinionPhoto

    opinion = OpinionFactory(deputy=DeputyFactory(residence=township), region=township)
    photo = OpinionPhoto(opinion=opinion)
    photo.image.save("photo.jpg", ContentFile(b"\xff\xd8\xff\xe0 jpeg"), save=True)
    client.force_login(office_user)
    page = client.get(reverse("admin:suggestions_opinion_change", args=[opinion.pk])).content.decode()
    url = reverse("suggestions:opinion_photo", args=[photo.pk])
    assert f'<img src="{url}"' in page
    assert "/media/" not in page  # the admin's own link, which serves nothing
    # Photo and history rows carry no title line (a stored file's name, a raw status) above them.
    assert 'class="module read-only-rows"' in page and "css/admin-read-only-rows.css" in page
    assert client.get(url).status_code == 200


def test_the_reply_admin_links_the_signed_reply_through_the_checked_view(client, office_user, township):
    from suggestions.models import Reply
    from tests.suggestions.suggestion_helpers import deputy_with_login, item_at, unit_with_login

    unit, unit_user = unit_with_login("zhujian", "襄城县住房和城乡建设局")
    item = item_at("replied", office=office_user, deputy_user=deputy_with_login("lead", "张建国"), unit=unit,
                   unit_user=unit_user, region=township)
    reply = Reply.objects.get(suggestion=item)
    client.force_login(office_user)
    response = client.get(reverse("admin:suggestions_reply_change", args=[reply.pk]))
    assert "pdf" not in response.context["adminform"].form.fields  # shown, not replaced here
    page = response.content.decode()
    url = reverse("suggestions:reply_pdf", args=[reply.pk])
    assert f'href="{url}"' in page and "/media/" not in page
    assert client.get(url).status_code == 200
    # The answer as the unit sent it: read in the admin, in Chinese, never saved from there.
    assert "答复人" in page and "Author" not in page and "name=\"_save\"" not in page
    change = reverse("admin:suggestions_reply_change", args=[reply.pk])
    assert client.post(change, {"text": "改过的答复"}).status_code == 403
    assert Reply.objects.get(pk=reply.pk).text != "改过的答复"
