"""Cite by selecting, in Chromium (issue #14, item 1): an editor adds a source, selects words of its
text on the source's admin page — across two paragraphs, past an astral character, through curly
quotes and an ellipsis — and the record made from the selection holds exactly those words at exactly
their offsets in the stored text (Python's code points), as the API reports them. And a typed excerpt
that is not verbatim is fixed with one click on "Use the source's words".

The server, browser and tab are tests/test_browser.py's fixtures (a server of this module's own).
"""

import pytest

from .test_browser import EDITOR, PASSWORD, api_json, browser_context, page, screenshot, server  # noqa: F401

pytestmark = pytest.mark.browser

SLUG = "browser-cite-source"
PARAGRAPHS = [
    "The envoy arrived on Monday. Talks resumed at noon.",
    "“We came to listen…” she said 🙂 before the talks resumed in earnest.",
    "Officials said the talks resumed again on Friday, and they expect a deal by June.",
]
TEXT = "\n\n".join(PARAGRAPHS)

# Selects from the first occurrence of `from` (at or after character `after` of a piece) to the end of
# `to`: the range's offsets are UTF-16 units within the text nodes, as a mouse selection's would be.
SELECT = """([from, to, nth]) => {
  const nodes = [...document.querySelectorAll('.cite-text span')].map(s => s.firstChild).filter(n => n);
  const hits = (needle) => nodes.flatMap(n => {
    const found = []; let at = n.data.indexOf(needle);
    while (at >= 0) { found.push([n, at]); at = n.data.indexOf(needle, at + 1); }
    return found;
  });
  const [startNode, startAt] = hits(from)[nth];
  const [endNode, endAt] = hits(to).find(([n, at]) =>
    n !== startNode ? (startNode.compareDocumentPosition(n) & Node.DOCUMENT_POSITION_FOLLOWING) : at >= startAt);
  const range = document.createRange();
  range.setStart(startNode, startAt);
  range.setEnd(endNode, endAt + to.length);
  const selection = window.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
}"""


def log_in(tab, base):
    tab.goto(f"{base}/admin/login/?next=/admin/")
    tab.fill("#id_username", EDITOR)
    tab.fill("#id_password", PASSWORD)
    tab.click("input[type=submit]")


def add_source(tab, base):
    tab.goto(f"{base}/admin/policy/source/add/")
    tab.fill("#id_slug", SLUG)
    tab.fill("#id_title", "Talks resume (browser test)")
    tab.select_option("#id_kind", "news_article")
    tab.fill("#id_text", TEXT)
    tab.click("input[name=_continue]")
    assert "was added successfully" in tab.locator(".messagelist .success").inner_text()


def cite(tab, button, start_words, end_words, nth=0):
    tab.evaluate(SELECT, [start_words, end_words, nth])
    tab.locator(".cite-by-selecting button.cite-as", has_text=button).click()
    tab.wait_for_url("**/add/?*")


def choose(tab, field, name):
    """An autocomplete (select2) field: type, then pick the match."""
    tab.locator(f"#id_{field} + .select2 .select2-selection").click()
    tab.locator(".select2-container--open .select2-search__field").fill(name)
    tab.locator(".select2-results__option", has_text=name).first.click()


@pytest.fixture(scope="module")
def source_page(server, browser_context):  # noqa: F811
    tab = browser_context.new_page()
    log_in(tab, server)
    add_source(tab, server)
    url = tab.url
    tab.close()
    return url


def test_a_selection_across_paragraphs_becomes_a_statement(page, server, source_page):  # noqa: F811
    page.goto(source_page)
    cite(page, "Statement", "Talks resumed", "she said")
    start = TEXT.index("Talks resumed")
    end = TEXT.index("she said") + len("she said")
    assert page.input_value("#id_excerpt") == TEXT[start:end]
    assert (page.input_value("#id_excerpt_start"), page.input_value("#id_excerpt_end")) == (str(start), str(end))
    screenshot(page, "admin-cite-statement-form")
    page.fill("#id_slug", "envoy-came-to-listen")
    choose(page, "speaker", "Kamala Harris")
    page.fill("#id_text", "We came to listen…")
    page.select_option("#id_kind", "quote")
    page.click("input[name=_save]")
    assert "was added successfully" in page.locator(".messagelist .success").inner_text()

    record = api_json(page, f"{server}/api/v1/statements/envoy-came-to-listen/")
    assert (record["excerpt"], record["excerpt_start"], record["excerpt_end"]) == (TEXT[start:end], start, end)
    assert record["source"]["slug"] == SLUG
    assert page.errors == []


def test_a_later_occurrence_past_an_astral_character_becomes_an_event(page, server, source_page):  # noqa: F811
    page.goto(source_page)
    screenshot(page, "admin-cite-by-selecting")
    cite(page, "Event", "the talks resumed", "earnest", nth=0)  # "Talks resumed" is capitalised: this is the 2nd
    start = TEXT.index("the talks resumed in")
    end = TEXT.index("earnest") + len("earnest")
    assert TEXT.index("🙂") < start, "an astral character before the span: UTF-16 offsets would be one more"
    page.fill("#id_slug", "talks-resumed-in-earnest")
    page.fill("#id_title", "Talks resumed in earnest")
    page.select_option("#id_kind", "meeting")
    page.click("input[name=_save]")
    assert "was added successfully" in page.locator(".messagelist .success").inner_text()

    record = api_json(page, f"{server}/api/v1/events/talks-resumed-in-earnest/")
    assert (record["excerpt"], record["excerpt_start"], record["excerpt_end"]) == (TEXT[start:end], start, end)
    assert page.errors == []


def test_a_typed_excerpt_is_fixed_with_the_source_s_words(page, server, source_page):  # noqa: F811
    page.goto(f"{server}/admin/policy/event/add/")
    page.fill("#id_slug", "came-to-listen")
    page.fill("#id_title", "Came to listen")
    page.select_option("#id_kind", "meeting")
    choose(page, "source", "Talks resume (browser test)")
    page.fill("#id_excerpt", '"We came to listen..." she said')
    page.click("input[name=_save]")
    assert "straight vs curly quote" in page.locator(".errorlist").first.inner_text()
    screenshot(page, "admin-excerpt-closest")
    page.click("button.excerpt-use-source")
    page.click("input[name=_save]")
    assert "was added successfully" in page.locator(".messagelist .success").inner_text()

    words = "“We came to listen…” she said"
    record = api_json(page, f"{server}/api/v1/events/came-to-listen/")
    assert (record["excerpt"], record["excerpt_start"]) == (words, TEXT.index(words))
    assert page.errors == []
