"""Scaling out: reads routed to a replica and writes to the primary (policy.routers), and list
counts cached until a write commits (policy.cache).

The replica is the "replica" alias tests/conftest.py adds: a mirror of the test database, so it
holds the fixtures (committed at session start) but not a test's own uncommitted writes — which
is what a lagging replica looks like.
"""

import pytest
from django.core.cache import cache
from django.db import connection, connections, router, transaction
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from policy import cache as counts
from policy import routers
from policy.models import Statement, Topic


@pytest.fixture
def replica(settings):
    settings.DATABASE_REPLICAS = ["replica"]
    settings.DATABASE_ROUTERS = ["policy.routers.PrimaryReplicaRouter"]
    routers.pinned_to_primary.set(False)
    yield
    routers.pinned_to_primary.set(False)
    connections["replica"].close()  # or the test database cannot be dropped at the end of the run


def captured(*aliases):
    return [CaptureQueriesContext(connections[alias]) for alias in aliases]


@pytest.mark.django_db(databases=["default", "replica"])
def test_reads_go_to_the_replica(replica):
    on_replica, on_primary = captured("replica", "default")
    with on_replica, on_primary:
        listed = APIClient().get("/api/v1/statements/", {"search": "AMLO"})
        slug = listed.json()["results"][0]["slug"]
        detail = APIClient().get(f"/api/v1/statements/{slug}/")
        timeline = APIClient().get("/api/v1/timeline/")
    assert listed.status_code == detail.status_code == timeline.status_code == 200
    assert len(on_replica) >= 6
    assert len(on_primary) == 0


# The replica is configured but not allowed in this test: any query routed there fails it.
@pytest.mark.django_db(databases=["default"])
def test_a_write_and_everything_it_reads_use_the_primary(replica, django_user_model):
    editor = django_user_model.objects.create_superuser("editor", "editor@example.org", "pw-editor-123")
    api = APIClient()
    api.force_authenticate(editor)
    with CaptureQueriesContext(connection) as on_primary:
        response = api.post("/api/v1/topics/", {"slug": "replication-lag", "name": "Replication lag"}, format="json")
    # Validated inside the write's transaction, and read back for the response after it: on the
    # primary both times (the replica would not have the new record yet).
    assert response.status_code == 201, response.content
    assert response.json()["slug"] == "replication-lag"
    assert any(q["sql"].startswith("INSERT") for q in on_primary.captured_queries)


@pytest.mark.django_db(databases=["default", "replica"])
def test_the_router_pins_reads_to_the_primary_in_transactions_and_after_writes(replica):
    assert router.db_for_read(Statement) == "replica"
    with transaction.atomic():
        assert router.db_for_read(Statement) == "default"
    assert router.db_for_read(Statement) == "replica"
    assert router.db_for_write(Statement) == "default"
    assert router.db_for_read(Statement) == "default", "after a write, until the next request"
    routers.unpin()
    assert router.db_for_read(Statement) == "replica"
    assert router.allow_migrate("default", "policy") and not router.allow_migrate("replica", "policy")


@pytest.mark.django_db
def test_without_replicas_everything_uses_the_primary():
    assert router.db_for_read(Statement) == router.db_for_write(Statement) == "default"


def topic_count(api):
    with CaptureQueriesContext(connection) as queries:
        body = api.get("/api/v1/topics/", {"page_size": 1}).json()
    return body["count"], [q for q in queries.captured_queries if "COUNT(" in q["sql"]]


@pytest.mark.django_db
def test_counts_are_reused_until_a_write_commits(monkeypatch, django_capture_on_commit_callbacks):
    # Tests run inside a transaction, where counts are never shared; pretend they are committed reads.
    monkeypatch.setattr(counts, "counts_are_shareable", lambda alias: True)
    cache.clear()
    api = APIClient()
    first, counted = topic_count(api)
    assert counted
    again, counted = topic_count(api)
    assert (again, counted) == (first, [])
    with django_capture_on_commit_callbacks(execute=True):
        Topic.objects.create(slug="counted-topic", name="Counted")
    after, counted = topic_count(api)
    assert counted and after == first + 1


@pytest.mark.django_db
def test_counts_inside_a_transaction_are_never_shared():
    cache.clear()
    api = APIClient()
    topic_count(api)
    Topic.objects.create(slug="uncommitted-topic", name="Uncommitted")
    count, counted = topic_count(api)
    assert counted and count == Topic.objects.count()


@pytest.mark.django_db
def test_timeline_pages_reuse_compiled_sql_until_the_data_changes(monkeypatch, django_capture_on_commit_callbacks):
    from policy.querying import timeline

    for module in (counts, timeline):
        monkeypatch.setattr(module, "counts_are_shareable", lambda alias: True)
    cache.clear()
    timeline.COMPILED.clear()
    api = APIClient()
    first = api.get("/api/v1/timeline/", {"country": "MX", "page_size": 5}).json()
    assert len(timeline.COMPILED) == len(timeline.TYPES)
    assert api.get("/api/v1/timeline/", {"country": "MX", "page_size": 5}).json() == first
    assert len(timeline.COMPILED) == len(timeline.TYPES)
    with django_capture_on_commit_callbacks(execute=True):
        Topic.objects.create(slug="a-new-version", name="A new version")
    assert api.get("/api/v1/timeline/", {"country": "MX", "page_size": 5}).json() == first
    assert len(timeline.COMPILED) == 2 * len(timeline.TYPES)
