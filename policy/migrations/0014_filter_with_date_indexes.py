"""Indexes for a many-to-many filter combined with a date (issue #18): `?country=GT&date_after=…
&ordering=-said_on`, `?topic=…&date_before=…` — the page and its (bounded) count.

PostgreSQL: such a filter reads the record's link arrays (migration 0006). A B-tree over the
type's main date and id that carries the arrays (INCLUDE) lets the page walk the date range in
order and test the arrays in the index itself, with no visit to the table (an index-only scan):
at a million statements a country's count in a date range went from 64 ms to 1.4 ms, its page
from 0.7 to 0.15 ms.

SQLite: a filter reads the link table (`policy_statement_countries`). An index of each link
table by the related record then the owner (country, statement) answers "the statements of
this country" from the index alone, and policy.filters probes the existing (statement, country)
unique index row by row for a related record linked to many rows (policy.filters.COMMON_LINKS).

The names and columns below are frozen copies (policy.records declares the types' dates and
link arrays; tests/test_date_link_indexes.py compares them)."""

from django.db import migrations

# table: (main date, its link arrays) — the growing types with link arrays (0006's LINKED).
DATED_LINKS = {
    "policy_statement": ("said_on", ["policies_ids", "countries_ids", "topics_ids"]),
    "policy_policy": ("start_date", ["countries_ids", "actors_ids", "topics_ids"]),
    "policy_event": ("start_date", ["participants_ids", "countries_ids", "topics_ids"]),
    "policy_aidpackage": ("announced_on", ["recipients_ids", "topics_ids"]),
    "policy_statistic": ("period_start", ["countries_ids", "topics_ids"]),
}
# link table: (owner column, related column)
LINK_TABLES = {
    "policy_statement_policies": ("statement_id", "policy_id"),
    "policy_statement_countries": ("statement_id", "country_id"),
    "policy_statement_topics": ("statement_id", "topic_id"),
    "policy_policy_countries": ("policy_id", "country_id"),
    "policy_policy_actors": ("policy_id", "actor_id"),
    "policy_policy_topics": ("policy_id", "topic_id"),
    "policy_event_participants": ("event_id", "actor_id"),
    "policy_event_countries": ("event_id", "country_id"),
    "policy_event_topics": ("event_id", "topic_id"),
    "policy_aidpackage_recipients": ("aidpackage_id", "country_id"),
    "policy_aidpackage_topics": ("aidpackage_id", "topic_id"),
    "policy_statistic_countries": ("statistic_id", "country_id"),
    "policy_statistic_topics": ("statistic_id", "topic_id"),
}


def dated_index(table):
    return f"{table.removeprefix('policy_')}_date_links"


def link_index(table):
    return f"{table.removeprefix('policy_')}_by_target"


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for table, (date, arrays) in DATED_LINKS.items():
            carried = ", ".join(f'"{array}"' for array in arrays)
            schema_editor.execute(f'CREATE INDEX "{dated_index(table)}" ON "{table}" ("{date}", "id") INCLUDE ({carried})')
            schema_editor.execute(f'ANALYZE "{table}"')
    elif vendor == "sqlite":
        for table, (owner, target) in LINK_TABLES.items():
            schema_editor.execute(f'CREATE INDEX "{link_index(table)}" ON "{table}" ("{target}", "{owner}")')
            schema_editor.execute(f'ANALYZE "{table}"')


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    names = [dated_index(t) for t in DATED_LINKS] if vendor == "postgresql" else [link_index(t) for t in LINK_TABLES]
    if vendor in ("postgresql", "sqlite"):
        for name in names:
            schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [("policy", "0013_search_unaccent")]

    operations = [migrations.RunPython(forwards, backwards)]
