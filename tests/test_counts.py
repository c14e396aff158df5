"""Counts that stay cheap at scale (issue #18): a list counts its matches up to COUNT_LIMIT and stops;
beyond, `count` is the limit and the response says `"count_is_exact": false`. Small results keep
their exact count and DESIGN.md's envelope; the last page and `page=last` are always exact. A
search whose own index already counted past the limit is not counted again (and on PostgreSQL
keeps the list's order rather than ranking every match). The fixtures hold 21 statements, so a
limit of 5 stands in for the 1,000 of production."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from policy.models import Statement

from .api_support import API

LIMIT = 5
sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="the FTS5 index's count is SQLite's")
STATEMENTS = f"{API}statements/"


@pytest.fixture
def limited(settings, db):
    settings.COUNT_LIMIT = LIMIT
    return APIClient()


def listed(client, params, url=STATEMENTS):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200, response.content[:300]
    return response.json(), [query["sql"] for query in queries.captured_queries]


def counts(sql):
    return [query for query in sql if "COUNT(" in query]


def test_a_list_beyond_the_limit_counts_up_to_it_and_says_so(limited):
    assert Statement.objects.count() > LIMIT
    body, sql = listed(limited, {"page_size": 3})
    assert list(body) == ["count", "count_is_exact", "next", "previous", "results"]
    assert (body["count"], body["count_is_exact"]) == (LIMIT, False)
    assert len(body["results"]) == 3 and body["next"]
    (count,) = counts(sql)
    assert re.search(rf"LIMIT {LIMIT + 1}\b", count), count  # counting stops past the limit


def test_a_small_result_keeps_its_exact_count_and_the_plain_envelope(limited):
    speaker = "kamala-harris"
    expected = Statement.objects.filter(speaker__slug=speaker).count()
    assert 0 < expected <= LIMIT
    body, _ = listed(limited, {"speaker": speaker, "page_size": 1})
    assert list(body) == ["count", "next", "previous", "results"]
    assert body["count"] == expected


def test_the_last_page_and_page_last_are_exact(limited):
    total = Statement.objects.count()
    last = -(-total // 3)
    for page in (str(last), "last"):
        body, _ = listed(limited, {"page_size": 3, "page": page})
        assert body["count"] == total and "count_is_exact" not in body, page
        assert body["next"] is None


def test_cursor_pages_flag_the_bound_too(limited):
    body, _ = listed(limited, {"page_size": 3, "cursor": ""})
    assert (body["count"], body["count_is_exact"]) == (LIMIT, False)
    following, _ = listed(limited, {"page_size": 3, "cursor": parse_qs(urlsplit(body["next"]).query)["cursor"][0]})
    assert (following["count"], following["count_is_exact"]) == (LIMIT, False)
    assert {row["slug"] for row in following["results"]}.isdisjoint(row["slug"] for row in body["results"])


def test_a_deep_page_past_the_end_is_still_a_404_and_a_deep_page_within_a_400(limited, settings):
    settings.MAX_PAGE_OFFSET = 6  # the count stops at 5: whether page 4 of 3 exists is read from the rows
    assert limited.get(STATEMENTS, {"page_size": 3, "page": "4"}).status_code == 400
    assert limited.get(STATEMENTS, {"page_size": 3, "page": "9"}).status_code == 404


@sqlite_only
def test_a_frequent_search_is_not_counted_again(limited):
    word = "the"
    matching = [s for s in Statement.objects.values_list("text", flat=True) if word in s.lower()]
    assert len(matching) > LIMIT
    body, sql = listed(limited, {"search": word, "page_size": 2})
    assert (body["count"], body["count_is_exact"]) == (LIMIT, False)
    # One bounded count of the search's own index (which also chose the page's plan), none of the list.
    (count,) = counts(sql)
    assert "LIMIT" in count and "_fts" in count and 'FROM "policy_statement"' not in count, count


def test_a_frequent_search_with_another_filter_counts_that_list(limited):
    expected = Statement.objects.filter(speaker__slug="kamala-harris", text__icontains="the").count()
    assert 0 < expected <= LIMIT
    body, _ = listed(limited, {"search": "the", "speaker": "kamala-harris"})
    assert body["count"] == expected and "count_is_exact" not in body


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite never ranks: a search keeps the list's order")
def test_a_search_matching_more_than_the_limit_keeps_the_lists_order_rather_than_ranking_every_match(limited, settings):
    body, sql = listed(limited, {"search": "the", "page_size": 50})  # one page of every match (so exact)
    slugs = [row["slug"] for row in body["results"]]
    assert len(slugs) > LIMIT and slugs == sorted(slugs)
    first, _ = listed(limited, {"search": "the", "page_size": 3})
    assert first["count_is_exact"] is False and [row["slug"] for row in first["results"]] == slugs[:3]
    # Counted from the stored document's index first, in the one count query.
    (count,) = counts(sql)
    assert count.startswith("SELECT CASE WHEN") and "search_document @@" in count, count
    settings.COUNT_LIMIT = 1000  # as many matches, but now within the limit: ranked (tests/test_search.py)
    ranked, _ = listed(limited, {"search": "the", "page_size": 50})
    assert sorted(row["slug"] for row in ranked["results"]) == slugs != [row["slug"] for row in ranked["results"]]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the substring gate is PostgreSQL's count")
def test_a_frequent_part_of_a_word_is_counted_by_its_substring_test_alone(limited):
    part = "tion"  # inside words ("nation"), at the start of none: no stored document holds it
    texts = Statement.objects.values_list("text", flat=True)
    assert sum(part in text.lower() for text in texts) > LIMIT
    assert not any(re.search(rf"\b{part}", text.lower()) for text in texts)
    body, sql = listed(limited, {"search": part, "page_size": 2})
    assert (body["count"], body["count_is_exact"]) == (LIMIT, False)
    (count,) = counts(sql)
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, COSTS OFF) {count}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    # The list's own count (the related records' names with the text) is the CASE's last branch: never run.
    whole = [line for line in plan.splitlines() if "policy_actor" in line]
    assert whole and all("never executed" in line for line in whole), plan


@sqlite_only  # (PostgreSQL's cross-type search counts its types as before, bounded)
def test_the_cross_type_search_uses_the_indexs_count_too(limited, monkeypatch):
    monkeypatch.setattr("policy.reading.search.COUNT_LIMIT", LIMIT)  # its own limit, 1,000 as the lists'
    with CaptureQueriesContext(connection) as queries:
        response = limited.get(f"{API}search/", {"q": "the", "type": "statement", "page_size": 2})
    body = response.json()
    assert body["types"][0]["count_is_exact"] is False
    assert not [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith('SELECT COUNT(*) FROM (SELECT "policy_statement"."id"')
    ]


def test_the_schema_documents_the_flag(db):
    schema = APIClient().get(f"{API}schema/", {"format": "json"}).json()
    listing = schema["paths"][STATEMENTS]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    (reference,) = [part["$ref"].rsplit("/", 1)[1] for part in listing["allOf"] if "$ref" in part]
    properties = schema["components"]["schemas"][reference]["properties"]
    assert list(properties)[:2] == ["count", "count_is_exact"]
    assert properties["count_is_exact"]["type"] == "boolean" and "COUNT_LIMIT" in properties["count"]["description"]


def test_the_web_list_says_more_than(limited, client, monkeypatch):
    monkeypatch.setattr("policy.web.listing.ListPage.page_size", 3)
    response = client.get("/statements/")
    assert response.status_code == 200
    assert re.search(rf"More than {LIMIT} statements", response.content.decode())
