"""Issue #15's “done”, in Chromium: an editor adds a new source in the admin, runs “Suggest records”
on it, reviews the queue and publishes — the review through the editors' queue API
(`/api/v1/suggestions/`) from the signed-in browser session, as the admin has no review pages yet."""

import json

import pytest

from .test_browser import EDITOR, PASSWORD, browser_context, page, screenshot, server  # noqa: F401

pytestmark = pytest.mark.browser
SLUG = "harris-giammattei-browser-2021-05-07"
TEXT = (
    "Harris meets Guatemala’s president\n\n"
    "“We will keep working together,” Harris told Guatemalan President Alejandro Giammattei on Friday.\n\n"
    "Migrant encounters at the border fell 12% in April, according to U.S. Customs and Border Protection data. "
    "Harris announced $48 million in humanitarian aid for Guatemala."
)


def post(tab, url, body=None):
    """A POST from the signed-in session, with its CSRF token, as the browsable API's own form sends it."""
    token = next(c["value"] for c in tab.context.cookies() if c["name"] == "csrftoken")
    headers = {"Content-Type": "application/json", "X-CSRFToken": token}
    response = tab.request.post(url, data=json.dumps(body or {}), headers=headers)
    return response.status, json.loads(response.text())


def test_editor_adds_a_source_suggests_reviews_and_publishes(page, server):  # noqa: F811
    page.goto(f"{server}/admin/login/?next=/admin/")
    page.fill("#id_username", EDITOR)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.goto(f"{server}/admin/policy/source/add/")
    page.fill("#id_title", "Harris meets Guatemala’s president")
    page.fill("#id_slug", SLUG)
    page.select_option("#id_kind", "news_article")
    page.fill("#id_published_on", "2021-05-07")
    page.fill("#id_text", TEXT)
    page.click("input[name=_save]")
    page.goto(f"{server}/admin/policy/source/?q={SLUG}")
    page.locator("#result_list input[name=_selected_action]").first.check()
    page.select_option("select[name=action]", "suggest_records")
    page.click("button[name=index]")
    message = page.locator("ul.messagelist li").first.inner_text()
    assert message.startswith(f"Suggested for review: {SLUG}: 3 suggestions"), message
    screenshot(page, "suggest-records-action")

    queue = page.request.get(f"{server}/api/v1/suggestions/?source={SLUG}&state=pending").json()
    assert sorted(s["record_type"] for s in queue["results"]) == ["aid_package", "statement", "statistic"]
    for suggestion in queue["results"]:
        status, body = post(page, f"{server}/api/v1/suggestions/{suggestion['id']}/accept/")
        assert (status, body["state"]) == (200, "accepted"), body
    statement = next(s for s in queue["results"] if s["record_type"] == "statement")
    accepted = page.request.get(f"{server}/api/v1/suggestions/{statement['id']}/").json()
    page.goto(f"{server}/statements/{accepted['record_key']}/")
    assert "We will keep working together," in page.locator("main").inner_text()
    assert "Alejandro Giammattei" in page.locator("main").inner_text()
    screenshot(page, "suggested-statement-published")
    assert page.errors == []
