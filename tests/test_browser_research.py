"""A researcher's four questions (issue #16), answered through the pages alone in a real browser,
counting clicks (at most three each), at desktop width and at 390 px; the keyboard path through a
list's filters; and axe-core (bundled by axe-playwright-python) over the pages: no serious or
critical violation. The browser and its server are tests/test_browser.py's (Chromium from the
system; a server of this module's own on a fresh SQLite file); screenshots go beside its own.
"""

import json

import pytest

from .test_browser import SCREENSHOTS, browser_context, page, server, sync_api  # noqa: F401 (fixtures)

axe_playwright = pytest.importorskip("axe_playwright_python.sync_playwright", reason="axe-playwright-python missing")

pytestmark = pytest.mark.browser

WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
MAX_CLICKS = 3


class Visit:
    """A tab that starts at `/` and counts the clicks it takes to reach an answer."""

    def __init__(self, tab, base, width):
        self.tab, self.base, self.width, self.clicks = tab, base, width, 0
        tab.set_viewport_size(WIDTHS[width])
        tab.goto(f"{base}/")

    def click(self, locator):
        self.clicks += 1
        with self.tab.expect_navigation():
            locator.click()

    def screenshot(self, name):
        self.tab.screenshot(path=str(SCREENSHOTS / f"question-{name}-{self.width}.png"), full_page=True)

    def api(self, path):
        response = self.tab.request.get(f"{self.base}{path}", headers={"Accept": "application/json"})
        assert response.ok, path
        return json.loads(response.text())

    def fits(self):
        """Nothing is clipped or scrolls sideways: the page is as wide as the window."""
        return self.tab.evaluate("document.documentElement.scrollWidth") <= WIDTHS[self.width]["width"]

    def cells(self, label):
        return [text.strip() for text in self.tab.locator(f'td[data-label="{label}"]').all_inner_texts()]


@pytest.fixture(params=list(WIDTHS))
def visit(request, page, server):  # noqa: F811 (pytest fixtures)
    visit = Visit(page, server, request.param)
    yield visit
    assert visit.clicks <= MAX_CLICKS
    assert page.errors == []


def card(visit, prefix):
    return visit.tab.locator(f'.count-card[data-resource="{prefix}"] a.count-main')


def facet(visit, name, value):
    section = visit.tab.locator(".facet", has=visit.tab.locator("h3", has_text=name))
    return section.locator("a", has_text=value)


def test_every_statement_by_lopez_obrador_with_dates(visit):
    visit.click(card(visit, "statements"))
    visit.click(facet(visit, "Speaker", "Andrés Manuel López Obrador"))
    expected = visit.api("/api/v1/statements/?speaker=andres-manuel-lopez-obrador&page_size=100")
    assert visit.cells("Speaker") == ["Andrés Manuel López Obrador"] * expected["count"]
    said = [visit.api(f"/api/v1/statements/{row['slug']}/")["said_on"] for row in expected["results"]]
    dates = visit.cells("Date")
    assert len([d for d in dates if d != "—"]) == len([s for s in said if s]) > 0  # every date there is
    assert "7 May 2021" in dates
    assert visit.fits()
    visit.screenshot("lopez-obrador")


def test_all_aid_to_central_america_with_amounts_and_status(visit):
    visit.click(card(visit, "aid-packages"))
    visit.click(facet(visit, "Recipient", "Guatemala"))
    expected = visit.api("/api/v1/aid-packages/?recipient=GT&recipient=HN&recipient=SV")
    titles = visit.tab.locator('td[data-label="Title"] a').all_inner_texts()
    assert sorted(titles) == sorted(row["title"] for row in expected["results"]) and len(titles) == 3
    assert sorted(visit.cells("Amount")) == ["$310 million", "$4 billion", "amount not given"]
    assert sorted(visit.cells("Status")) == ["Announced", "Cut", "Requested"]
    assert visit.cells("Recipients") == ["El Salvador, Guatemala, Honduras"] * 3
    assert visit.fits()
    visit.screenshot("central-america-aid")


