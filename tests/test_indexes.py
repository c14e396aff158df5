"""Every list request — each filter, each ordering, search, a deeper page, a cursor — reads through
indexes, with a fixed number of queries (PostgreSQL EXPLAIN on ~10k generated statements).

Two checks per request:
- statements, the table that grows fastest, with the planner left alone: no query of the page
  scans `policy_statement` sequentially;
- every resource with sequential scans disfavoured (`enable_seqscan = off`): a query that
  still scans a record table sequentially has no index to use at all.
Counts are left out: they are cached between writes (policy.cache) and a count of most of a
table is best done by scanning it.
"""

import json

import django_filters
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from policy.api.urls import router
from policy.filters import ChoicesFilter, MomentFilter, RelatedFilter, StableOrderingFilter
from policy.models import Actor, Statement
from policy.synthetic.text import PLACES

from .api_support import generated_records

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="EXPLAIN plans and the GIN search indexes are PostgreSQL's (SQLite's: test_search_sqlite.py)",
    ),
]

VIEWSETS = {prefix: viewset for prefix, viewset, _ in router.registry}
SMALL_TABLES = {"policy_country", "policy_topic"}  # bounded by the world, not by the data


@pytest.fixture(scope="module")
def generated(django_db_setup, django_db_blocker):
    """10,000 statements (and the rest in proportion), rolled back after the module.
    generate_synthetic leaves them analysed, with the GIN indexes' pending lists merged."""
    with generated_records(django_db_blocker, 10_000, check_constraints=True):
        yield


def value_for(filter_, variant):
    if isinstance(filter_, StableOrderingFilter):
        return variant
    if isinstance(filter_, RelatedFilter):
        model = filter_.queryset.model
        return model.objects.order_by("pk").values_list(filter_.field.to_field_name, flat=True).last()
    if isinstance(filter_, ChoicesFilter):
        return filter_.extra["choices"][0][0]
    if isinstance(filter_, django_filters.DateFilter):
        return "2015-06-01"
    if isinstance(filter_, MomentFilter):  # changed (or created) since: a few rows, found by the timestamp's index
        return "2099-01-01T00:00:00Z" if filter_.later else "2000-01-01"
    if isinstance(filter_, django_filters.NumberFilter):
        return "1000"
    # search: a frequent place name (~2% of statements), a rare one, a speaker's alias
    return {"frequent": PLACES[2], "rare": PLACES[40], "alias": None}[variant] or alias()


def alias():
    return Actor.objects.exclude(aliases=[]).order_by("pk").first().aliases[0]


def variants(filter_):
    if isinstance(filter_, StableOrderingFilter):
        return [order for public in filter_.param_map for order in (public, f"-{public}")]
    if filter_.method == "filter_search":
        return ["frequent", "rare", "alias"]
    return [""]


def list_requests(routes=VIEWSETS):
    """(route, parameter, variant) for every parameter of every list, and a few pages."""
    for route in routes:
        yield route, "", ""
        yield route, "page", "3"
        yield route, "cursor", ""
        for name, filter_ in VIEWSETS[route].filterset_class.base_filters.items():
            for variant in variants(filter_):
                yield route, name, variant


def params_for(route, name, variant):
    """The query string, and how many queries it adds to the unfiltered list's (a key lookup)."""
    if name in ("", "page", "cursor"):
        return ({name: variant, "page_size": "10"} if name else {}), 0
    filter_ = VIEWSETS[route].filterset_class.base_filters[name]
    return {name: value_for(filter_, variant)}, int(isinstance(filter_, RelatedFilter))


def page_queries(url, params):
    with CaptureQueriesContext(connection) as captured:
        response = APIClient().get(url, params)
    assert response.status_code == 200, (url, params, response.content[:300])
    return [query["sql"] for query in captured.captured_queries]


def seq_scans(sql):
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}")
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    found, nodes = [], [plan[0]["Plan"]]
    while nodes:
        node = nodes.pop()
        if node["Node Type"] == "Seq Scan":
            found.append(node["Relation Name"])
        nodes.extend(node.get("Plans", []))
    return found


def scanned(queries, tables):
    return {(table, sql[:160]) for sql in queries if "COUNT(" not in sql for table in seq_scans(sql) if table in tables}


def record_tables():
    from django.apps import apps

    tables = {model._meta.db_table for model in apps.get_app_config("policy").get_models(include_auto_created=True)}
    return {t for t in tables if "historical" not in t and t not in SMALL_TABLES}


@pytest.mark.django_db
@pytest.mark.parametrize(("route", "name", "variant"), list(list_requests(["statements"])))
def test_statement_lists_use_indexes(generated, route, name, variant):
    assert Statement.objects.count() >= 10_000
    params, _ = params_for(route, name, variant)
    queries = page_queries("/api/v1/statements/", params)
    assert not scanned(queries, {"policy_statement"})


@pytest.mark.django_db
@pytest.mark.parametrize(("route", "name", "variant"), list(list_requests()))
def test_every_list_request_has_an_index(generated, route, name, variant):
    params, extra = params_for(route, name, variant)
    # A page of one row, which a next page follows: counted (a page that ends the list need not be).
    baseline = len(page_queries(f"/api/v1/{route}/", {"page_size": 1}))
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    queries = page_queries(f"/api/v1/{route}/", params)
    assert len(queries) <= baseline + extra, "a list request costs a fixed number of queries"
    assert not scanned(queries, record_tables())


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params",
    [{}, {"ordering": "-date"}, {"country": "MX"}, {"topic": None}, {"actor": None}, {"date_after": "2015-01-01"}],
    ids=str,
)
def test_timeline_and_details_use_indexes(generated, params):
    from policy.models import Topic

    defaults = {"topic": Topic.objects.order_by("pk").last().slug, "actor": Actor.objects.order_by("pk").last().slug}
    params = {name: value or defaults[name] for name, value in params.items()}
    queries = page_queries("/api/v1/timeline/", params)
    assert not scanned(queries, {"policy_statement"})
    statement = Statement.objects.order_by("-pk").first()
    assert not scanned(page_queries(f"/api/v1/statements/{statement.slug}/", {}), {"policy_statement"})


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["updated", "created"])
def test_changed_since_reads_the_timestamp_index(generated, field):
    """`updated_after=`/`created_after=` a recent moment: an index scan of that timestamp, not of the table."""
    recent = Statement.objects.order_by(f"-{field}_at").values_list(f"{field}_at", flat=True)[20]
    queries = page_queries("/api/v1/statements/", {f"{field}_after": recent.isoformat(), "ordering": "-said_on"})
    plans = []
    for sql in queries:
        if "COUNT(" in sql or "policy_statement" not in sql:
            continue
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN {sql}")
            plans.append("\n".join(row[0] for row in cursor.fetchall()))
    assert any(f"{field}_at" in plan and "Index" in plan for plan in plans), plans
    assert not scanned(queries, {"policy_statement"})
