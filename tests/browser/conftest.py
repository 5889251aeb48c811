"""Browser tests: Playwright drives Debian's Chromium against Django's live server.

Skipped, with the package to install named, when /usr/bin/chromium is missing; with
REQUIRE_BROWSER_TESTS=1 (CI sets it) a missing browser, pdftoppm or axe-core stops the run
instead, so that a green CI run has driven the browser. Every step's
screenshot is kept in memory and written to tests/artifacts/<test>/ when the test fails.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.cache import cache

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "tests" / "artifacts"
RESULTS = ROOT / "tests" / "browser" / "results"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
               "--disable-sync", "--disable-quic", "--no-first-run"]
PHONE = {"viewport": {"width": 360, "height": 740}, "has_touch": True, "is_mobile": True, "device_scale_factor": 2,
         "locale": "zh-CN",
         "user_agent": "Mozilla/5.0 (Linux; Android 13; V2229A) AppleWebKit/537.36 (KHTML, like Gecko) "
                       "Chrome/116.0.0.0 Mobile Safari/537.36 MicroMessenger/8.0.47"}
DESKTOP = {"viewport": {"width": 1366, "height": 900}, "locale": "zh-CN"}

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make for
# their fixtures are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


REQUIRED = os.environ.get("REQUIRE_BROWSER_TESTS") == "1"


def pytest_collection_modifyitems(config, items) -> None:
    if not any("tests/browser" in str(item.fspath) for item in items):
        return
    if REQUIRED:
        missing = [name for name, there in [("chromium", CHROMIUM.exists()), ("pdftoppm", shutil.which("pdftoppm")),
                                            ("axe-core (npm install)", AXE.exists())] if not there]
        if missing:
            raise pytest.UsageError(f"REQUIRE_BROWSER_TESTS=1 but missing: {', '.join(missing)}")
    if CHROMIUM.exists():
        return
    skip = pytest.mark.skip(reason="Chromium not found: install Debian's package with `apt-get install chromium`")
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(skip)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.browser_failed = report.failed


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    # The live server shares this process's cache: rate-limit counters (a sliding minute) and
    # cached public pages must not carry over from one browser test to the next.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _fast_passwords(settings) -> None:
    # Every test here sets passwords and logs in; a deliberately slow hash only costs seconds.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def browser() -> Iterator:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS)
        yield browser
        browser.close()


class Steps:
    """Screenshots of each step, written out only when the test fails."""

    def __init__(self) -> None:
        self.shots: list[tuple[str, bytes]] = []

    def shot(self, page, name: str) -> None:
        # A screenshot is evidence, not a check: one taken while a tap's navigation is under way
        # may fail in Chromium; wait for the page, try once more, and never fail the test for it.
        from playwright.sync_api import Error

        for _ in range(2):
            try:
                self.shots.append((name, page.screenshot(full_page=True)))
                return
            except Error:
                page.wait_for_load_state()

    def save(self, test_name: str) -> Path:
        folder = ARTIFACTS / re.sub(r"[^\w.-]+", "_", test_name)
        folder.mkdir(parents=True, exist_ok=True)
        for i, (name, data) in enumerate(self.shots, start=1):
            (folder / f"{i:02d}-{name}.png").write_bytes(data)
        return folder


@pytest.fixture
def steps(request) -> Iterator[Steps]:
    s = Steps()
    yield s
    if getattr(request.node, "browser_failed", False) and s.shots:
        print(f"\nscreenshots: {s.save(request.node.name)}")


def _context(browser, options: dict, steps: Steps, request):
    context = browser.new_context(**options)
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    if getattr(request.node, "browser_failed", False):
        try:
            steps.shot(page, "at-failure")
            steps.save(request.node.name)
        except Exception:  # the page may be gone; the earlier steps are saved anyway
            pass
    context.close()


@pytest.fixture
def phone(browser, steps, request, live_server):
    yield from _context(browser, PHONE, steps, request)


@pytest.fixture
def desktop(browser, steps, request, live_server):
    yield from _context(browser, DESKTOP, steps, request)


WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_violations(page, name: str) -> list[dict]:
    """Run axe-core on the page; record the result for the README; return the violations."""
    if not AXE.exists():
        pytest.skip("axe-core not installed: run `npm install` (make test does it)")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})", WCAG_TAGS
    )
    violations = [{"id": v["id"], "impact": v["impact"], "help": v["help"],
                   "nodes": [n["target"] for n in v["nodes"]][:5]} for v in result["violations"]]
    RESULTS.mkdir(parents=True, exist_ok=True)
    with (RESULTS / "axe.jsonl").open("a", encoding="utf-8") as out:
        out.write(json.dumps({"page": name, "url": page.url, "violations": len(violations),
                              "passes": len(result.get("passes", []))}, ensure_ascii=False) + "\n")
    return violations


def assert_fits_phone(page) -> None:
    """Nothing needs horizontal scrolling, and every visible control can be reached by touch."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"page is {width}px wide on a {page.viewport_size['width']}px phone"
    small = page.evaluate(
        """() => {
          /* A control past the right edge is still reachable when it sits in a strip that scrolls
             sideways on its own (a wide table) and that strip fits the screen. Not so the site's
             menu: nothing tells a deputy that it scrolls, so every item must show. */
          const inSwipeStrip = e => {
            if (e.closest('.menu')) return false;
            for (let p = e.parentElement; p; p = p.parentElement) {
              if (['auto', 'scroll'].includes(getComputedStyle(p).overflowX)) {
                return p.getBoundingClientRect().right <= window.innerWidth + 1;
              }
            }
            return false;
          };
          return [...document.querySelectorAll('a, button, input:not([type=hidden]), select, textarea, label')]
            .filter(e => e.offsetParent !== null && !e.closest('[aria-hidden=true], .skip') && e.tabIndex >= 0)
            .filter(e => ['A','BUTTON','INPUT','SELECT','TEXTAREA'].includes(e.tagName))
            .map(e => [e.tagName, e.name || e.textContent.trim().slice(0, 20), e.getBoundingClientRect(), e])
            .filter(([t, n, r]) => r.right > 0)  /* a honeypot parked off-screen is meant to be missed */
            .filter(([t, n, r, e]) => (r.right > window.innerWidth + 1 && !inSwipeStrip(e))
                                      || r.width < 24 || r.height < 24)
            .map(([t, n, r]) => `${t} ${n} ${Math.round(r.width)}x${Math.round(r.height)} at ${Math.round(r.left)}`);
        }"""
    )
    assert not small, f"controls too small or off-screen for touch: {small}"


class Weight:
    """All bytes transferred while a page first loads (bodies and headers)."""

    def __init__(self, page) -> None:
        self.requests = []
        page.on("requestfinished", lambda request: self.requests.append(request))

    def total(self) -> int:
        size = 0
        for request in self.requests:
            sizes = request.sizes()
            size += sizes["responseBodySize"] + sizes["responseHeadersSize"]
        return size


def record_weight(name: str, url: str, size: int) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    with (RESULTS / "weight.jsonl").open("a", encoding="utf-8") as out:
        out.write(json.dumps({"page": name, "url": url, "bytes": size}, ensure_ascii=False) + "\n")
