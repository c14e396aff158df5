"""The OpenAPI schema validates and types every filter; the docs page needs no other host."""

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.test import Client

from policy.querying.parameters import COMMON_PARAMETERS

from .api_filter_cases import filter_kind
from .api_support import API, VIEWSETS


@pytest.fixture(scope="module")
def schema():
    response = Client().get(f"{API}schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def list_parameters(schema, route):
    return {p["name"]: p for p in schema["paths"][f"{API}{route}/"]["get"]["parameters"] if p["in"] == "query"}


def expected_schema(filter_):
    """The parameter schema each kind of filter must advertise."""
    kind = filter_kind(filter_)
    if kind == "related":
        return {"type": "array", "items": {"type": "string"}}
    if kind == "choices":
        return {
            "type": "array",
            "items": {"type": "string", "enum": sorted(value for value, _ in filter_.extra["choices"])},
        }
    if kind == "date":
        return {"type": "string", "format": "date"}
    if kind == "moment":
        return {"oneOf": [{"type": "string", "format": "date-time"}, {"type": "string", "format": "date"}]}
    if kind == "number":
        return {"type": "number"}
    if kind == "search":
        return {"type": "string"}
    if kind == "ordering":
        names = sorted(name for public in filter_.param_map for name in (public, f"-{public}"))
        return {"type": "array", "items": {"type": "string", "enum": names}}
    raise AssertionError(f"no expected schema for {filter_!r}")


def test_schema_validates_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))
    assert (tmp_path / "schema.yml").read_text().startswith("openapi: 3.")


def test_schema_is_openapi_3_with_every_resource(schema):
    assert schema["openapi"].startswith("3.")
    for route in VIEWSETS:
        assert {f"{API}{route}/", f"{API}{route}/{{{VIEWSETS[route].lookup_field}}}/"} <= set(schema["paths"])


@pytest.mark.parametrize("route", sorted(VIEWSETS))
def test_every_filter_is_listed_with_its_type(schema, route):
    parameters = list_parameters(schema, route)
    filters = VIEWSETS[route].filterset_class.base_filters
    facets = {"facets"} if VIEWSETS[route]().facet_names else set()
    assert set(parameters) == set(filters) | COMMON_PARAMETERS | facets, "exactly the parameters the list accepts"
    for name, filter_ in filters.items():
        assert parameters[name]["schema"] == expected_schema(filter_), name
        assert parameters[name].get("description"), name
        if filter_kind(filter_) in ("related", "choices"):
            assert parameters[name]["explode"] is True, f"{name} repeats for OR"


def query_parameters(schema, path):
    return {p["name"]: p for p in schema["paths"][f"{API}{path}"]["get"]["parameters"] if p["in"] == "query"}


def field_list(names):
    """How `fields`/`omit` are documented: a comma-separated list of the representation's own fields."""
    return {"type": "array", "items": {"type": "string", "enum": names}}


@pytest.mark.parametrize("route", sorted(VIEWSETS))
def test_paging_and_sparse_fields_are_typed(schema, route):
    parameters = list_parameters(schema, route)
    assert parameters["page"]["schema"] == {"type": "integer"}
    assert parameters["page_size"]["schema"] == {"type": "integer"}
    assert parameters["cursor"]["schema"] == {"type": "string"}
    plan = VIEWSETS[route]().plan
    assert parameters["fields"]["schema"] == parameters["omit"]["schema"] == field_list(plan.list_names)
    assert parameters["fields"]["explode"] is parameters["omit"]["explode"] is False
    assert set(parameters["format"]["schema"]["enum"]) >= {"json", "csv"}


@pytest.mark.parametrize("route", sorted(VIEWSETS))
def test_a_detail_documents_as_of_and_its_own_fields(schema, route):
    """Found by schemathesis: `as_of` worked but was undocumented, and `fields` took any string."""
    parameters = query_parameters(schema, f"{route}/{{{VIEWSETS[route].lookup_field}}}/")
    assert parameters["as_of"]["schema"] == {"type": "string", "format": "date-time"}
    plan = VIEWSETS[route]().plan
    assert parameters["fields"]["schema"] == parameters["omit"]["schema"] == field_list(plan.detail_names)


@pytest.mark.parametrize("path", ["timeline/", "topics/{slug}/history/"])
def test_only_lists_document_a_cursor(schema, path):
    """Found by schemathesis: `cursor` was documented on history and the timeline, which refuse it."""
    parameters = query_parameters(schema, path)
    assert {"page", "page_size"} <= set(parameters)
    assert "cursor" not in parameters


class Sources(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        self.urls += [value for name, value in attrs if name in ("src", "href") and value]


@pytest.mark.parametrize("page", ["docs/", "redoc/"])
def test_docs_page_is_served_without_any_other_host(db, page):
    response = Client().get(f"{API}{page}")
    assert response.status_code == 200
    page = response.content.decode()
    parser = Sources()
    parser.feed(page)
    assert parser.urls, "the page loads its scripts and styles"
    for url in parser.urls:
        parts = urlsplit(url)
        assert parts.netloc in ("", "testserver"), url
        if parts.path.startswith("/static/"):
            assert finders.find(parts.path.removeprefix("/static/")), f"{url} is not a static file we ship"
    assert set(re.findall(r"https?://([^/\"'\s]+)", page)) <= {"testserver"}


def test_every_write_documents_the_busy_database_503(schema):
    """A write the database cannot take in time is a 503 with Retry-After (policy.busy): documented."""
    writes = [
        (path, method, operation["responses"])
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if method in ("post", "put", "patch", "delete")
    ]
    assert len(writes) > 30
    undocumented = [
        f"{method} {path}"
        for path, method, responses in writes
        if "Retry-After" not in responses.get("503", {}).get("headers", {})
    ]
    assert undocumented == []
