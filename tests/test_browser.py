"""The editing workflow and the pages, in a real browser: Debian's Chromium driven by Playwright.

The browser talks to a server process of its own (`migrate`, `loaddata`, `runserver` on a free
port, with a fresh SQLite file), so these tests never share a database, a transaction or a flush
with the rest of the suite, on SQLite or PostgreSQL alike. Playwright's own browser downloads are
never used: Chromium comes from the system (`apt-get install chromium`). Where it is missing,
every test here is skipped with the reason. Screenshots go to $SCREENSHOT_DIR (default:
<tmp>/policy-records-screenshots).
"""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from .live_server import ROOT, runserver

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
if not Path(CHROMIUM).exists():
    pytest.skip(
        f"browser tests skipped: no Chromium at {CHROMIUM} (apt-get install chromium, or set CHROMIUM=…)",
        allow_module_level=True,
    )
sync_api = pytest.importorskip("playwright.sync_api", reason="browser tests skipped: playwright is not installed")

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(os.environ.get("SCREENSHOT_DIR", Path(tempfile.gettempdir()) / "policy-records-screenshots"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
EDITOR, PASSWORD = "editor", "browser-test-pw-1"
STATEMENT = "harris-pitches-regional-approach-to-mexico"


def manage(env, *args):
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A server of our own on a fresh SQLite file, with the article's fixtures and an editor."""
    folder = tmp_path_factory.mktemp("browser")
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
        "DJANGO_ENV": "development",
        "DEBUG": "1",  # runserver serves the static files
        "DJANGO_SETTINGS_MODULE": "policy.settings",
        "DJANGO_SUPERUSER_PASSWORD": PASSWORD,
        "PYTHONUNBUFFERED": "1",
    }
    manage(env, "migrate", "--noinput")
    manage(env, "loaddata", *sorted(str(path) for path in (ROOT / "fixtures").glob("*.json")))
    manage(env, "createsuperuser", "--noinput", "--username", EDITOR, "--email", "editor@example.org")
    with runserver(env) as base:
        yield base


@pytest.fixture(scope="module")
def browser_context(tmp_path_factory):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")),  # a fresh user-data-dir
            executable_path=CHROMIUM,
            args=CHROMIUM_ARGS,
            headless=True,
            viewport={"width": 1280, "height": 900},
        )
        context.set_default_timeout(15_000)
        yield context
        context.close()


@pytest.fixture
def page(browser_context):
    """A tab that records console errors and uncaught exceptions; each test asserts there were none."""
    tab = browser_context.new_page()
    tab.errors = []
    tab.on("console", lambda message: message.type == "error" and tab.errors.append(message.text))
    tab.on("pageerror", lambda error: tab.errors.append(str(error)))
    yield tab
    tab.close()


def screenshot(page, name):
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def api_json(page, url):
    response = page.request.get(url, headers={"Accept": "application/json"})
    assert response.ok, f"{url}: {response.status}"
    return json.loads(response.text())


def test_editor_edits_a_statement_and_sees_it_in_the_api_history_and_page(page, server):
    page.goto(f"{server}/admin/login/?next=/admin/")
    page.fill("#id_username", EDITOR)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    assert page.locator("#site-name").inner_text() == "Policy Records · editors"

    page.goto(f"{server}/admin/policy/statement/")
    page.fill("#searchbar", "regional approach")
    page.press("#searchbar", "Enter")
    page.locator("#result_list tbody tr a", has_text="pitched Mexico").first.click()
    assert "pitched Mexico on a regional approach" in page.locator(".policy-citation mark").inner_text()
    screenshot(page, "admin-statement-change")
    # The admin scrolls inside its own container, so the citation gets a picture of its own.
    page.locator("fieldset", has=page.locator(".policy-citation")).screenshot(
        path=str(SCREENSHOTS / "admin-statement-citation.png")
    )

    notes = page.locator("#id_notes")
    edited = notes.input_value() + "\n\nChecked in the browser test."
    notes.fill(edited)
    page.click("input[name=_continue]")
    assert "was changed successfully" in page.locator(".messagelist .success").inner_text()

    detail = api_json(page, f"{server}/api/v1/statements/{STATEMENT}/")
    assert detail["notes"] == edited
    latest = api_json(page, f"{server}/api/v1/statements/{STATEMENT}/history/")["results"][0]
    assert (latest["user"], latest["change"]) == (EDITOR, "changed")
    assert [change["field"] for change in latest["changes"]] == ["notes"]

    page.click("a.historylink")
    assert EDITOR in page.locator("#change-history").inner_text()
    screenshot(page, "admin-statement-history")

    page.goto(f"{server}/statements/{STATEMENT}/")
    entry = page.locator(".history-entry").first
    assert entry.locator(".history-user").inner_text() == EDITOR
    assert entry.locator(".diff tbody th").all_inner_texts() == ["notes"]
    screenshot(page, "statement-page")
    assert page.errors == []


def test_landing_page_draws_the_timeline_and_charts(page, server):
    page.goto(f"{server}/")
    for selector in (
        "svg.timeline rect.bar",
        ".bar-chart.aid-status svg rect",
        ".bar-chart.aid-largest svg rect",
        ".bar-chart.statistics svg rect",
    ):
        shapes = page.locator(selector)
        assert shapes.count() > 0, selector
        box = shapes.first.bounding_box()
        assert box and box["width"] > 0 and box["height"] > 0, f"{selector} is not drawn"
    assert page.locator(".count-card").count() == 9
    assert page.locator(".statements li").count() > 0
    screenshot(page, "home")

    page.locator(".statements a", has_text="record").first.click()
    assert page.locator("mark.excerpt").is_visible()
    assert page.errors == []


def test_record_pages_show_the_citation_in_its_source(page, server):
    page.goto(f"{server}/policies/usmca/")
    assert "United States-Mexico-Canada Agreement" in page.locator("mark.excerpt").inner_text()
    screenshot(page, "policy-page")

    page.locator(".citation .source-line a").first.click()
    # Its text with the excerpts marked (signed in as an editor, as the first test leaves the browser), or,
    # the article being all rights reserved, the excerpts alone (anonymous: tests/test_licensing.py).
    assert page.locator(".source-text mark, .source-excerpts li").count() > 10
    screenshot(page, "source-page")

    page.goto(f"{server}/countries/mx/")
    assert page.locator("h1").inner_text() == "Mexico"
    assert page.errors == []
