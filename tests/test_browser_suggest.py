"""Issue #15's “done”, in Chromium: an editor adds a new source in the admin, runs “Suggest records”
on it, reviews the queue in the admin (the source's pending suggestions) and publishes them."""

import re

import pytest
from playwright.sync_api import expect

from .test_browser import EDITOR, PASSWORD, browser_context, page, screenshot, server  # noqa: F401

pytestmark = pytest.mark.browser
SLUG = "harris-meets-guatemalas-president"
TEXT = (
    "Harris meets Guatemala’s president\n\n"
    "“We will keep working together,” Harris told Guatemalan President Alejandro Giammattei on Friday.\n\n"
    "Migrant encounters at the border fell 12% in April, according to U.S. Customs and Border Protection data. "
    "Harris announced $48 million in humanitarian aid for Guatemala."
)


def test_editor_adds_a_source_suggests_reviews_and_publishes(page, server):  # noqa: F811
    page.goto(f"{server}/admin/login/?next=/admin/")
    page.fill("#id_username", EDITOR)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.goto(f"{server}/admin/policy/source/add/")
    page.fill("#id_title", "Harris meets Guatemala’s president")
    page.select_option("#id_kind", "news_article")
    page.fill("#id_published_on", "2021-05-07")
    page.fill("#id_text", TEXT)
    page.click("input[name=_continue]")
    saved = re.search(r"/admin/policy/source/(\d+)/change/", page.url)
    assert saved, page.locator("#content").inner_text()[:500]
    source_id, slug = saved[1], page.input_value("#id_slug")  # the slug the admin proposed from the title
    assert slug == SLUG
    page.goto(f"{server}/admin/policy/source/?q={slug}")
    page.locator("#result_list input[name=_selected_action]").first.check()
    page.select_option("select[name=action]", "suggest_records")
    page.click("button[name=index]")
    message = page.locator("ul.messagelist li").first.inner_text()
    assert message.startswith(f"Suggested for review: {SLUG}: 3 suggestions"), message
    screenshot(page, "suggest-records-action")

    page.goto(f"{server}/admin/policy/suggestion/?source__id__exact={source_id}&state__exact=pending")
    rows = page.locator("#result_list tbody tr")
    assert rows.count() == 3
    screenshot(page, "suggested-queue")
    page.check("#action-toggle")
    page.select_option("select[name=action]", "accept_selected")
    page.click("button[name=index]")
    # The action answers with a redirect to the queue: its messages once that page has them.
    expect(page.locator("ul.messagelist")).to_contain_text("Accepted 3 of")
    messages = page.locator("ul.messagelist").inner_text()
    assert messages.count(": created ") == 3 and "Accepted 3 of" in messages, messages
    key = re.search(r"created statement (\S+)\.", messages)[1]
    page.goto(f"{server}/statements/{key}/")
    assert "We will keep working together," in page.locator("main").inner_text()
    assert "Alejandro Giammattei" in page.locator("main").inner_text()
    screenshot(page, "suggested-statement-published")
    assert page.errors == []
