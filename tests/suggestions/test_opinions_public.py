# ruff: noqa: F811 - fixtures imported from opinions_support are redefined as test arguments
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from PIL import Image

from suggestions.models import Opinion, OpinionEvent, OpinionNotice
from suggestions.workflow import opinion_transition
from tests.suggestions.opinions_support import (  # noqa: F401 - fixtures
    _fresh_cache,
    colleague_user,
    deputy_user,
    form_data,
    group_with_members,
    photo_bytes,
    upload,
    village,
)


def form_url(deputy) -> str:
    return reverse("suggestions:opinion_new_for_deputy", kwargs={"token": deputy.public_token})


def test_submit_track_answer_rate_as_one_flow(client, deputy_user, village):
    deputy = deputy_user.deputy
    page = client.get(form_url(deputy))
    assert page.status_code == 200 and "张建国代表" in page.content.decode()
    response = client.post(form_url(deputy), form_data(place=village.pk, photos=[upload()]))
    assert response.status_code == 302
    opinion = Opinion.objects.get()
    assert opinion.region.name == "城关镇" and opinion.place == village and opinion.photos.count() == 1
    assert OpinionNotice.objects.filter(user=deputy_user, opinion=opinion, read_at__isnull=True).exists()
    call_command("send_notices", stdout=None)
    assert mail.outbox[0].to == ["zhang@example.cn"] and "13912345678" not in mail.outbox[0].body

    track = client.get(response["Location"])
    text = track.content.decode()
    assert opinion.tracking_code in text and "已提交" in text
    assert "赵大娘" not in text and "13912345678" not in text and "5678" not in text
    assert "提交评价" not in text  # nothing to rate before an answer

    # The deputy logs in, finds it in the inbox, accepts and answers it there.
    deputy_user.set_password("deputy-pass-1")
    deputy_user.save()
    deputy_client = Client()
    assert deputy_client.post(reverse("login"), {"username": "zhang", "password": "deputy-pass-1"}).status_code == 302
    inbox = deputy_client.get(reverse("suggestions:inbox")).content.decode()
    detail_url = reverse("suggestions:inbox_detail", args=[opinion.pk])
    assert detail_url in inbox and "1条未读" in inbox
    assert "受理" in deputy_client.get(detail_url).content.decode()
    accepted = deputy_client.post(detail_url, {"action": "accept", "accept-note": "已了解，联系镇政府。"})
    assert accepted.status_code == 302
    answered = deputy_client.post(detail_url, {"action": "answer", "answer-public_reply": "已联系镇政府，本周疏通。"},
                                  follow=True)
    assert "已办理：已答复" in answered.content.decode()
    opinion.refresh_from_db()
    assert opinion.status == "answered"
    assert list(opinion.events.values_list("to_status", "actor")) == [
        ("submitted", None), ("accepted", deputy_user.pk), ("answered", deputy_user.pk)]

    # The resident, back on the tracking page (the code typed in lower case), reads the answer and rates it.
    track = client.get(reverse("suggestions:opinion_track", args=[opinion.tracking_code.lower()]))
    assert "已联系镇政府，本周疏通。" in track.content.decode() and "提交评价" in track.content.decode()

    url = reverse("suggestions:opinion_track", args=[opinion.tracking_code])
    assert client.post(url, {"rating": "basic", "remark": ""}).status_code == 302
    # Rated: the one follow-up remark is left, under its own button.
    rated = client.get(url).content.decode()
    assert "提交补充意见" in rated and "提交评价" not in rated
    refused = client.post(url, {"rating": "satisfied"})
    assert refused.status_code == 200 and "补充意见" in refused.content.decode()
    client.post(url, {"remark": "希望以后定期清理。"})
    client.post(url, {"remark": "第二次补充"})
    opinion.refresh_from_db()
    assert opinion.rating == "basic" and opinion.rating_remark == "希望以后定期清理。"
    ratings = OpinionEvent.objects.filter(opinion=opinion, kind="rating")
    assert ratings.count() == 2 and all(e.from_status == e.to_status == "answered" for e in ratings)


def test_photo_is_reencoded_without_exif_or_gps(client, deputy_user):
    client.post(form_url(deputy_user.deputy), form_data(photos=[upload("p.png", photo_bytes("PNG"), "image/png")]))
    client.post(form_url(deputy_user.deputy), form_data(content="路灯坏了半个月了，晚上走路看不见，请尽快维修。",
                                                        photos=[upload()]))
    for photo in Opinion.objects.get(content__startswith="路灯").photos.all():
        with photo.image.open("rb") as f, Image.open(io.BytesIO(f.read())) as img:
            assert img.format == "JPEG" and not img.getexif()


