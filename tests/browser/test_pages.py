"""Every public page and every portal page, on a phone, with the demo data: axe-core (WCAG 2.1
A/AA) finds nothing, nothing scrolls sideways, every control can be tapped; and the resident's
pages are weighed as a first visit transfers them (fresh browser, empty cache).

One test, because the demo data (seed_demo) takes several seconds to load and every test of a
live server starts from an empty database. Problems of all pages are gathered and reported at once.
"""

import io
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.core.management import call_command

from deputies.models import Deputy
from deputywork.models import User
from liaison.models import LiaisonStation
from suggestions.demo_suggestions import _walk
from suggestions.models import Category, HandlingUnit, Opinion, Suggestion
from suggestions.selectors_suggestions import assignments_of_unit_user
from suggestions.services_opinions import opinion_submit
from suggestions.services_suggestions import suggestion_create
from suggestions.workflow import opinion_transition
from tests.browser.conftest import PHONE, Weight, assert_fits_phone, axe_violations, record_weight

pytestmark = pytest.mark.browser

WEIGHT_GOAL = 100 * 1024  # bytes a resident's phone downloads for one page, first visit


@pytest.fixture
def demo(live_server, settings, transactional_db):
    settings.SITE_BASE_URL = live_server.url
    call_command("seed_demo", quiet_logins=True, stdout=io.StringIO())
    deputy = Deputy.objects.get(user__username="deputy")
    # The demo gives 张建国 one closed suggestion; add a draft and one waiting for his rating, so
    # that the edit form and the evaluation form are scanned too.
    congress = deputy.mandates.filter(status="active").first().congress
    unit_user = User.objects.get(username="unit")
    for stage, title in (("draft", "关于在前何村修建文化广场的建议"),
                         ("replied", "关于前何村通往镇区道路加装路灯的建议")):
        item = suggestion_create(congress=congress, lead_deputy=deputy, title=title,
                                 category=Category.objects.get(name="城乡建设"), period="recess",
                                 content=f"{title}：群众反映强烈，建议有关部门制定方案，明确时限，逐步解决。",
                                 co_signers=[], year=2026, actor=None)
        unit = HandlingUnit.objects.filter(users=unit_user).order_by("pk").first()
        _walk(item, stage, "B", unit, unit_user, None)
    # One opinion the deputy has accepted: its page offers the answer, forward and decline forms.
    accepted = opinion_submit(content="前何村村口的路灯坏了两个多月，晚上出行很不方便。", deputy=deputy,
                              consent=True, sender="browser-test").opinion
    opinion_transition(opinion=accepted, to="accepted", actor=deputy.user)
    return deputy


def public_pages(deputy: Deputy) -> list[tuple[str, str]]:
    group = deputy.memberships.select_related("group").first().group
    station = LiaisonStation.objects.filter(active=True).order_by("pk").first()
    answered = Opinion.objects.filter(status="answered", rating="").order_by("pk").first()
    result = Suggestion.objects.filter(public=True).order_by("pk").first()
    return [
        ("代表公开页", f"/p/d/{deputy.public_token}/"),
        ("活动小组公开页", f"/p/g/{group.public_token}/"),
        ("联络站一览", "/p/stations/"),
        ("联络站公开页", f"/p/s/{station.public_token}/"),
        ("意见表单（代表）", f"/p/d/{deputy.public_token}/opinion/"),
        ("意见表单（活动小组）", f"/p/g/{group.public_token}/opinion/"),
        ("意见表单（联络站）", f"/p/s/{station.public_token}/opinion/"),
        ("查询办理进度", "/p/o/"),
        ("办理进度（已答复，可评价）", f"/p/o/{answered.tracking_code}/"),
        ("建议办理结果", "/p/results/"),
        ("建议办理结果详情", f"/p/results/{result.pk}/"),
    ]


def deputy_pages(deputy: Deputy) -> list[tuple[str, str]]:
    opinion = Opinion.objects.filter(deputy=deputy, status="submitted").order_by("pk").first()
    accepted = Opinion.objects.filter(deputy=deputy, status="accepted").order_by("pk").first()
    own = Suggestion.objects.filter(lead_deputy=deputy)
    return [
        ("我的代表信息", "/portal/deputy/"),
        ("群众意见", "/portal/opinions/"),
        ("群众意见详情（待受理）", f"/portal/opinions/{opinion.pk}/"),
        ("群众意见详情（已受理：答复、转交、不予受理）", f"/portal/opinions/{accepted.pk}/"),
        ("代群众录入意见", "/portal/opinions/new/"),
        ("我的建议", "/portal/suggestions/"),
        ("建议详情（已答复，待评价）", f"/portal/suggestions/{own.get(status='replied').pk}/"),
        ("建议详情（已办结）", f"/portal/suggestions/{own.filter(status='closed').first().pk}/"),
        ("提出建议", "/portal/suggestions/new/"),
        ("修改建议草稿", f"/portal/suggestions/{own.get(status='draft').pk}/edit/"),
        ("我的活动", "/portal/activities/"),
        ("记录我开展的活动", "/portal/activities/new/"),
        ("活动日历", "/portal/calendar/"),
        ("履职档案", "/portal/record/"),
        ("修改密码", "/accounts/password/"),
    ]


