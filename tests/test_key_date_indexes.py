"""A date range in the default order (issue #18, migration 0015): `?date_after=…&date_before=…`, by
slug. Past COUNT_LIMIT matches, SQLite's first page (and every keyset page) walks the key's index,
which holds the date (policy.querying.plans), and sorts nothing but the page; with fewer matches, or
deeper in a numbered list, it reads the range from the date's index. The same rows in the same
order either way. PostgreSQL's planner chooses by itself from its statistics (its plans at a million
statements: bench/README.md)."""

import importlib

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from rest_framework.test import APIClient

from policy.models import Statement
from policy.querying import plans
from policy.records import TYPES

from .api_support import sqlite_plan as plan

MIGRATION = importlib.import_module("policy.migrations.0015_key_date_indexes")
sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's plans")
KEY_INDEX = "statement_key_date"
DATE_INDEX = "policy_statement_said_on"


def test_the_migrations_frozen_tables_match_the_declarations():
    declared = {t.model._meta.db_table: (t.key, t.main_date) for t in TYPES if t.stored_search and t.main_date}
    assert declared == MIGRATION.KEY_DATES


@pytest.mark.django_db
def test_every_growing_dated_table_has_the_index():
    with connection.cursor() as cursor:
        for table in MIGRATION.KEY_DATES:
            assert MIGRATION.index_name(table) in connection.introspection.get_constraints(cursor, table)


def listed(params):
    with CaptureQueriesContext(connection) as queries:
        response = APIClient().get("/api/v1/statements/", params)
    assert response.status_code == 200, response.content[:300]
    (page,) = [q["sql"] for q in queries.captured_queries if "ORDER BY" in q["sql"] and "LIMIT" in q["sql"]]
    return response.json(), plan(page)


def date_range(matches):
    """(first, last) dates of a range holding about `matches` statements, in the middle of the dates."""
    dates = sorted(Statement.objects.exclude(said_on=None).values_list("said_on", flat=True))
    start = (len(dates) - matches) // 2
    return dates[start], dates[start + matches - 1]


def expected_slugs(first, last):
    found = Statement.objects.filter(said_on__gte=first, said_on__lte=last).order_by("slug", "pk")
    return list(found.values_list("slug", flat=True))


@sqlite_only
@pytest.mark.django_db
@override_settings(COUNT_LIMIT=500)
@pytest.mark.parametrize(
    ("matches", "page", "walks"),
    [(1_500, 1, True), (150, 1, False), (1_500, 3, False)],
    ids=["wide-range-first-page", "narrow-range", "wide-range-third-page"],
)
@pytest.mark.parametrize("ordering", [None, "slug", "-slug"])
def test_a_date_range_by_slug_walks_the_key_index_only_when_it_is_wide(generated, matches, page, walks, ordering):
    first, last = date_range(matches)
    params = {"date_after": first.isoformat(), "date_before": last.isoformat(), "page_size": 40, "page": page}
    params |= {"ordering": ordering} if ordering else {}
    body, steps = listed(params)
    expected = expected_slugs(first, last)[:: -1 if ordering == "-slug" else 1]
    assert [row["slug"] for row in body["results"]] == expected[(page - 1) * 40 : page * 40]
    assert ("count_is_exact" in body) == (matches > 500)
    # The page's keys: the steps reading the statements by an index of theirs (the outer query reads the
    # keys it found by id, its primary key).
    used = [step for step in steps if "policy_statement" in step and "PRIMARY KEY" not in step]
    if walks:
        assert any(KEY_INDEX in step for step in used) and not any(DATE_INDEX in step for step in used), steps
        assert steps.count("USE TEMP B-TREE FOR ORDER BY") == 1, steps  # the page's 40 rows, not the range
    else:
        assert any(DATE_INDEX in step for step in used), steps


@sqlite_only
@pytest.mark.django_db
@override_settings(COUNT_LIMIT=500)
def test_a_date_range_with_another_filter_keeps_the_planners_choice(generated):
    first, last = date_range(1_500)
    speaker = Statement.objects.values_list("speaker__slug", flat=True).first()
    params = {"date_after": first.isoformat(), "date_before": last.isoformat(), "speaker": speaker}
    with CaptureQueriesContext(connection) as queries:
        assert APIClient().get("/api/v1/statements/", params).status_code == 200
    assert not [q for q in queries.captured_queries if '+U0."said_on"' in q["sql"]]


@pytest.mark.django_db
def test_the_walk_changes_no_condition_but_how_the_date_is_read(generated):
    first, last = date_range(1_500)
    queryset = Statement.objects.filter(said_on__gte=first, said_on__lte=last)
    walking = plans.key_walk(queryset, 51)
    if connection.vendor != "sqlite":
        assert walking is queryset
        return
    assert list(walking.values_list("pk", flat=True)[:51]) == list(queryset.values_list("pk", flat=True)[:51])
    assert '+"policy_statement"."said_on"' in str(walking[:51].query)
    assert '+"policy_statement"."said_on"' not in str(walking.order_by().query)  # a count reads the index
    assert plans.key_walk(queryset, settings.COUNT_LIMIT // plans.WALKED_SHARE + 1) is queryset


@pytest.mark.django_db
@override_settings(COUNT_LIMIT=500)
@pytest.mark.parametrize("ordering", ["slug", "-slug"])
def test_a_wide_date_ranges_keyset_pages_walk_the_key_index_and_keep_their_rows(generated, ordering):
    first, last = date_range(1_500)
    expected = expected_slugs(first, last)[:: -1 if ordering == "-slug" else 1]
    params = {"date_after": first.isoformat(), "date_before": last.isoformat(), "page_size": 40, "ordering": ordering}
    client, seen, url = APIClient(), [], "/api/v1/statements/"
    params["cursor"] = ""
    for _ in range(3):  # the first page, then two `next` links
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, params)
        assert response.status_code == 200, response.content[:300]
        body = response.json()
        seen += [row["slug"] for row in body["results"]]
        assert body["count_is_exact"] is False
        if connection.vendor == "sqlite":
            (page,) = [q["sql"] for q in queries.captured_queries if "ORDER BY" in q["sql"] and "LIMIT" in q["sql"]]
            assert any(KEY_INDEX in step for step in plan(page)), plan(page)
        url, params = body["next"], {}
    assert seen == expected[:120]
    back = client.get(body["previous"]).json()
    assert [row["slug"] for row in back["results"]] == expected[40:80]