def test_double_tap_within_a_minute_is_stored_once(client, deputy_user):
    first = client.post(form_url(deputy_user.deputy), form_data())
    second = client.post(form_url(deputy_user.deputy), form_data())
    assert Opinion.objects.count() == 1 and first["Location"] == second["Location"]


@pytest.mark.parametrize("content, message", [
    ("", "请填写反映的问题"),
    ("太短了", "至少写10个字"),
    ("长" * 2001, "最多2000字"),
])
def test_bad_text_is_refused_in_chinese_and_nothing_stored(client, deputy_user, content, message):
    response = client.post(form_url(deputy_user.deputy), form_data(content=content))
    assert response.status_code == 200 and message in response.content.decode()
    assert not Opinion.objects.exists()


def test_non_image_renamed_jpg_is_refused(client, deputy_user):
    fake = upload("photo.jpg", b"%PDF-1.4 not really a picture" * 10)
    response = client.post(form_url(deputy_user.deputy), form_data(photos=[fake]))
    assert "不是图片" in response.content.decode() and not Opinion.objects.exists()


def test_twenty_megabyte_photo_is_refused(client, deputy_user):
    big = upload("big.jpg", photo_bytes() + b"\0" * (20 * 1024 * 1024))
    response = client.post(form_url(deputy_user.deputy), form_data(photos=[big]))
    assert "不能超过5MB" in response.content.decode() and not Opinion.objects.exists()


def test_more_than_three_photos_are_refused(client, deputy_user):
    response = client.post(form_url(deputy_user.deputy), form_data(photos=[upload(f"{i}.jpg") for i in range(4)]))
    assert "最多上传3张" in response.content.decode() and not Opinion.objects.exists()


def test_bad_phone_and_callback_without_phone_are_refused(client, deputy_user):
    response = client.post(form_url(deputy_user.deputy), form_data(resident_phone="12345"))
    assert "11位手机号码" in response.content.decode()
    response = client.post(form_url(deputy_user.deputy), form_data(resident_phone=""))
    assert "同意回访请留下手机号码" in response.content.decode()
    assert not Opinion.objects.exists()


def test_anonymous_opinion_without_name_or_phone_is_kept(client, deputy_user):
    response = client.post(form_url(deputy_user.deputy), form_data(resident_name="", resident_phone="",
                                                                   callback_ok=None))
    assert response.status_code == 302 and Opinion.objects.get().resident_phone == ""


def test_consent_is_required(client, deputy_user):
    response = client.post(form_url(deputy_user.deputy), form_data(consent=None))
    assert "请勾选同意" in response.content.decode() and not Opinion.objects.exists()


def test_script_in_text_is_stored_as_text_and_shown_escaped(client, deputy_user):
    evil = "<script>alert('x')</script> 村口垃圾没人清运，已经堆了一个星期"
    response = client.post(form_url(deputy_user.deputy), form_data(content=evil))
    opinion = Opinion.objects.get()
    assert opinion.content == evil
    page = client.get(response["Location"]).content.decode()
    assert "<script>alert" not in page and "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page


def test_honeypot_stores_nothing(client, deputy_user):
    response = client.post(form_url(deputy_user.deputy), form_data(website="http://spam.example"))
    assert response.status_code == 200 and not Opinion.objects.exists()


def test_hundred_posts_from_one_address_in_a_minute_get_429(client, deputy_user):
    codes = [client.post(form_url(deputy_user.deputy), form_data(content=f"第{i}次反映：村里路灯不亮，请尽快修理。",
                                                                resident_phone="", callback_ok=None)).status_code
             for i in range(100)]
    assert codes.count(302) == 10 and codes[-1] == 429
    assert "提交太频繁" in client.post(form_url(deputy_user.deputy), form_data()).content.decode()
    assert Opinion.objects.count() == 10


def test_an_ipv6_line_is_limited_as_one_address_whatever_address_it_takes_in_its_64(client, deputy_user):
    codes = [client.post(form_url(deputy_user.deputy), form_data(content=f"第{i}次：村口垃圾池好几天没人清运了。",
                                                                resident_phone="", callback_ok=None),
                         REMOTE_ADDR=f"2409:8a4c:1d2e:7f30::{i + 1:x}").status_code for i in range(12)]
    assert codes == [302] * 10 + [429] * 2
    other_line = client.post(form_url(deputy_user.deputy), form_data(content="另一户：村口垃圾池好几天没人清运了。"),
                             REMOTE_ADDR="2409:8a4c:1d2e:7f31::1")
    assert other_line.status_code == 302


