"""Every record type is declared once (policy.records), and every place that derives from the
declarations has each type: a new type missing from one fails here, not silently in production
(LIKE instead of full text, link tables instead of arrays, no timeline entry).

The migrations keep frozen literal copies of what they built from the declarations; the drift
tests below compare them, so changing a declaration without a migration fails CI.
"""

import ast
import importlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib import admin
from django.urls import reverse
from rest_framework.test import APIClient

from policy import filtersets, link_arrays, records, search
from policy import representation as serializers
from policy.api.urls import router
from policy.querying import timeline
from policy.web import charts
from policy.web.resources import RESOURCES

from . import test_api_resources
from .api_support import csv_rows
from .conftest import FIXTURE_DIR

ROOT = Path(__file__).resolve().parent.parent
TYPES = {t.name: t for t in records.TYPES}
ON_TIMELINE = [t for t in records.TYPES if t.timeline]


def migration(name):
    return importlib.import_module(f"policy.migrations.{name}")


# Drift: the migrations' frozen copies against the declarations.


# The latest migration that builds the search documents and indexes (0009 built 0003's and 0005's again,
# unaccented): a change to a type's search fields needs a new one, with its own frozen copy.
SEARCH_MIGRATION = "0013_search_unaccent"


def test_stored_documents_match_the_latest_search_migration():
    declared = {t.model_name: list(t.own_search_fields) for t in records.TYPES if t.stored_search}
    latest = migration(SEARCH_MIGRATION)
    assert declared == latest.STORED
    assert {model: latest.TRIGRAM[model] for model in declared} == declared


def test_reference_documents_match_the_latest_search_migration():
    expressions = migration(SEARCH_MIGRATION).EXPRESSIONS
    declared = {t.model_name: t.own_search_fields for t in records.TYPES if not t.stored_search}
    assert {name: documents[0] for name, documents in expressions.items()} == declared
    assert migration(SEARCH_MIGRATION).TRIGRAM["actor"] == list(records.ACTOR.own_search_fields)


def test_search_reads_what_the_latest_search_migration_built():
    from policy.search import postgresql

    latest = migration(SEARCH_MIGRATION)
    assert postgresql.UNACCENT == latest.FUNCTION
    assert postgresql.DOCUMENT_COLUMN == latest.COLUMN


def test_link_arrays_match_migration_0006():
    declared = {t.model_name: list(t.link_arrays) for t in records.TYPES if t.link_arrays}
    assert declared == migration("0006_link_arrays_postgresql").LINKED


def test_change_feed_tables_match_migration_0009():
    declared = sorted(t.model.history.model._meta.model_name for t in records.TYPES)
    assert declared == migration("0009_changes").FEED_TABLES


# The declarations are well-formed.


@pytest.mark.parametrize("name", TYPES)
def test_declaration_names_real_fields(name):
    declared = TYPES[name]
    meta = declared.model._meta
    for field_name in (declared.key, declared.label, *declared.dates, *declared.own_search_fields):
        meta.get_field(field_name)
    for field_name in declared.link_arrays:
        assert meta.get_field(field_name).many_to_many
    if declared.timeline:
        assert declared.main_date
        meta.get_field(declared.timeline.title)
        for paths in declared.timeline.related.values():
            for path in paths:
                meta.get_field(path)


def test_one_declaration_per_module():
    for declared in records.TYPES:
        module = importlib.import_module(f"policy.records.{declared.name}")
        assert declared in vars(module).values(), declared.name


# Every derived place has every declared type.


@pytest.mark.parametrize("name", TYPES)
def test_type_has_a_route_a_viewset_and_a_page(name):
    declared = TYPES[name]
    registered = {prefix: viewset for prefix, viewset, _ in router.registry}
    viewset = registered[declared.resource]
    assert viewset.serializer_class.Meta.model is declared.model
    assert reverse(f"{declared.model_name}-list") == f"/api/v1/{declared.resource}/"
    assert RESOURCES[declared.resource].model is declared.model


@pytest.mark.parametrize("name", TYPES)
def test_type_has_a_filterset_reading_its_declaration(name):
    declared = TYPES[name]
    filterset = getattr(filtersets, f"{declared.model.__name__}FilterSet")
    assert filterset._meta.model is declared.model
    assert tuple(filterset.search_fields) == declared.search_fields
    if declared.main_date:
        assert filterset.base_filters["date_after"].field_name == declared.main_date
        assert filterset.base_filters["date_before"].field_name == declared.main_date


