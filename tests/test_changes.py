"""The change feed, `/api/v1/changes/`: every create, change and delete, oldest first, by cursor.

Tests that write commit their writes (`transaction=True`): on PostgreSQL the feed serves only what
transactions that have ended wrote, and a test's own transaction has not ended."""

import base64
import threading

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from policy import records
from policy.models import Topic

URL = "/api/v1/changes/"
committed = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def editor(superuser):
    client = APIClient()
    client.force_authenticate(superuser)
    return client


def read_all(client, cursor="", page_size=1000):
    """Every entry after `cursor` by following `next`, and the cursor to store."""
    entries = []
    while True:
        response = client.get(URL, {"cursor": cursor, "page_size": page_size})
        assert response.status_code == 200, response.content
        body = response.json()
        entries += body["results"]
        cursor = body["cursor"]
        if body["next"] is None:
            return entries, cursor


def keys_now():
    return {(t.name, key) for t in records.TYPES for key in t.model.objects.values_list(t.key, flat=True)}


@pytest.mark.django_db
def test_every_record_loaded_has_its_creation_oldest_first(client):
    entries, _ = read_all(APIClient())
    assert {(e["type"], e["key"]) for e in entries if e["change"] == "created"} == keys_now()
    assert [e["timestamp"] for e in entries] == sorted(e["timestamp"] for e in entries), "one load: in time order"
    entry = next(e for e in entries if (e["type"], e["key"]) == ("statement", "biden-america-is-back"))
    assert entry["url"] == "http://testserver/api/v1/statements/biden-america-is-back/"
    assert entry["old_key"] is None
    assert client.get(entry["url"]).status_code == 200


@pytest.mark.django_db
def test_pages_by_next_are_the_whole_feed_in_order_and_cost_one_query_each():
    api = APIClient()
    whole, end = read_all(api)
    with CaptureQueriesContext(connection) as queries:
        paged, paged_end = read_all(api, page_size=7)
    assert paged == whole and paged_end == end
    pages = -(-len(whole) // 7)
    assert len(queries) == pages, "one query a page, whatever its size"
    middle = whole[40]["cursor"]
    assert read_all(api, middle)[0] == whole[41:], "an entry's cursor goes on after it"


@committed
def test_asking_again_with_the_stored_cursor_gives_only_what_changed_since(editor):
    api = APIClient()
    _, stored = read_all(api)
    assert (
        editor.post("/api/v1/topics/", {"slug": "feed-probe", "name": "Feed probe"}, format="json").status_code == 201
    )
    assert editor.patch("/api/v1/topics/feed-probe/", {"slug": "feed-probed"}, format="json").status_code == 200
    assert editor.patch("/api/v1/actors/joe-biden/", {"role": "Changed for the feed"}, format="json").status_code == 200
    assert editor.delete("/api/v1/topics/feed-probed/").status_code == 204
    entries, stored_again = read_all(api, stored)
    assert [(e["type"], e["key"], e["old_key"], e["change"]) for e in entries] == [
        ("topic", "feed-probe", None, "created"),
        ("topic", "feed-probed", "feed-probe", "changed"),
        ("actor", "joe-biden", None, "changed"),
        ("topic", "feed-probed", None, "deleted"),
    ]
    assert entries[-1]["url"] == "http://testserver/api/v1/topics/feed-probed/"
    assert entries[-1]["cursor"] == stored_again
    body = api.get(URL, {"cursor": stored_again}).json()
    assert body == {"cursor": stored_again, "next": None, "results": []}, "caught up: the same cursor again"


def in_a_slow_transaction(started, finish):
    """Writes a topic in a transaction of its own (its own connection) that commits only when told."""
    try:
        with transaction.atomic():
            Topic.objects.create(slug="slow-writer", name="Slow writer")
            started.set()
            assert finish.wait(30)
    finally:
        connection.close()


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite takes one write transaction at a time")
@committed
def test_a_transaction_that_wrote_first_and_commits_last_is_not_skipped(editor):
    api = APIClient()
    _, stored = read_all(api)
    started, finish = threading.Event(), threading.Event()
    slow = threading.Thread(target=in_a_slow_transaction, args=(started, finish))
    slow.start()
    try:
        assert started.wait(30)
        assert (
            editor.post("/api/v1/topics/", {"slug": "quick-writer", "name": "Quick"}, format="json").status_code == 201
        )
        # The quick one committed, but the slow one (an older transaction) may still add entries before it.
        held, held_cursor = read_all(api, stored)
        assert (held, held_cursor) == ([], stored)
    finally:
        finish.set()
        slow.join(30)
    entries, _ = read_all(api, stored)
    assert [(e["key"], e["change"]) for e in entries] == [("slow-writer", "created"), ("quick-writer", "created")]


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="transaction ids are PostgreSQL's")
@committed
def test_a_transaction_in_another_database_does_not_hold_the_feed_back():
    import psycopg

    settings = connection.settings_dict
    other = psycopg.connect(
        dbname="postgres", host=settings["HOST"] or None, port=settings["PORT"] or None, user=settings["USER"]
    )
    try:
        other.execute("SELECT pg_current_xact_id()")  # an open transaction with an id, older than the write below
        api = APIClient()
        _, stored = read_all(api)
        Topic.objects.create(slug="beside-another-database", name="Beside")
        entries, _ = read_all(api, stored)
        assert [e["key"] for e in entries] == ["beside-another-database"]
    finally:
        other.close()


