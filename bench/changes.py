"""The change feed at a million history rows (issue #17): time a page of `/api/v1/changes/` in process.

    DATABASE_URL=postgres://…/db .venv/bin/python -m bench.changes [--rows 1000000]

Adds synthetic history rows (topic history, in batches of transactions, as many writes would leave)
to the database until it holds `--rows`, then times pages of 50 from the start, from the middle,
and from the end (caught up), 50 each, and prints the medians. Use a copy, never a shared database."""

import argparse
import os
import statistics
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "policy.settings")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402

from policy import records  # noqa: E402


def history_rows():
    with connection.cursor() as cursor:
        total = 0
        for record_type in records.TYPES:
            cursor.execute(f"SELECT count(*) FROM {record_type.model.history.model._meta.db_table}")
            total += cursor.fetchone()[0]
    return total


def add_rows(missing, per_transaction=1000):
    table = records.TOPIC.model.history.model._meta.db_table
    done = 0
    while done < missing:
        batch = min(100_000, missing - done)
        # As if written by one transaction per `per_transaction` rows, all before the real ones (ids from 0).
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"""INSERT INTO {table} (id, slug, name, description, created_at, updated_at, history_date,
                    history_type, history_xid)
                SELECT 1000000 + n, 'bench-topic-' || n, 'Bench topic ' || n, '', now(), now(),
                       now() - (%s - n) * interval '1 second', CASE WHEN n %% 10 = 0 THEN '+' ELSE '~' END,
                       n / %s
                FROM generate_series(%s, %s) AS n""",
                [missing, per_transaction, done, done + batch - 1],
            )
        done += batch
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {table}")


def median_ms(client, params, runs=50):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get("/api/v1/changes/", params)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.content
    return statistics.median(times), response.json()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    rows = parser.parse_args().rows
    assert connection.vendor == "postgresql", "the bench measures PostgreSQL"
    have = history_rows()
    if have < rows:
        add_rows(rows - have)
    print(f"history rows: {history_rows():,}")
    client = APIClient()
    first, body = median_ms(client, {"page_size": 50})
    print(f"first page of 50:            {first:6.1f} ms")
    cursor = body["cursor"]
    for _ in range(200):  # well into the table
        cursor = client.get("/api/v1/changes/", {"cursor": cursor, "page_size": 1000}).json()["cursor"]
    middle, _ = median_ms(client, {"cursor": cursor, "page_size": 50})
    print(f"a page of 50 deep in:        {middle:6.1f} ms")
    last = body
    while last["next"]:
        last = client.get(last["next"].replace("page_size=50", "page_size=1000")).json()
    caught_up, _ = median_ms(client, {"cursor": last["cursor"]})
    print(f"caught up (no entries):      {caught_up:6.1f} ms")


if __name__ == "__main__":
    main()
