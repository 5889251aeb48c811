"""Bad input on the resident's form: the network cut after the tap, a double tap, the back button."""

import re
import threading
import time

import pytest
from playwright.sync_api import expect

from suggestions import views_public
from suggestions.models import Opinion
from tests.browser.conftest import PHONE
from tests.factories import DeputyFactory, MandateFactory

pytestmark = pytest.mark.browser

CONTENT = "村东头的变压器嗡嗡响了一个多月，晚上吵得睡不着觉，担心有安全隐患。"


@pytest.fixture
def form_url(live_server, transactional_db) -> str:
    deputy = MandateFactory(deputy=DeputyFactory(name="张建国")).deputy
    return f"{live_server.url}/p/d/{deputy.public_token}/opinion/"


def fill(page, content: str = CONTENT) -> None:
    page.locator("[name=content]").fill(content)
    page.locator("[name=place_detail]").fill("村东头变压器旁")
    page.locator("[name=resident_name]").fill("王大爷")
    page.locator("[name=consent]").check()


def count_posts(page) -> list:
    posts = []
    page.on("request", lambda request: posts.append(request.url) if request.method == "POST" else None)
    return posts


def test_network_cut_after_the_tap_says_not_sent_and_keeps_what_was_typed(phone, form_url, steps):
    phone.goto(form_url)
    fill(phone)
    # The connection drops once the resident has tapped: the POST never reaches the server.
    phone.route("**/opinion/", lambda route: route.abort("internetdisconnected") if route.request.method == "POST"
                else route.continue_())
    phone.locator("form button[type=submit]").tap()
    alert = phone.get_by_role("alert").filter(has_text="没有发出")
    alert.wait_for()
    steps.shot(phone, "not-sent")
    assert "网络中断，意见没有发出，请检查网络后重试" in alert.inner_text()
    assert phone.url == form_url
    assert phone.locator("[name=content]").input_value() == CONTENT
    assert phone.locator("[name=place_detail]").input_value() == "村东头变压器旁"
    assert phone.locator("[name=resident_name]").input_value() == "王大爷"
    assert phone.locator("[name=consent]").is_checked()
    assert Opinion.objects.count() == 0

    # The network is back: the same tap sends it, once.
    phone.unroute("**/opinion/")
    phone.locator("form button[type=submit]").tap()
    phone.wait_for_url("**/p/o/*/?new=1")
    steps.shot(phone, "sent-after-retry")
    code = phone.locator(".code").first.inner_text().strip()
    assert Opinion.objects.get().tracking_code == code


@pytest.fixture
def slow_network(monkeypatch):
    """The opinion takes half a second to arrive, as on a weak mobile signal, so that a second
    tap lands while the first is still on its way. Requests are then taken one at a time: the
    live server's threads share the test's SQLite connection."""
    real = views_public._opinion_form
    gate = threading.Lock()

    def slow(request, **kwargs):
        if request.method == "POST":
            time.sleep(0.5)
            with gate:
                return real(request, **kwargs)
        return real(request, **kwargs)

    monkeypatch.setattr(views_public, "_opinion_form", slow)


@pytest.mark.parametrize("script", [True, False], ids=["with-script", "without-script"])
def test_double_tap_on_send_stores_one_opinion(browser, form_url, steps, slow_network, script):
    context = browser.new_context(**PHONE, java_script_enabled=script)
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        page.goto(form_url)
        fill(page)
        posts = count_posts(page)
        button = page.locator("form button[type=submit]")
        button.scroll_into_view_if_needed()
        box = button.bounding_box()
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        page.touchscreen.tap(x, y)
        page.wait_for_timeout(150)  # a thumb's double tap
        page.touchscreen.tap(x, y)
        # Without script the second tap aborts the first page load: wait for where it ends, not for a load.
        expect(page).to_have_url(re.compile(r"/p/o/\w+/\?new=1$"))
        steps.shot(page, "after-double-tap")
        code = page.locator(".code").first.inner_text().strip()
        assert Opinion.objects.count() == 1 and Opinion.objects.get().tracking_code == code
        # With the script the second tap is not sent at all; without it the server drops the copy.
        assert len(posts) == (1 if script else 2), posts
    finally:
        context.close()