@committed
def test_redacted_history_stays_redacted_in_the_feed(editor):
    url = "/api/v1/statements/amlo-expectations-better-treatment-of-migrants/"
    api = APIClient()
    _, stored = read_all(api)
    assert editor.patch(url, {"notes": "Call Jane on +1 555 0100."}, format="json").status_code == 200
    assert editor.patch(url, {"notes": "Corrected."}, format="json").status_code == 200
    added = editor.get(f"{url}history/").json()["results"][1]
    redact = editor.post(f"{url}history/{added['history_id']}/redact/", {"fields": ["notes"], "reason": "x"}, "json")
    assert redact.status_code == 200, redact.content
    whole = api.get(URL, {"page_size": 1000})
    assert "555 0100" not in whole.content.decode()
    assert "555 0100" not in api.get(URL, {"page_size": 1000, "format": "csv"}).content.decode()
    changed = read_all(api, stored)[0]
    assert [(e["key"], e["change"]) for e in changed] == [
        ("amlo-expectations-better-treatment-of-migrants", "changed")
    ] * 2


def token(text):
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params",
    [
        {"cursor": "not-a-cursor"},
        {"cursor": token("[1, 2, 3]")},
        {"cursor": token('[-1, "2021-05-07T12:00:00Z", "topic", 1]')},
        {"cursor": token('[0, "2021-02-30T12:00:00Z", "topic", 1]')},
        {"cursor": token('[0, "9999-12-31T23:59:59-23:59", "topic", 1]')},
        {"cursor": token('[0, "2021-05-07T12:00:00Z", "topic", 99999999999999999999]')},
        {"cursor": token("[" * 1000)},
        {"cursor": ["", ""]},
        {"page_size": "0"},
        {"page_size": "abc"},
        {"page": "2"},
        {"type": "topic"},
    ],
    ids=str,
)
def test_bad_parameters_are_a_400_naming_them(client, params):
    response = client.get(URL, params)
    assert response.status_code == 400, response.content
    assert set(response.json()) == set(params)


@pytest.mark.django_db
def test_a_page_is_at_most_a_thousand_entries_and_answers_csv(client):
    assert len(client.get(URL, {"page_size": "5000"}).json()["results"]) == min(1000, len(read_all(client)[0]))
    rows = client.get(URL, {"page_size": "3", "format": "csv"}).content.decode().splitlines()
    assert rows[0] == "type,key,old_key,change,timestamp,url,cursor" and len(rows) == 4
