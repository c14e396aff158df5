"""After a write, facets slow to count (SLOW_COUNT_SECONDS: a whole million-row list's take seconds)
are served as they were, flagged `"facets_stale": true`, while a thread of the server counts them
again; the requests after it get the new counts. Fast ones are counted again at once. The rows
and `count` of the page are current either way. Committed writes (`transaction=True`): counts
taken inside a transaction are never shared, so nothing here would be cached otherwise."""

import time

import pytest
from django.core.cache import cache
from django.test import Client
from rest_framework.test import APIClient

from policy.models import Actor

from .test_web import add_statements

committed = pytest.mark.django_db(transaction=True, serialized_rollback=True)
URL = "/api/v1/statements/"
QUERY = {"facets": "speaker,topic", "fields": "slug", "page_size": 1000}
HARRIS = "kamala-harris"


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def speakers(body):
    return {entry["slug"]: entry["count"] for entry in body["facets"]["speaker"]}


def listed():
    response = APIClient().get(URL, QUERY)
    assert response.status_code == 200, response.content
    return response.json()


def until_current(seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        body = listed()
        if not body["facets_stale"]:
            return body
        time.sleep(0.1)
    raise AssertionError("the facets were still stale")


@committed
def test_slow_facets_are_served_stale_and_flagged_while_recounted(settings):
    settings.SLOW_COUNT_SECONDS = 0  # every facet counts as slow
    before = listed()
    assert before["facets_stale"] is False  # nothing to serve yet: counted during the request
    add_statements(Actor.objects.get(slug=HARRIS), 3)
    after = listed()
    assert after["facets_stale"] is True
    assert after["facets"] == before["facets"]  # the numbers of before the write…
    assert after["count"] == before["count"] + 3  # …but the rows and the count are current
    assert {f"more-{HARRIS}-{i}" for i in range(3)} <= {row["slug"] for row in after["results"]}
    recounted = until_current()
    assert speakers(recounted)[HARRIS] == speakers(before)[HARRIS] + 3
    assert listed()["facets_stale"] is False


@committed
def test_the_list_page_says_its_counts_are_being_recounted(settings):
    settings.SLOW_COUNT_SECONDS = 0
    note = "Counted before the latest change to the records"
    assert note not in Client().get("/statements/").content.decode()
    add_statements(Actor.objects.get(slug=HARRIS), 1)
    assert note in Client().get("/statements/").content.decode()
    deadline = time.monotonic() + 30  # and once the thread has counted, no more
    while note in Client().get("/statements/").content.decode():
        assert time.monotonic() < deadline
        time.sleep(0.1)


@committed
def test_fast_facets_are_counted_again_at_once():
    before = listed()  # SLOW_COUNT_SECONDS is half a second: the fixtures count in milliseconds
    add_statements(Actor.objects.get(slug=HARRIS), 2)
    after = listed()
    assert after["facets_stale"] is False
    assert speakers(after)[HARRIS] == speakers(before)[HARRIS] + 2
