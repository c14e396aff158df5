"""Reads from a real PostgreSQL streaming hot standby (`.ci/standby`; REPLICA_DATABASE_URL names it).

The standby's replay is paused to make it lag on purpose: reads go to the standby (a write the
primary committed is not there yet), a client's reads after its own write see that write, and the
change feed and counts are right once the standby has caught up. Writes commit (`transaction=True`):
a standby never sees a transaction that is rolled back."""

import contextlib
import os
import time

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from policy import routers
from policy.models import Topic

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not os.environ.get("REPLICA_DATABASE_URL"), reason="no standby: REPLICA_DATABASE_URL unset (.ci/standby)"
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True, databases=["default", "standby"]),
]


def query(alias, sql, params=()):
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def caught_up(seconds=30):
    """Waits until the standby has replayed everything the primary has written so far."""
    position = query("default", "SELECT pg_current_wal_lsn()::text")
    deadline = time.monotonic() + seconds
    while not query("standby", "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [position]):
        assert time.monotonic() < deadline, "the standby did not catch up"
        time.sleep(0.05)


@contextlib.contextmanager
def lagging():
    """The standby stops replaying (it lags for as long as the block lasts), then catches up."""
    query("standby", "SELECT pg_wal_replay_pause()::text")
    try:
        yield
    finally:
        query("standby", "SELECT pg_wal_replay_resume()::text")
    caught_up()


@pytest.fixture
def standby(settings):
    settings.DATABASE_REPLICAS = ["standby"]
    settings.DATABASE_ROUTERS = ["policy.routers.PrimaryReplicaRouter"]
    routers.pinned_to_primary.set(False)
    assert query("standby", "SELECT pg_is_in_recovery()"), "REPLICA_DATABASE_URL is not a standby"
    caught_up()
    yield
    routers.pinned_to_primary.set(False)
    connections["standby"].close()


@pytest.fixture
def editor(superuser):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=superuser).key}")
    return client


def test_reads_go_to_the_standby(standby):
    anonymous = APIClient()
    with CaptureQueriesContext(connections["standby"]) as on_standby, lagging():
        Topic.objects.create(slug="on-the-primary", name="Not replayed yet")
        assert anonymous.get("/api/v1/topics/on-the-primary/").status_code == 404
        assert anonymous.get("/api/v1/statements/").status_code == 200
    assert len(on_standby) >= 3
    assert anonymous.get("/api/v1/topics/on-the-primary/").status_code == 200


def test_a_client_reads_its_own_writes_while_the_standby_lags(standby, editor):
    anonymous = APIClient()
    with lagging():
        assert editor.post("/api/v1/topics/", {"slug": "mine", "name": "Mine"}, format="json").status_code == 201
        assert editor.get("/api/v1/topics/mine/").json()["name"] == "Mine"
        assert anonymous.get("/api/v1/topics/mine/").status_code == 404, "others wait for the standby"
        assert editor.patch("/api/v1/topics/mine/", {"name": "Mine, renamed"}, format="json").status_code == 200
        assert editor.get("/api/v1/topics/", {"search": "renamed"}).json()["count"] == 1
    with CaptureQueriesContext(connections["standby"]) as on_standby:
        assert editor.get("/api/v1/topics/mine/").json()["name"] == "Mine, renamed"
    assert on_standby.captured_queries, "caught up: the editor reads from the standby again"
    assert anonymous.get("/api/v1/topics/mine/").json()["name"] == "Mine, renamed"


def test_the_change_feed_and_counts_are_right_once_the_standby_catches_up(standby, editor):
    anonymous = APIClient()
    before = anonymous.get("/api/v1/topics/").json()["count"]
    stored = anonymous.get("/api/v1/changes/", {"page_size": 1000}).json()["cursor"]
    with lagging():
        assert editor.post("/api/v1/topics/", {"slug": "counted", "name": "Counted"}, format="json").status_code == 201
        assert anonymous.get("/api/v1/topics/").json()["count"] == before, "the standby's count, not kept"
        assert anonymous.get("/api/v1/changes/", {"cursor": stored}).json()["results"] == []
    assert anonymous.get("/api/v1/topics/").json()["count"] == before + 1
    entries = anonymous.get("/api/v1/changes/", {"cursor": stored}).json()["results"]
    assert [(e["key"], e["change"]) for e in entries] == [("counted", "created")]
