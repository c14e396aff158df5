"""`/<resource>/` for people: the API's filters as a form, the reader's columns, sortable headings,
pages that keep the query, facets that add filters, JSON/CSV links, and the API's 400s on the page."""

import re
from html import unescape
from html.parser import HTMLParser
from urllib.parse import parse_qs

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from policy.filtersets import filterset_for
from policy.models import Actor, Statement
from policy.web.resources import RESOURCES

from .test_web import add_statements

pytestmark = pytest.mark.django_db
AMLO = "andres-manuel-lopez-obrador"


class Page(HTMLParser):
    """The few things these tests read from a page: elements with their attributes and text."""

    def __init__(self, html):
        super().__init__()
        self.elements, self.open = [], []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        element = {"tag": tag, "attrs": dict(attrs), "text": ""}
        self.elements.append(element)
        if tag not in ("input", "br", "meta", "link", "img"):
            self.open.append(element)

    def handle_endtag(self, tag):
        while self.open and self.open.pop()["tag"] != tag:
            pass

    def handle_data(self, data):
        for element in self.open:
            element["text"] += data

    def find(self, tag, **attrs):
        return [e for e in self.elements if e["tag"] == tag and all(e["attrs"].get(k) == v for k, v in attrs.items())]

    def cells(self, label):
        return [" ".join(e["text"].split()) for e in self.find("td", **{"data-label": label})]

    def row_links(self, prefix):
        return [
            e["attrs"]["href"].split("/")[2]
            for e in self.elements
            if e["tag"] == "a" and re.fullmatch(rf"/{prefix}/[^/]+/", e["attrs"].get("href", ""))
        ]

    def link(self, text):
        texts = [(e, " ".join(e["text"].split()).lstrip("← ")) for e in self.find("a")]
        (found,) = [e["attrs"]["href"] for e, shown in texts if shown.startswith(text)]
        return unescape(found)


