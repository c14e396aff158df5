"""PostgreSQL's link arrays (migration 0006, policy.link_arrays) always equal the link tables:
after the fixtures load, after writes through the API and the ORM, after deletes on either side,
after bulk generation and after the migration fills them for existing rows; and relation filters
read them through the GIN index."""

import io
import threading
import time

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from policy import link_arrays
from policy.models import Country, Statement, Topic

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the link arrays are PostgreSQL's"),
]


def linked_fields():
    from django.apps import apps

    for model_name, field_names in link_arrays.LINKED.items():
        model = apps.get_model("policy", model_name)
        for name in field_names:
            yield model, model._meta.get_field(name)


def stale_arrays():
    """(table, column, record id, array, links) for every record whose array differs from its links."""
    stale = []
    with connection.cursor() as cursor:
        for model, field in linked_fields():
            through = field.remote_field.through._meta
            owner = through.get_field(field.m2m_field_name()).column
            target = through.get_field(field.m2m_reverse_field_name()).column
            column, table = link_arrays.column_name(field.name), model._meta.db_table
            cursor.execute(
                f'SELECT o.id, o."{column}", ARRAY(SELECT l."{target}" FROM "{through.db_table}" l '
                f'WHERE l."{owner}" = o.id ORDER BY 1) AS links FROM "{table}" o'
            )
            stale += [(table, column, *row) for row in cursor.fetchall() if sorted(row[1]) != row[2]]
    return stale


def test_the_fixtures_arrays_match_their_links(db):
    assert Statement.objects.filter(topics__isnull=False).exists()
    assert stale_arrays() == []


def test_api_writes_and_deletes_keep_the_arrays(db, superuser):
    client = APIClient()
    client.force_authenticate(superuser)
    statement = Statement.objects.filter(topics__isnull=False, countries__isnull=False).order_by("pk").first()
    url = f"/api/v1/statements/{statement.slug}/"
    topics = list(Topic.objects.exclude(statements=statement).order_by("slug").values_list("slug", flat=True)[:2])
    country = statement.countries.order_by("code").first().code
    assert client.patch(url, {"topics": topics, "countries": []}, format="json").status_code == 200
    assert stale_arrays() == []

    def found(**params):
        response = client.get("/api/v1/statements/", {**params, "page_size": 1000})
        return {row["slug"] for row in response.json()["results"]}

    assert statement.slug in found(topic=topics[0]) and statement.slug in found(topic=topics[1])
    assert statement.slug not in found(country=country)
    # The other side of the link goes away: a topic deleted by the ORM takes its links along.
    Topic.objects.get(slug=topics[0]).delete()
    assert stale_arrays() == []
    statement.countries.add(Country.objects.get(code="MX"))
    statement.countries.clear()
    assert stale_arrays() == []
    assert client.delete(url).status_code == 204
    assert stale_arrays() == []


def test_a_relation_filter_finds_what_the_link_table_holds(db):
    client = APIClient()
    mexico = Country.objects.get(code="MX")
    for topic in Topic.objects.all():
        expected = set(Statement.objects.filter(topics=topic, countries=mexico).values_list("slug", flat=True))
        response = client.get("/api/v1/statements/", {"topic": topic.slug, "country": "mx", "page_size": 1000})
        assert {row["slug"] for row in response.json()["results"]} == expected


def test_bulk_generation_writes_each_record_with_its_arrays(db):
    call_command("generate_synthetic", statements=2_000, seed=3, no_progress=True, stdout=io.StringIO())
    assert Statement.objects.count() > 2_000
    assert stale_arrays() == []


def test_two_relation_filters_are_one_scan_of_the_links_index(db):
    call_command("generate_synthetic", statements=5_000, seed=1, no_progress=True, stdout=io.StringIO())
    topic = Topic.objects.order_by("pk").values_list("slug", flat=True).first()
    with CaptureQueriesContext(connection) as queries:
        response = APIClient().get("/api/v1/statements/", {"topic": topic, "country": "MX", "date_after": "2015-01-01"})
    assert response.status_code == 200
    page = next(q["sql"] for q in queries.captured_queries if "LIMIT" in q["sql"] and "policy_statement" in q["sql"])
    assert "topics_ids" in page and "countries_ids" in page and "policy_statement_topics" not in page
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {page}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "stmt_links" in plan, plan


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migration_fills_the_arrays_of_existing_records():
    executor = MigrationExecutor(connection)
    executor.migrate([("policy", "0005_search_sqlite")])
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT column_name FROM information_schema.columns WHERE table_name = 'policy_statement'")
            assert "topics_ids" not in {row[0] for row in cursor.fetchall()}
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
    assert Statement.objects.filter(topics__isnull=False).exists()
    assert stale_arrays() == []


def waiting_for_a_lock(cursor, backend, seconds=10):
    """Poll pg_locks until `backend` waits for a lock it has not been granted (False after `seconds`)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM pg_locks WHERE pid = %s AND NOT granted)", [backend])
        if cursor.fetchone()[0]:
            return True
        time.sleep(0.005)  # a poll's interval, not a guess at how long the other thread takes
    return False


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_link_changes_to_one_record_both_reach_its_array():
    """Two transactions linking topics to the same statement at once: the second's trigger waits
    for the first's row lock, then must see the first's committed link, not its own old snapshot.

    Deterministic: the first commits only once pg_locks shows the second's backend waiting."""
    statement = Statement.objects.order_by("pk").first()
    first_topic, second_topic = Topic.objects.exclude(statements=statement).order_by("pk")[:2]
    linked = threading.Event()
    second_backend, waited = [], []
    published = threading.Event()

    def first():
        try:
            with transaction.atomic():
                statement.topics.add(first_topic)  # its trigger updates (and locks) the statement
                linked.set()
                with connection.cursor() as cursor:  # commit only once the second's trigger waits
                    waited.append(bool(second_backend) and waiting_for_a_lock(cursor, second_backend[0]))
        finally:
            connection.close()

    def second():
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                second_backend.append(cursor.fetchone()[0])
            published.set()
            linked.wait(10)
            with transaction.atomic():
                Statement.objects.get(pk=statement.pk).topics.add(second_topic)
        finally:
            connection.close()

    threads = [threading.Thread(target=second), threading.Thread(target=first)]
    threads[0].start()
    published.wait(10)  # the second's backend id, known before the first takes its lock
    threads[1].start()
    for thread in threads:
        thread.join(30)
    assert waited == [True], "the second transaction never waited for the first's row lock"
    assert set(statement.topics.values_list("pk", flat=True)) >= {first_topic.pk, second_topic.pk}
    assert stale_arrays() == []