def test_back_button_after_sending_does_not_make_a_second_opinion(phone, form_url, steps):
    phone.goto(form_url)
    fill(phone)
    phone.locator("form button[type=submit]").tap()
    phone.wait_for_url("**/p/o/*/?new=1")
    code = phone.locator(".code").first.inner_text().strip()

    phone.go_back()
    phone.wait_for_url(form_url)
    steps.shot(phone, "back-on-form")
    button = phone.locator("form button[type=submit]")
    assert button.is_enabled(), "the form shown again by the back button must not stay stuck"
    # The resident thinks it did not go and sends it again.
    if phone.locator("[name=content]").input_value() != CONTENT:
        fill(phone)
    phone.locator("[name=consent]").check()
    button.tap()
    phone.wait_for_url("**/p/o/*/?new=1")
    steps.shot(phone, "sent-again")
    assert phone.locator(".code").first.inner_text().strip() == code
    assert Opinion.objects.count() == 1


def test_a_field_to_correct_is_told_and_the_corrected_form_goes(phone, form_url, steps):
    """With the script, the server's page of errors still comes back, and the form still works after."""
    phone.goto(form_url)
    phone.locator("[name=content]").fill(CONTENT)
    phone.locator("form button[type=submit]").tap()
    phone.locator(".errorlist").first.wait_for()
    steps.shot(phone, "consent-missing")
    assert "请勾选同意后再提交。" in phone.locator("main").inner_text()
    assert phone.locator("[name=content]").input_value() == CONTENT
    assert Opinion.objects.count() == 0
    phone.locator("[name=consent]").check()
    phone.locator("form button[type=submit]").tap()
    phone.wait_for_url("**/p/o/*/?new=1")
    assert Opinion.objects.count() == 1


def test_too_many_posts_keeps_the_form_and_what_was_typed(phone, form_url, steps, settings):
    """A 429 (this address has sent too much) with the script: the message above the form, the
    form and its contents kept, nothing stored; later the same form goes."""
    settings.OPINION_RATE_LIMITS = {"ip": (0, 60), "phone": (5, 3600)}
    phone.goto(form_url)
    fill(phone)
    phone.locator("form button[type=submit]").tap()
    alert = phone.locator(".limit-status")
    expect(alert).to_be_visible()
    steps.shot(phone, "too-many")
    assert "提交太频繁" in alert.inner_text()
    assert phone.url == form_url
    assert phone.locator("[name=content]").input_value() == CONTENT
    assert phone.locator("[name=resident_name]").input_value() == "王大爷"
    assert phone.locator("[name=consent]").is_checked()
    assert phone.locator("form button[type=submit]").is_enabled()
    assert Opinion.objects.count() == 0

    settings.OPINION_RATE_LIMITS = {"ip": (10, 60), "phone": (5, 3600)}
    phone.locator("form button[type=submit]").tap()
    phone.wait_for_url("**/p/o/*/?new=1")
    assert Opinion.objects.count() == 1


def test_a_lost_security_cookie_keeps_the_form_and_the_next_tap_sends_it(phone, form_url, steps):
    """The page stood open too long, or WeChat dropped its cookies: the CSRF check refuses the
    post. With the script the form stays as typed, takes a fresh token and asks for one more tap
    (before, the error page replaced the form and everything typed was gone)."""
    phone.goto(form_url)
    fill(phone)
    phone.context.clear_cookies()
    phone.locator("form button[type=submit]").tap()
    alert = phone.locator(".limit-status")
    expect(alert).to_be_visible()
    steps.shot(phone, "expired")
    assert "页面打开的时间太长" in alert.inner_text() and "请再点一次提交" in alert.inner_text()
    assert phone.url == form_url
    assert phone.locator("[name=content]").input_value() == CONTENT
    assert phone.locator("[name=resident_name]").input_value() == "王大爷"
    assert phone.locator("[name=consent]").is_checked()
    assert Opinion.objects.count() == 0

    phone.locator("form button[type=submit]").tap()
    phone.wait_for_url("**/p/o/*/?new=1")
    assert Opinion.objects.count() == 1


def test_a_browser_that_keeps_no_cookie_is_told_to_allow_them(phone, form_url, steps):
    """Refused again after taking a fresh token: the browser keeps no cookie, and tapping again
    would never help; the page says what the server's page says (allow cookies), the form stays."""
    phone.goto(form_url)
    fill(phone)
    phone.context.clear_cookies()
    phone.locator("form button[type=submit]").tap()
    alert = phone.locator(".limit-status")
    expect(alert).to_contain_text("请再点一次提交")
    phone.context.clear_cookies()  # the fresh cookie is not kept either
    phone.locator("form button[type=submit]").tap()
    expect(alert).to_contain_text("允许 Cookie")
    steps.shot(phone, "no-cookies")
    assert phone.locator("[name=content]").input_value() == CONTENT
    assert Opinion.objects.count() == 0
