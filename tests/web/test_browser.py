"""The site in a real browser (Debian's Chromium through Playwright): navigation, search, layout at 390 px.

Screenshots go to test-artifacts/web/. The set-up installs Chromium with apt where it is missing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "web"


APT_ATTEMPTS = 4


def install_chromium() -> None:
    """apt-get install chromium when it is not there (CI machines start without it)."""
    if Path(CHROMIUM).exists():
        return
    if shutil.which("apt-get") is None:
        pytest.skip("Chromium is missing and apt-get is not available")
    # another apt process may hold the dpkg or lists lock: wait for it, and try again a few times
    wait = ["-o", "DPkg::Lock::Timeout=300"]
    for attempt in range(APT_ATTEMPTS):
        subprocess.run(["apt-get", *wait, "update", "-qq"], check=False, capture_output=True, timeout=900)
        done = subprocess.run(
            ["apt-get", *wait, "install", "-y", "-qq", "chromium"],
            capture_output=True,
            timeout=1200,
            env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
        )
        if done.returncode == 0 and Path(CHROMIUM).exists():
            return
        if attempt + 1 < APT_ATTEMPTS:
            time.sleep(15)
    pytest.fail(f"could not install chromium: {done.stderr.decode()[-1000:]}")


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Headless Chromium."""
    install_chromium()
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def phone(browser, live_server) -> Iterator[object]:
    """A 390 px wide page that fails the test on any console error or page error."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=1, locale="ar")
    page = context.new_page()
    page.errors = []  # type: ignore[attr-defined]
    page.on("console", lambda msg: msg.type == "error" and page.errors.append(msg.text))
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    page.base = live_server  # type: ignore[attr-defined]
    yield page
    context.close()


def no_horizontal_scroll(page) -> None:
    """The page is no wider than the viewport."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} scrolls sideways: {width}px"


def check(page, name: str) -> None:
    """Layout and console checks, then a full-page screenshot."""
    assert page.evaluate("document.documentElement.dir") == "rtl"
    assert page.evaluate("document.documentElement.lang") == "ar"
    no_horizontal_scroll(page)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    assert not page.errors, page.errors


def test_reader_path_home_story_article_tag(phone, web_data):
    page = phone
    page.goto(page.base + "/")
    assert page.locator("h1").first.inner_text().startswith("أهم القصص")
    check(page, "home-390")
    page.locator(".story-card a.item-title").first.click()
    page.wait_for_url("**/stories/*")
    assert page.locator(".kicker").first.inner_text() == "التغطية الكاملة"
    assert page.locator(".timeline li").count() >= 2
    check(page, "story-390")
    page.locator(".timeline a").first.click()
    page.wait_for_url("**/articles/*")
    assert "المصدر:" in page.locator(".attribution").inner_text()
    check(page, "article-390")
    page.goto(page.base + f"/articles/{web_data.korea_ids[0]}")
    tag = page.locator(".tags a").first
    tag_name = tag.inner_text()
    tag.click()
    page.wait_for_url("**/tags/*")
    assert page.locator("h1").inner_text() == tag_name
    assert page.locator(".item").count() >= 1
    check(page, "tag-390")


def test_search_persian_spelling_finds_arabic(phone):
    page = phone
    page.goto(page.base + "/")
    page.fill("#q-top", "کوریا الشمالیة")
    page.press("#q-top", "Enter")
    page.wait_for_url("**/search?**")
    results = page.locator(".result")
    assert results.count() >= 3
    marks = page.locator(".result mark").all_inner_texts()
    assert "كوريا" in marks
    assert any("كوريا الشمالية" in t for t in page.locator(".result").all_inner_texts())
    check(page, "search-390")


def test_hostile_article_runs_no_script(phone, web_data):
    page = phone
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(page.base + f"/articles/{web_data.xss_id}")
    assert "<script>" in page.locator("h1").inner_text()
    assert page.title() != "pwned" and not dialogs
    check(page, "hostile-390")


def test_other_pages_fit_a_phone(phone, web_data):
    page = phone
    for path, name in (
        ("/sources", "sources-390"),
        ("/sources/BBC", "source-390"),
        ("/search?q=%D8%B1%D9%88%D8%B3%D9%8A%D8%A7&page=2", "search-page2-390"),
    ):
        page.goto(page.base + path)
        check(page, name)
    response = page.goto(page.base + "/no-such-page")
    assert response.status == 404
    assert page.locator("h1").inner_text() == "الصفحة غير موجودة"
    page.errors[:] = [
        e for e in page.errors if "status of 404" not in e
    ]  # the page's own status, not an asset
    check(page, "404-390")


def test_desktop_layout(browser, live_server, web_data):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: msg.type == "error" and errors.append(msg.text))
    for path, name in (
        ("/", "home-desktop"),
        (f"/stories/{web_data.story_id}", "story-desktop"),
        (f"/articles/{web_data.korea_ids[0]}", "article-desktop"),
    ):
        page.goto(live_server + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 1280
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    assert not errors, errors
    context.close()


def test_api_docs_load_locally(browser, live_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    requests: list[str] = []
    page.on("console", lambda msg: msg.type == "error" and errors.append(msg.text))
    page.on("request", lambda req: requests.append(req.url))
    page.goto(live_server + "/docs")
    page.wait_for_selector(".opblock", timeout=15000)
    page.screenshot(path=str(ARTIFACTS / "docs-desktop.png"))
    assert all(url.startswith(live_server) for url in requests), requests
    assert not errors, errors
    context.close()
