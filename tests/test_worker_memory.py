"""A worker frees each answer as soon as it is sent, without waiting for the garbage collector (issue #18):
a DRF view, its request and its response name one another, and a full collection, which alone frees such a
cycle, runs about once in 150 requests in a worker. policy.middleware.ReleaseViewMiddleware breaks the cycle.

The handler is called as gunicorn calls it, with the collector off: what is still alive once the server
drops the response is held by a cycle."""

import gc
import weakref

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.test import RequestFactory

from policy.models import Statement

from .api_support import API


def sent_and_dropped(path, **query):
    """(status, body, whether the response was freed) once the response to GET `path` is sent and dropped."""
    handler = WSGIHandler()
    gc.disable()  # until the answer is known: a collection would free a cycle too
    try:
        response = handler.get_response(RequestFactory().get(path, query))
        status, body = response.status_code, b"".join(response)
        sent = weakref.ref(response)
        del response
        return status, body, sent() is None
    finally:
        gc.enable()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "query"),
    [
        (f"{API}statements/", {}),
        (f"{API}statements/", {"search": "border", "page_size": 5}),
        (f"{API}timeline/", {}),
        (f"{API}statements/", {"page": "x"}),  # an error, rendered by DRF too
    ],
)
def test_a_sent_response_is_freed_at_once(path, query):
    status, body, freed = sent_and_dropped(path, **query)
    assert status == (400 if "page" in query else 200), body
    assert freed, "the response outlived its sending: a reference cycle holds it"


@pytest.mark.django_db
def test_a_freed_detail_was_answered_in_full():
    statement = Statement.objects.order_by("slug").first()
    status, body, freed = sent_and_dropped(f"{API}statements/{statement.slug}/")
    assert (status, freed) == (200, True)
    assert f'"slug":"{statement.slug}"'.encode() in body.replace(b" ", b"")
