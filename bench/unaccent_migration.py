"""Migration 0013_search_unaccent at scale: its forward SQL timed statement by statement.

On a COPY of a bench database (it refuses the shared ones). PostgreSQL: the objects 0013 created
(the stored `search_document` columns and every search index) are dropped, then the migration's
own forward function runs again, each statement timed, in one transaction as `migrate` runs it;
the 0003 objects it would drop first are gone already, so those drops are skipped. SQLite: the
forward function drops the FTS5 tables it finds and fills them again, so it simply runs again.
What is measured is the migration's work on a database of that size; `migrate` adds only its
bookkeeping.

    createdb -h 127.0.0.1 -U postgres -T bench_1000000 bench_me
    python -m bench.unaccent_migration --url postgres://postgres@127.0.0.1:5432/bench_me
    cp bench/results/data/sqlite-1000000.sqlite3 /tmp/me.sqlite3
    python -m bench.unaccent_migration --url sqlite:////tmp/me.sqlite3
"""

import argparse
import importlib
import os
import re
import time

import django

SHARED = re.compile(r"/bench_[0-9]+$|/bench/results/data/")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="a copy of a bench database: it is altered")
    options = parser.parse_args()
    if SHARED.search(options.url):
        raise SystemExit("That is a shared bench database: make a copy (createdb -T …) and point --url at it.")
    os.environ["DATABASE_URL"] = options.url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "policy.settings")
    django.setup()
    from django.db import connection

    migration = importlib.import_module("policy.migrations.0013_search_unaccent")
    postgresql = connection.vendor == "postgresql"
    if postgresql:
        with connection.schema_editor() as editor:
            for _, drop in reversed(list(migration.statements())):
                editor.execute(drop)
    skipped = {drop for _, drop in migration.old_statements()}
    timings = []
    print(f"load average before: {os.getloadavg()}\n")
    started = time.monotonic()
    with connection.schema_editor() as editor:
        execute = editor.execute

        def timed(sql, params=()):
            if sql in skipped:
                return
            before = time.monotonic()
            execute(sql, params)
            timings.append((time.monotonic() - before, " ".join(sql.split())[:110]))

        editor.execute = timed
        (migration.forwards_postgresql if postgresql else migration.forwards_sqlite)(editor)
    total = time.monotonic() - started  # the commit included
    print("| seconds | statement |\n|---:|---|")
    for seconds, sql in timings:
        if seconds >= 1:
            print(f"| {seconds:.1f} | `{sql}` |")
    print(f"| {sum(s for s, _ in timings if s < 1):.1f} | the {sum(1 for s, _ in timings if s < 1)} others |")
    print(f"\n**{total:.0f} s** in all (load average after: {os.getloadavg()})")


if __name__ == "__main__":
    main()
