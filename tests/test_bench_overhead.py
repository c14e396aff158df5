"""bench/overhead.py, the in-process instrument: its WSGI call answers as Django's test client does,
it counts a request's SQL queries, and every layer it times is still where it looks for it (a
renamed function would silently drop out of its breakdown). No timings here."""

import contextlib
import importlib

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client

from bench import overhead
from policy.models import Statement


@contextlib.contextmanager
def connection_kept():
    """As Django's test client keeps it: a request's signals would close the test's connection (PostgreSQL)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def application(db):
    return WSGIHandler()


@pytest.mark.urls("bench.urls")
def test_the_wsgi_call_answers_as_the_test_client_does(application):
    slug = Statement.objects.order_by("pk").values_list("slug", flat=True).first()
    for path in ("/api/v1/statements/?page_size=3", f"/api/v1/statements/{slug}/", "/floor/statements/"):
        with connection_kept():
            status, headers, body = overhead.get(application, path)
        expected = Client(HTTP_HOST="127.0.0.1:8000").get(path)
        assert (status, body) == (expected.status_code, expected.content), path
        assert dict(headers)["Content-Type"] == expected["Content-Type"]


@pytest.mark.urls("bench.urls")
def test_a_check_counts_the_queries_and_names_the_body(application):
    with connection_kept():
        # A page that a next page follows: counted on either engine (policy.querying.plans.count_first).
        (first,) = overhead.do_check(application, {"paths": ["/api/v1/statements/?page_size=3"]})
        (again,) = overhead.do_check(application, {"paths": ["/api/v1/statements/?page_size=3"]})
    status, digest, _, queries, sql, _ = first
    assert (status, queries, len(sql)) == (200, 3, 3)  # count, page, the many-to-many fields in one query
    assert again[1] == digest


@pytest.mark.parametrize("layer", overhead.LAYERS)
def test_every_timed_layer_is_found(layer):
    module, _, path = layer.partition(":")
    owner, _, attribute = path.rpartition(".")
    assert attribute in vars(getattr(importlib.import_module(module), owner))
