"""The deputy's path on a phone: log in, find the resident's new opinion, accept it, answer it."""

from urllib.parse import urlparse

import pytest

from suggestions.models import Opinion, OpinionEvent
from suggestions.services_opinions import opinion_submit
from tests.browser.conftest import PHONE, assert_fits_phone
from tests.factories import DeputyFactory, MandateFactory, OpinionFactory, UserFactory

pytestmark = pytest.mark.browser

CONTENT = "前何村到镇上的路灯坏了半年，晚上接孩子放学一片漆黑，请代表帮忙反映修一修。"
REPLY = "已与镇政府联系，路灯本月底前修好，请乡亲们晚上出行注意安全。"


def test_deputy_finds_accepts_and_answers_a_new_opinion_on_a_phone(browser, phone, live_server, steps,
                                                                    transactional_db):
    user = UserFactory(username="zhangjianguo", role="deputy")
    deputy = MandateFactory(deputy=DeputyFactory(name="张建国", user=user)).deputy
    # An older opinion already answered, so that the new one has to be found among others.
    OpinionFactory(deputy=deputy, content="去年反映的村口垃圾堆放问题，已经清理。", status="closed")
    opinion = opinion_submit(content=CONTENT, deputy=deputy, consent=True, sender="203.0.113.9").opinion

    phone.goto(f"{live_server.url}/accounts/login/?next=/portal/opinions/")
    phone.get_by_label("用户名").fill("zhangjianguo")
    phone.get_by_label("密码").fill("pw-for-tests")
    # The login page's own address ends in ?next=/portal/opinions/: wait for the inbox's path.
    with phone.expect_navigation(url=lambda u: urlparse(u).path == "/portal/opinions/"):
        phone.get_by_role("button", name="登录").tap()
    steps.shot(phone, "inbox")
    assert_fits_phone(phone)
    assert "1条未读" in phone.locator("h1").inner_text()
    new = phone.locator(".inbox-item.unread")
    assert new.count() == 1 and "前何村到镇上的路灯" in new.inner_text() and "新" in new.inner_text()

    new.get_by_role("link").tap()
    phone.wait_for_url(f"**/portal/opinions/{opinion.pk}/")
    steps.shot(phone, "detail")
    assert_fits_phone(phone)
    assert CONTENT in phone.locator("main").inner_text()

    with phone.expect_navigation():
        phone.get_by_role("button", name="受理").tap()
    steps.shot(phone, "accepted")
    assert "已办理：已受理" in phone.get_by_role("status").inner_text()
    opinion.refresh_from_db()
    assert opinion.status == "accepted"

    phone.locator("summary", has_text="当场答复").tap()
    phone.locator("[name=answer-public_reply]").fill(REPLY)
    steps.shot(phone, "answer-typed")
    with phone.expect_navigation():
        phone.get_by_role("button", name="答复", exact=True).tap()
    steps.shot(phone, "answered")
    assert "已办理：已答复" in phone.get_by_role("status").inner_text()
    assert_fits_phone(phone)
    opinion.refresh_from_db()
    assert opinion.status == "answered" and opinion.public_reply == REPLY
    assert list(OpinionEvent.objects.filter(opinion=opinion, kind="move").values_list("to_status", flat=True)
                .order_by("pk")) == ["submitted", "accepted", "answered"]

    # Back in the inbox nothing is unread any more; the resident, on their own phone, reads the answer.
    phone.goto(f"{live_server.url}/portal/opinions/")
    assert phone.locator(".inbox-item.unread").count() == 0
    resident = browser.new_context(**PHONE).new_page()
    try:
        resident.goto(f"{live_server.url}/p/o/{opinion.tracking_code}/")
        steps.shot(resident, "resident-sees-answer")
        text = resident.locator("main").inner_text()
        assert REPLY in text and "已答复" in text
        assert "zhangjianguo" not in text
    finally:
        resident.context.close()
    assert Opinion.objects.count() == 2