def unit_pages(unit_user) -> list[tuple[str, str]]:
    items = assignments_of_unit_user(user=unit_user)
    open_item = items.filter(suggestion__status="in_progress").order_by("pk").first()
    return [("承办建议", "/unit/"), ("承办建议详情（办理中）", f"/unit/items/{open_item.pk}/")]


def log_in(page, url: str, username: str) -> None:
    page.goto(f"{url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("demo-2026")
    page.get_by_role("button", name="登录").tap()
    page.wait_for_url(lambda u: "/accounts/login/" not in u)


def check(page, name: str, steps, problems: list[str]) -> None:
    """axe-core and the phone checks on the page now open; problems are collected, not raised."""
    found = []
    violations = axe_violations(page, name)
    if violations:
        found.append(f"axe: {violations}")
    try:
        assert_fits_phone(page)
    except AssertionError as exc:
        found.append(str(exc))
    if found:
        steps.shot(page, name)
        problems.append(f"{name} {page.url}: " + "; ".join(found))


@contextmanager
def phone_page(browser, steps, name: str, **options) -> Iterator:
    """A page in a fresh phone browser. The test makes its own browsers (a first visit each), so
    the `phone` fixture's screenshot at failure is done here: a failure inside the block keeps a
    screenshot of the page as it was, and the `steps` fixture writes it to tests/artifacts/."""
    context = browser.new_context(**PHONE, **options)
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        yield page
    except BaseException:
        steps.shot(page, f"{name}-at-failure")
        raise
    finally:
        context.close()


def test_every_public_and_portal_page_passes_axe_and_fits_a_phone(browser, live_server, demo, steps, settings):
    problems: list[str] = []

    # The resident: each page in a fresh browser, so the weight is that of a first visit.
    weights = {}
    for name, path in public_pages(demo):
        with phone_page(browser, steps, name) as page:
            weight = Weight(page)
            response = page.goto(live_server.url + path)
            assert response.status == 200, f"{name} {path}: {response.status}"
            weights[name] = weight.total()
            record_weight(name, page.url, weights[name])
            check(page, name, steps, problems)
            if name == "意见表单（代表）":
                # The same form after a send with nothing filled in: errors shown beside the fields.
                page.locator("form button[type=submit]").tap()
                page.locator(".errorlist").first.wait_for()
                check(page, "意见表单（有错误）", steps, problems)
                # Filled in and sent: the tracking page as it first shows (?new=1, the code to note).
                page.locator("[name=content]").fill("村口的路灯坏了两个多月，晚上出行很不方便。")
                page.locator("[name=consent]").check()
                page.locator("form button[type=submit]").tap()
                page.wait_for_url("**/p/o/*/?new=1")
                check(page, "办理进度（刚提交）", steps, problems)

    # Too many posts from one address: the 429 page a browser without the form's script shows.
    # form.submit() posts as a plain form would (it fires no submit event for the script).
    settings.OPINION_RATE_LIMITS = {"ip": (0, 60), "phone": (5, 3600)}
    with phone_page(browser, steps, "429") as page:
        page.goto(f"{live_server.url}/p/d/{demo.public_token}/opinion/")
        page.locator("[name=content]").fill("村口的路灯坏了两个多月，晚上出行很不方便。")
        page.locator("[name=consent]").check()
        with page.expect_response(lambda r: r.request.method == "POST") as sent:
            page.evaluate("document.querySelector('form.opinion-form').submit()")
        assert sent.value.status == 429, sent.value.status
        page.locator("[data-limit-message]").wait_for()  # the 429 page has replaced the form
        check(page, "提交太频繁（429）", steps, problems)

    # The deputy and the handling unit, logged in on their phones.
    for username, pages in (("deputy", deputy_pages(demo)),
                            ("unit", unit_pages(User.objects.get(username="unit")))):
        with phone_page(browser, steps, username) as page:
            log_in(page, live_server.url, username)
            for name, path in pages:
                response = page.goto(live_server.url + path)
                assert response.status == 200, f"{name} {path}: {response.status}"
                if "已受理" in name:  # scan the forms folded in <details> too
                    page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
                check(page, name, steps, problems)

    assert not problems, "\n".join(problems)
    heavy = {name: size for name, size in weights.items() if size > WEIGHT_GOAL}
    assert not heavy, f"resident pages over {WEIGHT_GOAL} bytes on first load: {heavy}"


def test_the_scan_finds_what_it_should(phone, steps):
    """The scanner itself: a page with known faults is not passed as clean."""
    phone.set_content('<html><body><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="><input></body></html>')
    found = {v["id"] for v in axe_violations(phone, "（自检：有意做错的页面）")}
    assert {"html-has-lang", "image-alt", "label"} <= found
