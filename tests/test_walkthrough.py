"""“Add an article” end to end in Chromium (README): a new four-paragraph source typed into the admin,
two statements cited by selecting their words on the source's page (the add form proposes the rest),
the statement template downloaded from the import page and filled with four more, imported as
suggestions, reviewed and accepted in the queue, and the six records read back from the API. It
counts the fields the editor typed per record (written to $SCREENSHOT_DIR/typed-fields.json) and
takes the README's screenshots.
"""

import csv
import io
import json
from pathlib import Path

from .test_browser import EDITOR, PASSWORD, SCREENSHOTS, api_json, browser_context, page, screenshot, server
from .test_browser_cite import SELECT, choose

__all__ = ["browser_context", "page", "server"]  # the browser tests' fixtures, used here

SOURCE_TITLE = "Leaders weigh a shared vaccine plan for the Americas"
PARAGRAPHS = [
    "Leaders from across the Americas met by video on Tuesday to discuss how to share vaccine doses "
    "with the countries that have received the fewest. “The virus does not stop at any border,” Kamala "
    "Harris told the meeting.",
    "“No country in this hemisphere will be left behind while we have doses to spare,” President Joe "
    "Biden said, promising that the first shipments would leave within weeks.",
    "Vice President Kamala Harris said the plan would be coordinated with local health ministries. "
    "“We will work with every government that asks for help,” she said. “Every dose we share is a life "
    "we can save,” Joe Biden added.",
    "Mexico’s president, Andrés Manuel López Obrador, welcomed the offer but asked for a fixed timetable. "
    "“Promises are not vaccines,” he told reporters in Mexico City.",
]
TEXT = "\n\n".join(PARAGRAPHS)
# What the editor types into the template: (speaker, kind, said_on, excerpt); the text is left empty
# (it becomes the excerpt's words) and every row names the same source.
ROWS = [
    ("Joe Biden", "quote", "2021-06", "No country in this hemisphere will be left behind while we have doses to spare"),
    ("Joe Biden", "paraphrase", "2021-06", "promising that the first shipments would leave within weeks"),
    ("Kamala Harris", "quote", "2021-06", "We will work with every government that asks for help"),
    ("AMLO", "quote", "2021-06", "Promises are not vaccines"),
]
# What the editor selects on the source's page (first words, last words) and what the statement should
# say: the add form proposes it from the selection (policy.curation.prefill); only a wrong value is typed.
SELECTIONS = [
    (
        ("“The virus", "told the meeting."),
        {"speaker": "Kamala Harris", "text": "The virus does not stop at any border", "kind": "quote"},
    ),
    (
        ("“Every dose", "Joe Biden added."),
        {"speaker": "Joe Biden", "text": "Every dose we share is a life we can save", "kind": "quote"},
    ),
]
PUBLISHED_ON = "2021-06-15"


def sign_in(page, server):
    page.goto(f"{server}/admin/login/?next=/admin/")
    page.fill("#id_username", EDITOR)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")


def add_source(page, server):
    """The source typed into the admin's add form: its slug is proposed from the title."""
    page.goto(f"{server}/admin/policy/source/add/")
    typed = {"#id_title": SOURCE_TITLE, "#id_published_on": PUBLISHED_ON, "#id_text": TEXT}
    for selector, value in typed.items():
        page.fill(selector, value)
    page.select_option("#id_kind", "news_article")
    screenshot(page, "add-article-1-source")
    page.click("input[name=_continue]")  # on to the source's page, its text ready to cite by selecting
    assert "was added successfully" in page.locator(".messagelist .success").inner_text()
    return len(typed) + 1, page.url  # and the kind, chosen


def cite_by_selecting(page, source_url, words, wanted, shot=None):
    """Select the words on the source's page, make a statement of them: the fields the form proposes
    wrongly are typed (and counted); the count."""
    page.goto(source_url)
    page.evaluate(SELECT, [*words, 0])
    page.locator(".cite-by-selecting button.cite-as", has_text="Statement").click()
    page.wait_for_url("**/add/?*")
    proposed = {
        "speaker": page.locator("#id_speaker option:checked").inner_text().strip(),
        "text": page.input_value("#id_text"),
        "kind": page.input_value("#id_kind"),
    }
    assert page.input_value("#id_said_on") == PUBLISHED_ON  # the source's date, not typed
    if shot:
        screenshot(page, shot)
    typed = 0
    for field, value in wanted.items():
        if proposed[field] == value:
            continue
        typed += 1
        if field == "speaker":
            choose(page, "speaker", value)
        elif field == "kind":
            page.select_option("#id_kind", value)
        else:
            page.fill(f"#id_{field}", value)
    page.click("input[name=_save]")
    assert "was added successfully" in page.locator(".messagelist .success").inner_text()
    return typed


