"""A filtered list whose count says it holds few matches (COUNT_LIMIT at most) reads them through its
filters' indexes and sorts them, on SQLite, rather than walking its order's index until a page is full
(policy.querying.plans.sorted_matches). At a million statements, `?updated_after=` the last hour
walked the slug index through the whole table: 18 s for the page, 16 s for the CSV export, against
tens of milliseconds now. The same rows in the same order either way."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from policy.models import Statement

from .api_support import sqlite_plan

pytestmark = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's plans (PostgreSQL's: test_indexes.py)")
TIMESTAMP_INDEX = "policy_statement_updated_at"


@pytest.fixture
def recently_changed(generated):
    """Seven statements changed in the future's last hour, the rest long before."""
    moment = timezone.now() + datetime.timedelta(days=365)
    changed = list(Statement.objects.order_by("-slug").values_list("pk", flat=True)[:7])
    Statement.objects.filter(pk__in=changed).update(updated_at=moment)
    since = (moment - datetime.timedelta(hours=1)).isoformat()
    expected = list(Statement.objects.filter(pk__in=changed).order_by("slug", "pk").values_list("slug", flat=True))
    return since, expected


def read(params, accept="application/json"):
    with CaptureQueriesContext(connection) as queries:
        response = APIClient().get("/api/v1/statements/", params, HTTP_ACCEPT=accept)
    assert response.status_code == 200, response.content[:300]
    ordered = [q["sql"] for q in queries.captured_queries if "ORDER BY" in q["sql"]]
    return response, [step for sql in ordered for step in sqlite_plan(sql)]


def read_through_the_timestamp(steps):
    walked = [step for step in steps if step.startswith("SCAN policy_statement")]
    return any(TIMESTAMP_INDEX in step for step in steps) and not walked


@pytest.mark.django_db
@pytest.mark.parametrize("ordering", [None, "slug", "-slug", "-said_on"])
def test_a_page_of_few_changes_reads_the_timestamp_index(recently_changed, ordering):
    since, expected = recently_changed
    params = {"updated_after": since, "page_size": 5} | ({"ordering": ordering} if ordering else {})
    response, steps = read(params)
    body = response.json()
    if ordering in (None, "slug"):
        assert [row["slug"] for row in body["results"]] == expected[:5]
    if ordering == "-slug":
        assert [row["slug"] for row in body["results"]] == expected[::-1][:5]
    assert body["count"] == 7
    assert read_through_the_timestamp(steps), steps


@pytest.mark.django_db
def test_an_export_of_few_changes_reads_the_timestamp_index(recently_changed):
    """(Outside a test's transaction, where counts are cached, tests/test_warm_up.py's server exports too.)"""
    since, expected = recently_changed
    with CaptureQueriesContext(connection) as queries:
        response = APIClient().get("/api/v1/statements/", {"updated_after": since}, HTTP_ACCEPT="text/csv")
        lines = b"".join(response.streaming_content).decode().splitlines()
    assert [line.split(",")[1] for line in lines[1:]] == expected
    (export,) = [q["sql"] for q in queries.captured_queries if "ORDER BY" in q["sql"] and '"updated_at" >' in q["sql"]]
    assert read_through_the_timestamp(sqlite_plan(export)), sqlite_plan(export)


@pytest.mark.django_db
def test_many_matches_are_left_to_the_planner(generated, settings):
    """Past COUNT_LIMIT matches the order is not rewritten (a walk finds a page of them soon)."""
    settings.COUNT_LIMIT = 500
    with CaptureQueriesContext(connection) as queries:
        body = APIClient().get("/api/v1/statements/", {"updated_after": "2000-01-01", "page_size": 5}).json()
    assert body["count_is_exact"] is False and len(body["results"]) == 5
    assert not [q for q in queries.captured_queries if "ORDER BY +" in q["sql"]]
    assert [q for q in queries.captured_queries if "ORDER BY" in q["sql"]]