def test_what_happened_in_march_2021(visit):
    bar = visit.tab.locator("svg.timeline a", has=visit.tab.locator("title", has_text="March 2021:")).first
    visit.click(bar)
    visit.click(visit.tab.get_by_role("link", name="Every type of record in March 2021"))
    assert visit.tab.locator("h1").inner_text() == "Timeline: March 2021"
    expected = visit.api("/api/v1/timeline/?date_after=2021-03-01&date_before=2021-03-31")
    titles = visit.tab.locator(".timeline-entries a").all_inner_texts()
    assert len(titles) == expected["count"] > 3
    assert {item["type"] for item in expected["results"]} >= {"event", "statement", "statistic"}
    assert visit.fits()
    visit.screenshot("march-2021")
    visit.click(visit.tab.locator(".timeline-entries a", has_text="Increase in migrant encounters"))
    assert "71%" in visit.tab.locator("mark.excerpt").inner_text()


def test_the_sentence_behind_the_71_percent_figure(visit):
    visit.click(card(visit, "statistics"))
    row = visit.tab.locator("tbody tr", has=visit.tab.locator('td[data-label="Value"]', has_text="71%"))
    visit.click(row.locator('td[data-label="Title"] a'))
    sentence = visit.tab.locator("mark.excerpt").inner_text()
    assert sentence.startswith("The number of migrant encounters") and "climbed 71% in March" in sentence
    assert visit.fits()
    visit.screenshot("71-percent")


def test_a_second_facet_value_of_the_same_dimension_is_added(page, server):  # noqa: F811
    """Two recipients chosen one after the other are both kept (repeat = OR), and each can be removed."""
    page.goto(f"{server}/aid-packages/")
    with page.expect_navigation():
        page.locator(".facet", has=page.locator("h3", has_text="Recipient")).locator("a", has_text="Guatemala").click()
    with page.expect_navigation():
        page.locator(".facet", has=page.locator("h3", has_text="Recipient")).locator("a", has_text="Honduras").click()
    assert page.url.endswith("/aid-packages/?recipient=GT&recipient=HN")
    selected = page.locator('.facet a[aria-current="true"] .facet-name').all_inner_texts()
    assert sorted(" ".join(name.split()).removeprefix("Selected: ") for name in selected) == ["Guatemala", "Honduras"]
    with page.expect_navigation():
        page.locator('.facet a[aria-current="true"]', has_text="Guatemala").click()
    assert page.url.endswith("/aid-packages/?recipient=HN")
    assert page.errors == []


def test_a_list_is_filtered_with_the_keyboard_alone(page, server):  # noqa: F811
    page.goto(f"{server}/statements/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("Enter")
    for _ in range(4):  # past the breadcrumb and the JSON and CSV links: the search box
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "filter-search"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Search"
    for _ in range(12):  # past the controls shown beside the search box: the filters' summary
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.tagName") == "SUMMARY":
            break
    assert page.evaluate("document.activeElement.tagName") == "SUMMARY"
    page.keyboard.press("Enter")  # opens the filters
    for _ in range(3):  # source, then the kind checkboxes
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.value") == "paraphrase"
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.type("kamala-harris")  # the speaker field
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/statements/?kind=paraphrase&speaker=kamala-harris")
    assert set(page.locator('td[data-label="Speaker"]').all_inner_texts()) == {"Kamala Harris"}
    assert set(page.locator('td[data-label="Kind"]').all_inner_texts()) == {"Paraphrase"}
    assert page.errors == []


PAGES = {
    "home": "/",
    "list-with-filters": "/statements/?speaker=andres-manuel-lopez-obrador&kind=paraphrase&ordering=-said_on",
    "list-with-an-error": "/aid-packages/?recipient=ZZ",
    "record": "/statistics/migrant-encounters-us-mexico-border-increase-2021-03/",
    "timeline": "/timeline/?date_after=2021-03-01&date_before=2021-03-31",
    "search": "/search/?q=lopez",
}


@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("name", list(PAGES))
def test_no_serious_accessibility_violation(page, server, name, width):  # noqa: F811
    page.set_viewport_size(WIDTHS[width])
    page.goto(f"{server}{PAGES[name]}")
    page.locator("details").evaluate_all("all => all.forEach(d => d.open = true)")  # check the filters too
    violations = axe_playwright.Axe().run(page).response["violations"]
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[node['target'] for node in v['nodes']][:5]}"
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == [], "\n".join(serious)
    page.screenshot(path=str(SCREENSHOTS / f"axe-{name}-{width}.png"), full_page=True)