def fill_template(page, server, source_slug):
    """The statement template, downloaded from the import page, filled with the rows."""
    page.goto(f"{server}/admin/policy/suggestion/import/")
    with page.expect_download() as download:
        page.click("#template-statement-csv")
    header = next(csv.reader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8"))))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header)
    writer.writeheader()
    typed = []
    for speaker, kind, said_on, excerpt in ROWS:
        cells = {"speaker": speaker, "kind": kind, "said_on": said_on, "source": source_slug, "excerpt": excerpt}
        writer.writerow(cells)
        typed.append(len(cells))
    return out.getvalue().encode("utf-8"), typed


def import_file(page, content):
    upload = {"name": "statements-vaccines.csv", "mimeType": "text/csv", "buffer": content}
    page.set_input_files("#id_file", upload)
    page.click("#import-submit")  # a dry run first: the form's default
    assert "suggested: 4" in page.locator("#import-summary").inner_text()
    assert "Dry run" in page.locator("#import-summary").inner_text()
    page.set_input_files("#id_file", upload)
    page.uncheck("#id_dry_run")
    page.click("#import-submit")
    assert page.locator("#import-report tr.import-suggested").count() == 4
    screenshot(page, "add-article-3-import")


def review(page, server, source_id):
    page.goto(f"{server}/admin/policy/suggestion/?state__exact=pending&source__id__exact={source_id}")
    assert page.locator("#result_list tbody tr").count() == 4
    screenshot(page, "add-article-4-queue")
    page.check("#action-toggle")
    page.select_option("select[name=action]", "accept_selected")
    page.click("button[name=index]")
    assert "Accepted 4 of 4 suggestions." in page.locator(".messagelist").inner_text()
    screenshot(page, "add-article-4-accepted")


def test_an_article_becomes_published_records(page, server):
    sign_in(page, server)
    typed, source_url = {}, None
    typed["source"], source_url = add_source(page, server)
    source = api_json(page, f"{server}/api/v1/sources/?search=shared+vaccine")["results"][0]
    assert source["slug"] == "leaders-weigh-a-shared-vaccine-plan-for-the-americas"
    for number, (words, wanted) in enumerate(SELECTIONS, start=1):
        shot = "add-article-2-selection" if number == 1 else None
        typed[f"selection {number}"] = cite_by_selecting(page, source_url, words, wanted, shot)

    content, per_row = fill_template(page, server, source["slug"])
    import_file(page, content)
    page.goto(f"{server}/admin/policy/source/?q=shared+vaccine")
    source_id = page.locator("#result_list tbody tr a").first.get_attribute("href").rstrip("/").split("/")[-2]
    review(page, server, source_id)
    typed.update({f"statement {n}": count for n, count in enumerate(per_row, start=1)})

    statements = api_json(page, f"{server}/api/v1/statements/?source={source['slug']}")["results"]
    selected = {wanted["text"]: wanted for _, wanted in SELECTIONS}
    assert sorted(s["text"] for s in statements) == sorted([row[3] for row in ROWS] + list(selected))
    assert {s["speaker"]["slug"] for s in statements} == {"joe-biden", "kamala-harris", "andres-manuel-lopez-obrador"}
    for statement in statements:
        assert TEXT[statement["excerpt_start"] : statement["excerpt_end"]] == statement["excerpt"]
        if statement["text"] in selected:
            assert statement["speaker"]["name"] == selected[statement["text"]]["speaker"]
            assert (statement["kind"], statement["said_on"]) == ("quote", PUBLISHED_ON)
        else:
            assert (statement["said_on"], statement["date_precision"]) == ("2021-06-01", "month")
    history = api_json(page, f"{server}/api/v1/statements/{statements[0]['slug']}/history/")["results"]
    assert history[0]["user"] == EDITOR
    page.goto(f"{server}/statements/{statements[0]['slug']}/")
    screenshot(page, "add-article-5-published")

    (SCREENSHOTS / "typed-fields.json").write_text(json.dumps(typed, indent=1))
    assert max(count for name, count in typed.items() if name.startswith("statement")) <= 5
    assert max(count for name, count in typed.items() if name.startswith("selection")) <= 3
    assert page.errors == []