def page(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, (url, response.content[:500])
    return Page(response.content.decode())


def test_statements_show_speaker_date_at_its_precision_kind_and_text(client):
    html = page(client, "/statements/?ordering=said_on")
    assert [e["text"] for e in html.find("th")] == [
        "Speaker",
        "Date ▲ (sorted ascending; sort descending)",
        "Kind",
        "Text",
    ]
    dates = html.cells("Date")
    assert "2016" in dates and "7 May 2021" in dates and "May 2021" in dates  # never "Jan. 1, 2016"
    assert not any(re.search(r"\bJan\.|, 20\d\d", d) for d in dates)
    assert "Andrés Manuel López Obrador" in html.cells("Speaker")
    assert set(html.cells("Kind")) == {"Direct quote", "Paraphrase"}


def test_aid_packages_show_donor_recipients_amount_status_and_date(client):
    html = page(client, "/aid-packages/?recipient=GT&ordering=-amount")
    rows = list(zip(html.cells("Amount"), html.cells("Status"), html.cells("Date"), strict=True))
    # Where a missing amount sorts is the database's (PostgreSQL: first when descending).
    assert [row for row in rows if row[0] != "amount not given"] == [
        ("$4 billion", "Requested", "—"),
        ("$310 million", "Announced", "April 2021"),
    ]
    assert ("amount not given", "Cut", "2019") in rows
    assert html.cells("Donor") == ["United States"] * 3
    assert html.cells("Recipients") == ["El Salvador, Guatemala, Honduras"] * 3


def test_policies_and_statistics_show_their_columns(client):
    policies = page(client, "/policies/?status=in_effect")
    assert policies.cells("Status") and set(policies.cells("Status")) == {"In effect"}
    assert {"United States", "Mexico"} & set(policies.cells("Jurisdiction"))
    figures = page(client, "/statistics/?unit=percent&ordering=-value")
    assert figures.cells("Value") == ["≈ 80%", "71%", "> 50%", "≈ 39%"]
    assert "March 2021" in figures.cells("Period")


@pytest.mark.parametrize("prefix", RESOURCES)
def test_every_filter_of_the_api_is_a_labelled_control(client, prefix):
    html = page(client, f"/{prefix}/")
    labelled = {e["attrs"].get("for") for e in html.find("label")}
    legends = {e["attrs"].get("id") for e in html.find("fieldset")}
    named = {e["attrs"]["name"]: e for e in html.elements if e["tag"] in ("input", "select") and "name" in e["attrs"]}
    for name in filterset_for(RESOURCES[prefix].type).base_filters:
        assert name in named, name
        control_id = named[name]["attrs"].get("id")
        assert control_id in labelled or f"filter-{name}" in legends, name
    assert set(named) == set(filterset_for(RESOURCES[prefix].type).base_filters)


def test_a_filter_narrows_the_list_as_the_api_does(client):
    html = page(client, f"/statements/?speaker={AMLO}")
    expected = set(Statement.objects.filter(speaker__slug=AMLO).values_list("slug", flat=True))
    assert set(html.row_links("statements")) == expected and len(expected) == 6
    assert set(html.cells("Speaker")) == {"Andrés Manuel López Obrador"}
    assert html.find("input", name="speaker")[0]["attrs"]["value"] == AMLO  # the form shows the filter
    api = APIClient().get("/api/v1/statements/", {"speaker": AMLO}).json()
    assert {row["slug"] for row in api["results"]} == expected


@pytest.mark.parametrize(
    "query",
    [
        "speaker=nobody",
        "bogus=1",
        "date_after=2021-02-30",
        "date_before=2021-13",
        "updated_after=0000-01-01T00:00:00Z",
        "kind=shout",
        "amount_min=lots",
        "ordering=text",
        "search=ab",
        "search=a&search=b",
        "format=csv",  # the API's, not the page's
        "page=0",
    ],
)
def test_a_bad_filter_is_the_apis_400_on_the_page(client, query):
    response = client.get(f"/statements/?{query}")
    assert response.status_code == 400
    html = unescape(response.content.decode())
    assert 'role="alert"' in html and "<table" not in html
    api = APIClient().get(f"/api/v1/statements/?{query}", HTTP_ACCEPT="application/json")
    if query != "format=csv":
        assert api.status_code == 400
        for name, messages in api.json().items():
            # The API's message; an unknown parameter's lists what the page itself accepts.
            message = " ".join(messages).split(" This endpoint accepts")[0]
            assert f"<code>{name}</code></a>: {message}" in html


def test_empty_form_fields_are_dropped_by_a_redirect(client):
    response = client.get("/statements/?search=&speaker=&kind=quote&date_after=")
    assert (response.status_code, response["Location"]) == (302, "/statements/?kind=quote")
    assert client.get("/statements/?search=&ordering=")["Location"] == "/statements/"


def test_sortable_headings_toggle_their_order(client):
    html = page(client, "/statements/?speaker=kamala-harris")
    href = html.link("Date")
    assert href == "?speaker=kamala-harris&ordering=said_on"
    ascending = page(client, f"/statements/{href}")
    (heading,) = [e for e in ascending.find("th") if e["attrs"].get("aria-sort")]
    assert heading["attrs"]["aria-sort"] == "ascending"
    assert ascending.link("Date") == "?speaker=kamala-harris&ordering=-said_on"
    slugs = ascending.row_links("statements")
    dates = dict(Statement.objects.filter(slug__in=slugs).values_list("slug", "said_on"))
    ordered = [dates[slug] for slug in slugs if dates[slug]]
    assert ordered == sorted(ordered) and len(slugs) == 4


def test_pages_keep_the_query_and_cost_the_same(client):
    add_statements(Actor.objects.get(slug="kamala-harris"), 60)
    first = page(client, "/statements/?speaker=kamala-harris&kind=quote")
    assert len(first.row_links("statements")) == 50
    following = first.link("Next")
    assert following.startswith("/statements/?") and "speaker=kamala-harris" in following and "kind=quote" in following
    second = page(client, following)
    expected = Statement.objects.filter(speaker__slug="kamala-harris", kind="quote").count()
    assert len(set(first.row_links("statements")) | set(second.row_links("statements"))) == expected
    assert "speaker=kamala-harris" in second.link("Previous")
    costs = []
    for url in ("/statements/?speaker=kamala-harris&kind=quote", following):
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        costs.append(len(captured))
    # The second page ends the list: PostgreSQL, which reads a page before its count, counts its rows instead.
    assert costs[0] == costs[1] + (connection.vendor == "postgresql")


def test_json_and_csv_links_are_the_same_list(client):
    html = page(client, f"/statements/?speaker={AMLO}&ordering=-said_on")
    json_url, csv_url = html.link("JSON"), html.link("CSV")
    assert (
        json_url
        == f"/api/v1/statements/?speaker={AMLO}&ordering=-said_on&facets=speaker%2Ckind%2Ccountry%2Ctopic%2Cyear"
    )
    body = APIClient().get(json_url).json()
    assert [row["slug"] for row in body["results"]] == html.row_links("statements")
    assert body["facets"]["speaker"] == [{"slug": AMLO, "name": "Andrés Manuel López Obrador", "count": 6}]
    exported = b"".join(APIClient().get(csv_url).streaming_content).decode()
    assert csv_url == f"/api/v1/statements/?speaker={AMLO}&ordering=-said_on&format=csv"
    assert len(exported.strip().splitlines()) == 7


def test_facets_count_the_list_and_link_to_it_narrowed(client):
    html = page(client, "/aid-packages/")
    facet_links = {e["attrs"]["href"]: " ".join(e["text"].split()) for e in html.elements if e["tag"] == "a"}
    assert facet_links["?recipient=GT"] == "Guatemala 3"
    assert facet_links["?status=requested"] == "Requested 2"
    assert facet_links["?date_after=2021-01-01&date_before=2021-12-31"].startswith("2021 ")
    narrowed = page(client, "/aid-packages/?recipient=GT")
    assert len(narrowed.row_links("aid-packages")) == 3
    (active,) = narrowed.find("a", **{"aria-current": "true"})
    assert active["attrs"]["href"] == "?"  # the selected value's link removes it
    assert "Guatemala" in active["text"] and "remove this filter" in active["text"]


def test_facets_follow_the_filters(client):
    html = page(client, f"/statements/?speaker={AMLO}")
    (active,) = html.find("a", **{"aria-current": "true"})
    assert " ".join(active["text"].split()) == "Selected: Andrés Manuel López Obrador 6 (remove this filter)"
    assert active["attrs"]["href"] == "?"
    others = {m for e in html.find("a") for m in re.findall(r"speaker=([\w-]+)", e["attrs"].get("href", ""))}
    assert others == {AMLO}  # every link keeps the filter; no other speaker is left to add


@pytest.mark.parametrize("url", ["/statements/?page=999", "/timeline/?page=999"])
def test_a_page_past_the_last_is_a_404_as_in_the_api(client, url):
    response = client.get(url, HTTP_ACCEPT="text/html,*/*;q=0.8")
    assert response.status_code == 404
    text = response.content.decode()
    assert "Page 999 is past the last page, 1: " in text and 'href="/"' in text and "site.css" in text
    api = APIClient().get(url.replace("/", "/api/v1/", 1))
    assert api.status_code == 404 and api.json()["detail"].startswith("Page 999 is past the last page, 1: ")


def test_a_malformed_cursor_is_a_400_on_the_page(client):
    response = client.get("/statements/?cursor=not-a-cursor")
    assert response.status_code == 400 and "<code>cursor</code>" in response.content.decode()


def test_a_second_value_of_a_facet_is_added_to_the_first(client):
    """Repeating a parameter means OR, in the API as on the page: a second country, recipient or topic
    joins the first rather than replacing it, and removing one keeps the other."""
    html = page(client, "/aid-packages/?recipient=GT")
    facet_links = {" ".join(e["text"].split()): unescape(e["attrs"]["href"]) for e in html.find("a")}
    assert facet_links["Honduras 3"] == "?recipient=GT&recipient=HN"
    both = page(client, "/aid-packages/?recipient=GT&recipient=HN")
    selected = {" ".join(e["text"].split()): e["attrs"]["href"] for e in both.find("a", **{"aria-current": "true"})}
    assert selected == {
        "Selected: Guatemala 3 (remove this filter)": "?recipient=HN",
        "Selected: Honduras 3 (remove this filter)": "?recipient=GT",
    }
    # A year is a date range: choosing one replaces the range chosen (two years are not an OR).
    since = page(client, "/aid-packages/?date_after=2019-06-01&ordering=-amount")
    (year,) = [unescape(e["attrs"]["href"]) for e in since.find("a") if e["text"].split()[:1] == ["2021"]]
    assert parse_qs(year[1:]) == {"date_after": ["2021-01-01"], "date_before": ["2021-12-31"], "ordering": ["-amount"]}


def year_entries(client, url):
    """(label, count, href, chosen?) of the year facet's entries, in the page's order."""
    found = re.search(
        r'<section class="facet" aria-labelledby="facet-year">.*?</section>', page_html(client, url), re.S
    )
    links = Page(found.group(0)).find("a") if found else []
    return [
        (*e["text"].replace("Selected:", "").split()[:2], unescape(e["attrs"]["href"]), "aria-current" in e["attrs"])
        for e in links
    ]


def page_html(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    "query, expected",
    [
        ("", [("2021", "6", "?date_after=2021-01-01&date_before=2021-12-31", False), ("2016", "1"), ("2020", "1")]),
        # A range inside one year: that year is chosen, its count the range's, its link removes the range.
        ("date_after=2021-03-01&date_before=2021-03-31", [("2021", "1", "?", True)]),
        ("date_after=2021-01-01&date_before=2021-12-31", [("2021", "6", "?", True)]),
        # A range across years: each year's link is the part of it in the range.
        (
            "date_after=2019-06-01&date_before=2021-04-30",
            [
                ("2020", "1", "?date_after=2020-01-01&date_before=2020-12-31", False),
                ("2021", "1", "?date_after=2021-01-01&date_before=2021-04-30", False),
            ],
        ),
        ("search=no-such-words-anywhere", []),
    ],
)
def test_a_years_count_is_what_its_link_lists(client, query, expected):
    """Within March 2021 the year facet read “2021 · 1” and linked to the whole of 2021 (6 statements):
    a year replaced the range chosen rather than narrowing it."""
    entries = year_entries(client, f"/statements/?{query}")
    assert [entry[: len(want)] for entry, want in zip(entries, expected, strict=True)] == expected
    for _, count, href, chosen in entries:
        if not chosen:
            assert APIClient().get(f"/api/v1/statements/{href}").json()["count"] == int(count), href


@pytest.mark.parametrize("prefix", ["statements", "aid-packages"])
def test_one_search_box_and_the_changed_since_filters_labelled_as_such(client, prefix):
    """Found re-checking issue #16: the changed-since filters (issue #17) were drawn as four more
    search boxes, each labelled "Search …"."""
    html = page(client, f"/{prefix}/")
    assert [e["attrs"]["name"] for e in html.find("input", type="search")] == ["search"]
    labels = {e["attrs"].get("for"): " ".join(e["text"].split()) for e in html.find("label")}
    assert [labels[f"filter-{name}"] for name in ("updated_after", "updated_before", "created_after")] == [
        "Updated from",
        "Updated to",
        "Created from",
    ]
    main = "Text" if prefix == "statements" else "Title"
    assert page(client, f"/{prefix}/?updated_after=2999-01-01").cells(main) == []
    assert page(client, f"/{prefix}/?created_before=2999-01-01T00:00:00Z").cells(main)
