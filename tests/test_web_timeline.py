"""`/timeline/`: the API's timeline as a page — the same parameters, the same records, month by
month, each entry linking to its record's page; the API's 400s on the page."""

from html import unescape

import pytest
from rest_framework.test import APIClient

from policy.web.resources import BY_MODEL
from policy.web.timeline import TYPES

from .test_web_lists import Page, page

pytestmark = pytest.mark.django_db


def api_items(query):
    response = APIClient().get(f"/api/v1/timeline/?{query}&page_size=1000")
    assert response.status_code == 200
    return response.json()["results"]


def entry_links(html):
    hrefs = [e["attrs"].get("href", "") for e in html.find("a")]
    return [href for href in hrefs if href.count("/") == 3 and not href.startswith("/api/")]


def record_url(item):
    return BY_MODEL[TYPES[item["type"]].model].page_url(item["slug"])


@pytest.mark.parametrize(
    "query",
    [
        "date_after=2021-03-01&date_before=2021-03-31",
        "country=GT",
        "actor=kamala-harris&type=statement&type=event",
        "topic=foreign-aid&ordering=-date",
    ],
)
def test_the_page_lists_what_the_api_does_linking_each_record(client, query):
    items = api_items(query)
    html = page(client, f"/timeline/?{query}")
    assert entry_links(html) == [record_url(item) for item in items] and items
    assert f"{len(items)} dated record" in html.find("span", **{"class": "result-count"})[0]["text"]


def test_entries_are_grouped_by_month_with_dates_at_their_precision(client):
    html = page(client, "/timeline/?date_after=2021-03-01&date_before=2021-05-31")
    months = [e["text"] for e in html.find("h2") if e["attrs"].get("id", "").startswith("month-")]
    assert months == ["March 2021", "April 2021", "May 2021"]
    dates = {" ".join(e["text"].split()) for e in html.find("span", **{"class": "when"})}
    assert {"23 March 2021", "April 2021", "7 May 2021"} <= dates


def test_a_month_links_the_months_beside_it_and_every_type(client):
    html = page(client, "/timeline/?type=statement&date_after=2021-03-01&date_before=2021-03-31")
    assert html.find("h1")[0]["text"] == "Timeline: March 2021"
    assert html.link("February 2021") == "?type=statement&date_after=2021-02-01&date_before=2021-02-28"
    assert html.link("April 2021") == "?type=statement&date_after=2021-04-01&date_before=2021-04-30"
    every = html.link("Every type of record in March 2021")
    assert every == "?date_after=2021-03-01&date_before=2021-03-31"
    assert len(entry_links(page(client, f"/timeline/{every}"))) == len(api_items(every[1:])) > 1


@pytest.mark.parametrize("query", ["date_after=2021-02-30", "type=poem", "country=ZZ", "colour=red", "page_size=5"])
def test_a_bad_parameter_is_the_apis_400_on_the_page(client, query):
    response = client.get(f"/timeline/?{query}")
    assert response.status_code == 400
    html = unescape(response.content.decode())
    assert 'role="alert"' in html and "timeline-entries" not in html
    name = query.split("=")[0]
    assert f"<code>{name}</code>" in html
    api = APIClient().get(f"/api/v1/timeline/?{query}")
    if name != "page_size":  # the API's own; not the page's
        message = " ".join(api.json()[name]).split(" This endpoint accepts")[0]
        assert message in html


def test_the_form_has_the_apis_parameters_labelled(client):
    html = page(client, "/timeline/")
    named = {e["attrs"]["name"] for e in html.elements if e["tag"] in ("input", "select") and "name" in e["attrs"]}
    assert named == {"date_after", "date_before", "type", "country", "actor", "topic", "ordering"}
    assert html.link("JSON") == "/api/v1/timeline/"


def test_empty_fields_are_dropped_by_a_redirect(client):
    response = client.get("/timeline/?date_after=&type=event&actor=")
    assert (response.status_code, response["Location"]) == (302, "/timeline/?type=event")


def test_the_landing_page_links_the_timeline(client):
    home = Page(client.get("/").content.decode())
    assert "/timeline/" in {e["attrs"].get("href") for e in home.find("a")}