@pytest.mark.parametrize("name", TYPES)
def test_type_has_a_serializer_an_admin_and_a_test_class(name):
    declared = TYPES[name]
    assert getattr(serializers, f"{declared.model.__name__}Serializer").Meta.model is declared.model
    assert declared.model in admin.site._registry
    tested = [c for c in vars(test_api_resources).values() if isinstance(c, type) and getattr(c, "model", None)]
    assert any(c.model is declared.model and c.route == declared.resource for c in tested)


@pytest.mark.django_db
@pytest.mark.parametrize("name", TYPES)
def test_csv_writes_the_declared_columns(name):
    """A type's file answers "what are its CSV columns": the whole list streamed, a page and an empty
    page all write exactly `columns`, and so does the JSON list's every object."""
    declared = list(TYPES[name].columns)
    api = APIClient()
    url = f"/api/v1/{TYPES[name].resource}/"
    for params in ({"format": "csv"}, {"format": "csv", "page": 1}, {"format": "csv", "search": "zq9xv"}):
        response = api.get(url, params)
        assert response.status_code == 200, (params, response.content[:300])
        header, *rows = csv_rows(response)
        assert header == declared, params
        assert rows if "search" not in params else not rows
    assert all(list(item) == declared for item in api.get(url, {"page_size": 100}).json()["results"])


@pytest.mark.parametrize("name", TYPES)
def test_type_has_fixtures(name):
    label = f"policy.{TYPES[name].model_name}"
    loaded = [r for path in sorted(FIXTURE_DIR.glob("*.json")) for r in json.loads(path.read_text())]
    assert any(record["model"] == label for record in loaded)


@pytest.mark.parametrize("name", TYPES)
def test_search_and_link_arrays_follow_the_declaration(name):
    declared = TYPES[name]
    assert (declared.model_name in search.STORED_DOCUMENTS) == declared.stored_search
    assert link_arrays.LINKED.get(declared.model_name, ()) == declared.link_arrays


@pytest.mark.parametrize("name", [t.name for t in ON_TIMELINE])
def test_timeline_types_have_an_entry_and_a_colour(name):
    assert timeline.TYPES[name] is TYPES[name]
    assert charts.TYPE_COLOURS[name] == TYPES[name].colour


def test_timeline_lists_every_type_declared_on_it():
    assert set(records.ON_TIMELINE) == {t.name for t in ON_TIMELINE}
    assert all(t.colour for t in ON_TIMELINE)


def test_country_keys_are_upper_cased_once():
    assert records.normalise_key(records.COUNTRY.model, "us") == "US"
    assert records.normalise_key(records.STATEMENT.model, "Mixed-Case") == "Mixed-Case"


# A new type needs no FilterSet, ViewSet, route or ModelAdmin of its own: they derive from its declaration.


@pytest.mark.django_db
def test_a_type_without_a_written_filterset_gets_one_from_its_declaration():
    derived = filtersets.derived_filterset(records.STATEMENT)
    data = {"date_after": "2025-01-01", "date_before": "2025-06-30", "search": "Mexico", "ordering": "-said_on"}
    queryset = records.STATEMENT.model.objects.all()
    expected = filtersets.StatementFilterSet(data, queryset=queryset).qs
    assert list(derived(data, queryset=queryset).qs) == list(expected)
    assert set(derived.base_filters) == {
        "search",
        "ordering",
        "source",
        "date_after",
        "date_before",
        "created_after",
        "created_before",
        "updated_after",
        "updated_before",
    }


@pytest.mark.django_db
def test_a_type_without_a_written_viewset_gets_one_from_its_declaration(monkeypatch):
    from rest_framework.test import APIClient, APIRequestFactory

    from policy.api import urls, views

    monkeypatch.delattr(views, "CountryViewSet")
    derived = urls.viewset_for(records.COUNTRY).as_view({"get": "retrieve"})
    response = derived(APIRequestFactory().get("/api/v1/countries/mx/"), code="mx")
    assert response.status_code == 200
    expected = APIClient().get("/api/v1/countries/MX/").json()
    assert {name: response.data[name] for name in ("url", "code", "name")} == {
        name: expected[name] for name in ("url", "code", "name")
    }


