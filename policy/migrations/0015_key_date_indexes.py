"""Indexes for a date range listed in the default order (issue #18): `?date_after=…&date_before=…`,
by key (slug). A page then has two ways to its rows: read the range from the date's index and sort
it by key, or walk the key's index and keep the rows in the range until the page is full. The first
costs the range's size (a year of a million statements, ~40,000 rows: 30–40 ms on SQLite), the
second the table's size over the range's (2,000 rows in range: 23,000 rows walked); either way each
row read was a visit to the table. An index of the key that also holds the date (and on PostgreSQL
the id) lets the walk read the index alone: at a million statements, a page of a range of 2,000 to
80,000 statements takes 0.02–1.5 ms either engine (walking 1.5–80 ms on SQLite before, 0.03–12 ms
on PostgreSQL).

PostgreSQL's planner sees the range's size in its statistics and chooses the walk itself. SQLite's
does not (it always reads the date's index first): the list's bounded count tells it
(policy.querying.plans).

The tables and columns below are frozen copies (policy.records declares the types' keys and main
dates; tests/test_record_types.py compares them)."""

from django.db import migrations

# table: (key, main date) — the growing types with a main date.
KEY_DATES = {
    "policy_policy": ("slug", "start_date"),
    "policy_aidpackage": ("slug", "announced_on"),
    "policy_statement": ("slug", "said_on"),
    "policy_statistic": ("slug", "period_start"),
    "policy_event": ("slug", "start_date"),
    "policy_source": ("slug", "published_on"),
}


def index_name(table):
    return f"{table.removeprefix('policy_')}_key_date"


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table, (key, date) in KEY_DATES.items():
        name = index_name(table)
        if vendor == "postgresql":
            # INCLUDE: the id too, which a page's first query selects (an index-only scan).
            schema_editor.execute(f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" ("{key}") INCLUDE ("{date}", "id")')
            schema_editor.execute(f'ANALYZE "{table}"')
        elif vendor == "sqlite":  # the rowid (id) is in every index
            schema_editor.execute(f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" ("{key}", "{date}")')
            schema_editor.execute(f'ANALYZE "{name}"')


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor in ("postgresql", "sqlite"):
        for table in KEY_DATES:
            schema_editor.execute(f'DROP INDEX IF EXISTS "{index_name(table)}"')


class Migration(migrations.Migration):
    dependencies = [("policy", "0014_filter_with_date_indexes")]

    operations = [migrations.RunPython(forwards, backwards)]