def test_rate_limit_per_phone_holds_across_addresses(client, deputy_user):
    codes = [client.post(form_url(deputy_user.deputy), form_data(content=f"第{i}次：校车接送时间太早，孩子没吃早饭。"),
                         REMOTE_ADDR=f"10.0.0.{i}").status_code for i in range(7)]
    assert codes == [302] * 5 + [429] * 2


def test_rate_limit_can_be_turned_off(client, deputy_user, settings):
    settings.OPINION_RATE_LIMIT_ENABLED = False
    codes = {client.post(form_url(deputy_user.deputy), form_data(content=f"第{i}次：医保报销要跑好几趟，手续太繁琐。",
                                                                  resident_phone="", callback_ok=None)).status_code
             for i in range(15)}
    assert codes == {302}


def test_group_form_notifies_current_members(client, group_with_members, colleague_user):
    url = reverse("suggestions:opinion_new_for_group", kwargs={"token": group_with_members.public_token})
    assert client.post(url, form_data()).status_code == 302
    opinion = Opinion.objects.get()
    assert opinion.group == group_with_members and opinion.region.name == "城关镇"
    assert list(OpinionNotice.objects.values_list("user", flat=True)) == [colleague_user.pk]


def test_unknown_token_and_code_are_404(client, db):
    assert client.get(reverse("suggestions:opinion_new_for_deputy", kwargs={"token": "nope"})).status_code == 404
    assert client.get(reverse("suggestions:opinion_track", args=["ABCDEFGHJK"])).status_code == 404


def test_lookup_redirects_to_the_tracking_page(client, deputy_user):
    from tests.factories import OpinionFactory

    opinion = OpinionFactory(deputy=deputy_user.deputy)
    response = client.get(reverse("suggestions:opinion_lookup"), {"code": opinion.tracking_code.lower()})
    assert response["Location"] == reverse("suggestions:opinion_track", args=[opinion.tracking_code])


def test_an_unknown_code_in_the_lookup_gives_the_form_again_with_a_message(client, db):
    response = client.get(reverse("suggestions:opinion_lookup"), {"code": "abcd efgh jk"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "没有找到这个查询码" in page and "共10位" in page


def test_a_page_not_found_is_told_in_chinese_with_the_way_to_the_lookup(client, db):
    # An old poster after the deputy's link was renewed, or a mistyped address.
    response = client.get(reverse("deputies:public_deputy", args=["renewed-long-ago"]))
    assert response.status_code == 404
    page = response.content.decode()
    assert "没有找到这个页面" in page and "二维码可能已经更换" in page
    assert reverse("suggestions:opinion_lookup") in page and "Not Found" not in page


def test_a_failed_security_check_is_told_in_chinese(deputy_user):
    """The CSRF check refuses a post without its cookie: Django's own page is English and
    technical; this one says what happened and what to do (the script reads data-csrf-message)."""
    response = Client(enforce_csrf_checks=True).post(form_url(deputy_user.deputy), {"content": "x" * 20})
    assert response.status_code == 403
    page = response.content.decode()
    assert "data-csrf-message" in page and "没有提交成功" in page and "CSRF" not in page
    assert not Opinion.objects.exists()


def test_declined_reason_is_shown_to_the_resident(client, deputy_user):
    from tests.factories import OpinionFactory

    opinion = OpinionFactory(deputy=deputy_user.deputy)
    opinion_transition(opinion=opinion, to="declined", actor=deputy_user, decline_reason="属于司法程序，请向法院咨询。")
    page = client.get(reverse("suggestions:opinion_track", args=[opinion.tracking_code])).content.decode()
    assert "属于司法程序" in page and "提交评价" not in page


def test_the_form_page_and_the_429_page_carry_what_the_script_needs_to_keep_the_form(client, deputy_user,
                                                                                      settings):
    """With script, a 429 keeps the form and shows the server's message above it (the browser test
    in tests/browser/test_bad_input.py drives it); these are the hooks it reads."""
    page = client.get(form_url(deputy_user.deputy)).content.decode()
    assert 'data-expired="' in page
    assert '<p class="limit-status warnbox" role="alert" hidden></p>' in page and "data-limited=" in page
    assert page.index("limit-status") < page.index("<form")
    settings.OPINION_RATE_LIMITS = {"ip": (0, 60), "phone": (5, 3600)}
    limited = client.post(form_url(deputy_user.deputy), form_data())
    assert limited.status_code == 429
    assert "<p data-limit-message>提交太频繁了，请稍后再试。" in limited.content.decode()
    assert not Opinion.objects.exists()