@pytest.mark.django_db
def test_a_type_without_a_written_serializer_gets_one_from_its_declaration():
    from rest_framework.request import Request
    from rest_framework.test import APIRequestFactory

    derived = serializers.serializer_for(records.STATEMENT)
    assert derived.__name__ == "StatementSerializer" and derived is serializers.StatementSerializer
    assert derived.Meta.model is records.STATEMENT.model
    statement = records.STATEMENT.model.objects.order_by("slug").first()
    context = {"request": Request(APIRequestFactory().get("/api/v1/statements/"))}
    data = derived(statement, context=context).data
    expected = APIClient().get(f"/api/v1/statements/{statement.slug}/").json()
    assert list(data) == list(records.STATEMENT.columns) == list(expected)
    assert {name: data[name] for name in ("slug", "text", "said_on")} == {
        name: expected[name] for name in ("slug", "text", "said_on")
    }


# Layers point one way: models → records → api, web, admin.

IMPORTED = """
import os, sys, django
os.environ["DJANGO_SETTINGS_MODULE"] = "policy.settings"
django.setup()  # imports every app's admin module
import {modules}
print(" ".join(sorted(name for name in sys.modules if name.startswith("policy."))))
"""


def imported_with(*modules):
    code = IMPORTED.format(modules=", ".join(modules))
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    return set(run.stdout.split())


def test_the_admin_does_not_load_the_pages_or_the_api():
    loaded = imported_with("policy.admin")
    assert not {name for name in loaded if name.startswith("policy.web")}
    assert not loaded & {"policy.api.urls", "policy.api.views"}


def test_the_pages_do_not_load_the_api_router_or_viewsets():
    loaded = imported_with("policy.web.urls", "policy.web.views")
    assert not loaded & {"policy.api.urls", "policy.api.views"}


def test_the_declarations_import_only_the_models():
    for path in (ROOT / "policy" / "records").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.level:
                assert node.level == 1 or node.module.startswith("models"), (path.name, node.module)


# What the pages, the admin and the readers below them import, module by module (the app's ready()
# loads parts of the API into every process, so sys.modules cannot tell).
NOT_API = ("web", "querying", "reading", "records", "representation", "sign_in.py")
NOT_API += ("admin.py", "admin_bases.py", "admin_actions.py", "admin_curation.py", "admin_site.py")


def absolute_imports(path):
    """Every module `path` imports, relative imports resolved (`from .. import api` is policy.api)."""
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")[: len(package.split(".")) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            yield module
            yield from (f"{module}.{alias.name}" for alias in node.names)


def test_the_pages_admin_and_readers_import_nothing_from_the_api():
    paths = [path for name in NOT_API for path in sorted((ROOT / "policy").glob(f"{name}/**/*.py"))]
    paths += [ROOT / "policy" / name for name in NOT_API if name.endswith(".py")]
    assert len(paths) > 20  # every page, reader and declaration module
    for path in paths:
        api = [name for name in absolute_imports(path) if name == "policy.api" or name.startswith("policy.api.")]
        assert not api, (str(path.relative_to(ROOT)), api)


# Wiring, not layers: the URLconf includes the API's, and the app's ready() registers the schema's extensions.
WIRING = {"policy/urls.py", "policy/apps.py"}


def test_nothing_outside_the_api_imports_it():
    """Beyond the pages, admin and readers: search, curation, exports, commands… are all below the API."""
    paths = [path for path in sorted((ROOT / "policy").rglob("*.py")) if "api" not in path.relative_to(ROOT).parts]
    paths = [path for path in paths if str(path.relative_to(ROOT)) not in WIRING]
    assert len(paths) > 150
    importers = {}
    for path in paths:
        api = [name for name in absolute_imports(path) if name == "policy.api" or name.startswith("policy.api.")]
        if api:
            importers[str(path.relative_to(ROOT))] = api
    assert importers == {}


def test_the_import_check_resolves_relative_imports():
    assert "policy.records.key_field" in set(absolute_imports(ROOT / "policy" / "web" / "record.py"))
    assert "policy.api.views" in set(absolute_imports(ROOT / "policy" / "api" / "urls.py"))  # `from . import views`


def test_synthetic_recipes_are_for_cited_types():
    from policy.synthetic.generate import DRAWN
    from policy.synthetic.records import COLUMNS, SourceBuilder

    assert set(DRAWN) <= {t for t in records.TYPES if t.cited}  # drawn from a source
    for record_type in DRAWN:
        assert callable(getattr(SourceBuilder, record_type.name))
        assert record_type.model_name in COLUMNS
