"""A many-to-many filter combined with a date range, newest first (issue #18, migration 0014):
`?country=…&date_after=…&date_before=…&ordering=-said_on`. On SQLite a country linked to few
statements is listed from the link table's index by country; one linked to many (COMMON_LINKS)
is tested row by row against the link table's unique index while the page walks the date's
index — the same rows either way, and neither the page nor its count scans the statements.
PostgreSQL's plan (the date index carrying the link arrays) needs data at scale: measured in
bench/README.md ("Fast the first time")."""

import datetime
import importlib

import pytest
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from policy.models import Country, Statement
from policy.records import TYPES

from .api_support import sqlite_plan as plan

MIGRATION = importlib.import_module("policy.migrations.0014_filter_with_date_indexes")
sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's link tables and plans")


def test_the_migrations_frozen_tables_match_the_declarations():
    linked = [t for t in TYPES if t.link_arrays]
    assert {
        t.model._meta.db_table: (t.main_date, [f"{name}_ids" for name in t.link_arrays]) for t in linked
    } == MIGRATION.DATED_LINKS
    links = {}
    for t in linked:
        for name in t.link_arrays:
            field = t.model._meta.get_field(name)
            through = field.remote_field.through._meta
            links[through.db_table] = tuple(
                through.get_field(f).column for f in (field.m2m_field_name(), field.m2m_reverse_field_name())
            )
    assert links == MIGRATION.LINK_TABLES


def listed(params):
    with CaptureQueriesContext(connection) as queries:
        response = APIClient().get("/api/v1/statements/", params)
    assert response.status_code == 200, response.content[:300]
    statements = [q["sql"] for q in queries.captured_queries if 'FROM "policy_statement"' in q["sql"]]
    return response.json(), statements


@sqlite_only
@pytest.mark.django_db
@pytest.mark.parametrize("common", [False, True], ids=["listed", "tested-row-by-row"])
def test_a_countrys_statements_in_a_date_range_newest_first_read_indexes(generated, monkeypatch, common):
    busiest = Country.objects.annotate(n=Count("statements")).order_by("-n").values_list("code", "pk").first()
    dates = sorted(
        Statement.objects.filter(countries=busiest[1], said_on__isnull=False).values_list("said_on", flat=True)
    )
    middle = dates[len(dates) // 2]
    params = {
        "country": busiest[0],
        "date_after": (middle - datetime.timedelta(days=365)).isoformat(),
        "date_before": (middle + datetime.timedelta(days=365)).isoformat(),
        "ordering": "-said_on",
        "page_size": 10,
    }
    listed_body, _ = listed(params)
    monkeypatch.setattr("policy.filters.COMMON_LINKS", 1 if common else 10**9)
    body, statements = listed(params)
    assert body == listed_body and body["count"] > 10  # the same rows and count either way
    page_and_count = [sql for sql in statements if "LIMIT" in sql]
    assert len(page_and_count) == 2, statements
    for sql in page_and_count:
        steps = plan(sql)
        assert not [step for step in steps if step.startswith("SCAN policy_statement")], steps
        if common:
            assert any("policy_statement_countries_statement_id_country_id" in step for step in steps), steps
        else:
            assert any("statement_countries_by_target" in step for step in steps), steps
