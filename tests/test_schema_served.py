"""`/api/v1/schema/` serves drf-spectacular's document, generated in a child process (policy.api.openapi):
the same bytes as drf-spectacular's own view, none of the generator's heap left in the worker, and no
query string that makes a worker generate it again."""

import subprocess

import pytest
from django.core.cache import cache
from django.test import Client
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer, OpenApiYamlRenderer
from drf_spectacular.views import SpectacularAPIView
from rest_framework.test import APIRequestFactory

from policy.api import openapi

from .api_support import API

SCHEMA = f"{API}schema/"


@pytest.fixture
def children(monkeypatch):
    """The child processes the view starts, by command line."""
    started = []

    def run(command, **kwargs):
        started.append(command)
        return real_run(command, **kwargs)

    real_run = subprocess.run
    monkeypatch.setattr(subprocess, "run", run)
    cache.clear()
    yield started
    cache.clear()


@pytest.fixture
def generator_in_this_process_fails(monkeypatch):
    def fail(*args, **kwargs):
        raise AssertionError("the schema was generated in the worker")

    monkeypatch.setattr(SchemaGenerator, "get_schema", fail)


@pytest.mark.parametrize(
    "query, accept, renderer, content_type",
    [
        ({}, None, OpenApiYamlRenderer, "application/vnd.oai.openapi; charset=utf-8"),
        ({"format": "json"}, None, OpenApiJsonRenderer, "application/vnd.oai.openapi+json"),
        ({}, "application/json", OpenApiJsonRenderer, "application/json"),
    ],
)
def test_the_bytes_are_drf_spectacular_s_own(children, query, accept, renderer, content_type):
    headers = {"HTTP_ACCEPT": accept} if accept else {}
    served = Client().get(SCHEMA, query, **headers)
    assert served.status_code == 200 and served["Content-Type"] == content_type
    assert served["Cache-Control"] == "max-age=3600" and "Accept" in served["Vary"]
    suffix = renderer.format
    assert served["Content-Disposition"] == f'inline; filename="Policy Records API.{suffix}"'
    document = SchemaGenerator().get_schema(request=None, public=True)
    assert served.content == renderer().render(document, renderer_context={})
    assert len(children) == 1 and children[0][2:4] == ["spectacular", "--format"]


def test_the_worker_never_runs_the_generator_and_asks_a_child_once_per_format(
    children, generator_in_this_process_fails
):
    client = Client()
    for _ in range(3):
        assert client.get(SCHEMA).content.startswith(b"openapi: 3.0")
        assert client.get(SCHEMA, {"format": "json"}).json()["openapi"].startswith("3.0")
    assert client.get(SCHEMA, HTTP_ACCEPT="application/json").status_code == 200  # the same JSON, cached
    assert [command[command.index("--format") + 1] for command in children] == ["openapi", "openapi-json"]


def test_a_language_is_its_own_document(children, generator_in_this_process_fails):
    english = Client().get(SCHEMA).content
    german = Client().get(SCHEMA, {"lang": "de"})
    assert german.status_code == 200 and german.content != english
    assert children[-1][-2:] == ["--lang", "de"]


@pytest.mark.parametrize(
    "query, field",
    [({"version": "2"}, "version"), ({"x": "1"}, "x"), ({"lang": "xx"}, "lang"), ({"format": "xml"}, "format")],
)
def test_a_query_string_cannot_make_the_worker_generate_it_again(children, query, field):
    response = Client().get(SCHEMA, query)
    assert response.status_code == 400 and response["Content-Type"] == "application/json"
    assert list(response.json()) == [field]
    assert children == []


def test_an_unknown_format_lists_each_format_once():
    response = Client().get(SCHEMA, {"format": "csv"})
    assert response.json() == {"format": ["Unknown format “csv”. Available: yaml, json."]}


def test_drf_spectacular_s_view_is_what_the_child_reproduces(children):
    """If drf-spectacular's view ever writes other bytes than its command, this says so."""
    own = SpectacularAPIView.as_view()(APIRequestFactory().get(SCHEMA, {"format": "json"}))
    own.render()
    assert Client().get(SCHEMA, {"format": "json"}).content == own.content


def test_the_child_reads_the_settings_this_process_runs_with(children, monkeypatch, settings):
    """`runserver` imports policy.wsgi, which defaults DJANGO_ENV to production once the development
    settings are read: the child must not start as a production process without SECRET_KEY."""
    assert settings.ENVIRONMENT == "development"
    monkeypatch.setenv("DJANGO_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    assert Client().get(SCHEMA).status_code == 200


def test_a_schema_that_cannot_be_generated_is_a_json_503_that_says_why(children, monkeypatch):
    monkeypatch.setitem(openapi.COMMAND_FORMATS, "yaml", "no-such-format")
    response = Client().get(SCHEMA)
    assert response.status_code == 503 and response["Content-Type"] == "application/json"
    assert response.json()["detail"].startswith("The schema could not be generated: ")
    assert "no-such-format" in response.json()["detail"]
