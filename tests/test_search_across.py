"""`/api/v1/search/?q=` and `/search/?q=`: one search across every record type (policy.reading.search)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from policy import records
from policy.models import Actor, Statement, Statistic

from .api_support import matches_search

SEARCHED = [t for t in records.TYPES if t.search_fields]


def search(params, client=None):
    return (client or APIClient()).get("/api/v1/search/", params)


def expected(text):
    """{type name: {key}} of every record whose search fields contain `text` (computed in Python)."""
    found = {}
    for record_type in SEARCHED:
        keys = {
            getattr(obj, record_type.key)
            for obj in record_type.model.objects.all()
            if matches_search(obj, record_type.search_fields, text)
        }
        if keys:
            found[record_type.name] = keys
    return found


def all_pages(params):
    """Every hit of every page, following `next`."""
    hits, url = [], "/api/v1/search/"
    while url:
        body = APIClient().get(url, params).json()
        hits += body["results"]
        url, params = body["next"], None
    return hits


@pytest.mark.django_db
@pytest.mark.parametrize("text", ["lopez", "LÓPEZ", "71%", "guatemala", "Harris"])
def test_every_type_is_searched_and_every_match_found(text):
    hits = all_pages({"q": text, "page_size": 3})
    found = {}
    for item in hits:
        found.setdefault(item["type"], set()).add(item["key"])
    assert found == expected(text)
    assert len(hits) == sum(map(len, found.values())), "no record twice"


@pytest.mark.django_db
def test_a_hit_has_its_type_title_date_urls_and_the_excerpt_around_the_match():
    body = search({"q": "71%", "type": "statistic"}).json()
    statistic = Statistic.objects.get(slug="migrant-encounters-us-mexico-border-increase-2021-03")
    (item,) = [row for row in body["results"] if row["key"] == statistic.slug]
    assert item["type"] == "statistic" and item["title"] == statistic.title
    assert (item["date"], item["date_precision"]) == ("2021-03-01", "month")
    assert item["url"] == f"http://testserver/api/v1/statistics/{statistic.slug}/"
    assert item["page"] == f"http://testserver/statistics/{statistic.slug}/"
    start, end = item["match"]
    assert item["excerpt"][start:end] == "71%"
    assert APIClient().get(item["url"]).status_code == 200 and APIClient().get(item["page"]).status_code == 200
    assert body["types"] == [
        {
            "type": "statistic",
            "count": 2,
            "count_is_exact": True,
            "list": "http://testserver/api/v1/statistics/?search=71%25",
        }
    ]


@pytest.mark.django_db
def test_the_excerpt_marks_an_accented_match_found_without_accents():
    body = search({"q": "lopez obrador", "type": "policy"}).json()
    marked = {row["excerpt"][slice(*row["match"])] for row in body["results"] if row["match"]}
    assert marked == {"López Obrador"}


@pytest.mark.django_db
def test_a_match_in_a_related_name_has_no_marked_excerpt():
    # Statements found by their speaker's alias: the statement's own text does not hold "AMLO" always.
    said = Statement.objects.filter(speaker__slug="andres-manuel-lopez-obrador").exclude(text__icontains="amlo")
    body = search({"q": "AMLO", "type": "statement", "page_size": 50}).json()
    rows = {row["key"]: row for row in body["results"]}
    for statement in said:
        assert rows[statement.slug]["match"] is None
        assert rows[statement.slug]["excerpt"] == statement.text[: len(rows[statement.slug]["excerpt"].rstrip("…"))] + (
            "…" if rows[statement.slug]["excerpt"].endswith("…") else ""
        )


@pytest.mark.django_db
def test_type_restricts_and_pages_hold_each_types_next_slice():
    first = search({"q": "lopez", "type": ["statement", "event"], "page_size": 2}).json()
    assert {row["type"] for row in first["results"]} == {"statement", "event"}
    assert [row["type"] for row in first["results"]] == sorted(
        (row["type"] for row in first["results"]), key=["statement", "event"].index
    ), "grouped in the declarations' order (statements before events)"
    second = APIClient().get(first["next"]).json()
    assert second["previous"] and not {r["key"] for r in first["results"]} & {r["key"] for r in second["results"]}
    found = expected("lopez")
    assert first["count"] == second["count"] == len(found["statement"]) + len(found["event"])


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params, parameter",
    [
        ({}, "q"),
        ({"q": ""}, "q"),
        ({"q": "lo"}, "q"),  # anonymous: 3 characters
        ({"q": "x" * 201}, "q"),
        ({"q": "lopez", "type": "nope"}, "type"),
        ({"q": "lopez", "page": "0"}, "page"),
        ({"q": "lopez", "page": "²"}, "page"),
        ({"q": "lopez", "page_size": "abc"}, "page_size"),
        ({"q": "lopez", "page": "999999"}, "page"),  # deeper than MAX_PAGE_OFFSET
        ({"q": "lopez", "search": "x"}, "search"),
        ({"q": ["lopez", "obrador"]}, "q"),
    ],
    ids=str,
)
def test_bad_parameters_are_a_400_naming_them(params, parameter):
    response = search(params)
    assert response.status_code == 400, response.content
    assert parameter in response.json()
    page = APIClient().get("/search/", params or {"q": ""}, HTTP_ACCEPT="text/html")
    assert page.status_code == 400 and f"<code>{parameter}</code>" in page.content.decode()


@pytest.mark.django_db
def test_an_unknown_type_is_answered_with_the_searched_ones():
    assert search({"q": "lopez", "type": "nope"}).json() == {
        "type": [
            "“nope” is not one of the choices: "
            "policy, aid_package, statement, statistic, event, actor, country, topic, source."
        ]
    }


@pytest.mark.django_db
def test_short_searches_for_signed_in_clients_and_the_small_tables():
    from django.contrib.auth import get_user_model

    reader = APIClient()
    reader.force_authenticate(get_user_model()(username="reader"))
    assert search({"q": "mx"}, reader).status_code == 200
    assert search({"q": "mx", "type": ["country", "topic", "actor"]}).status_code == 200
    assert search({"q": "mx", "type": ["country", "statement"]}).status_code == 400


@pytest.mark.django_db
def test_a_page_past_the_last_is_a_404():
    assert search({"q": "guatemala", "page": "50"}).status_code == 404
    # The page too (it was a 200 saying nothing matched), as the lists' pages are; its last page is a 200.
    assert APIClient().get("/search/", {"q": "guatemala", "page": "50"}).status_code == 404
    assert APIClient().get("/search/", {"q": "nothing-matches-this", "page": "2"}).status_code == 404
    assert APIClient().get("/search/", {"q": "guatemala", "page": "1"}).status_code == 200
    assert APIClient().get("/search/", {"q": "nothing-matches-this"}).status_code == 200


@pytest.mark.django_db
def test_the_query_count_is_fixed_whatever_matches():
    def queries(params):
        with CaptureQueriesContext(connection) as captured:
            assert search(params).status_code == 200
        return len(captured.captured_queries)

    bound = 3 * len(SEARCHED)  # a page, a count and (SQLite) a frequency check per type, at most
    assert queries({"q": "the", "page_size": 1}) <= bound
    assert queries({"q": "zzzzqqq"}) <= bound
    assert queries({"q": "the", "page_size": 10, "page": 2}) <= bound


@pytest.mark.django_db
def test_counts_stop_at_the_limit(monkeypatch):
    monkeypatch.setattr("policy.reading.search.COUNT_LIMIT", 3)
    body = search({"q": "the", "type": "statement", "page_size": 1}).json()
    assert body["types"][0]["count"] == 3 and body["types"][0]["count_is_exact"] is False


@pytest.mark.django_db
def test_the_page_shows_each_types_matches_marked_and_linked():
    page = APIClient().get("/search/", {"q": "lopez"}, HTTP_ACCEPT="text/html").content.decode()
    assert "<mark>López</mark>" in page
    assert 'href="/actors/andres-manuel-lopez-obrador/"' in page
    assert 'href="/statements/?search=lopez"' in page
    assert 'href="/api/v1/search/?q=lopez"' in page
    assert "Actors" in page and "Statements" in page
    empty = APIClient().get("/search/", HTTP_ACCEPT="text/html")
    assert empty.status_code == 200 and 'name="q"' in empty.content.decode()


@pytest.mark.django_db
def test_the_page_escapes_what_it_shows():
    Actor.objects.filter(slug="kamala-harris").update(role="<script>alert(1)</script> envoy")
    page = APIClient().get("/search/", {"q": "<script>"}, HTTP_ACCEPT="text/html").content.decode()
    assert "<script>alert" not in page and "&lt;script&gt;" in page
