"""Search that forgives accents and case (policy.search): `lopez`, `LOPEZ` and `López` find the same records.

PostgreSQL:
- the `unaccent` extension (contrib, trusted: the database's owner may create it) and
  `policy_unaccent(text)`, an IMMUTABLE wrapper of its default dictionary that indexes and
  generated columns may use (`unaccent()` itself is only STABLE: its dictionary is looked up by
  name). Where the migrating role may create C functions (a superuser), the wrapper calls the
  extension's C function directly and PostgreSQL inlines it; otherwise it is an SQL function
  over `unaccent()`, which costs about twice as much per row a search rechecks;
- the stored documents of 0003 again, over the unaccented fields (`search_document`);
- the trigram indexes again, on `UPPER(policy_unaccent(column::text))`, which policy.search's
  substring test compares with `UPPER(policy_unaccent('%…%'))`;
- the reference tables' document indexes again, over the unaccented fields.

SQLite: 0005's FTS5 indexes become contentless FTS5 trigram tables holding the searched columns
folded (`policy_fold`: accents removed, case-folded; policy.search.folding, which policy.search
registers in every connection Django opens), kept in step by triggers that fold what they index.
Writing to these tables from an SQLite connection that is not Django's (the sqlite3 shell)
fails with "no such function: policy_fold". A later migration that makes Django copy one of
these tables (an ALTER on SQLite) drops its triggers: it must run `create_statements` again.

The names and columns below are frozen copies (tests/test_record_types.py compares them with
the declarations in policy.records).
"""

import importlib

from django.db import migrations

SEARCH_PG = importlib.import_module("policy.migrations.0003_search_postgresql")
SEARCH_SQLITE = importlib.import_module("policy.migrations.0005_search_sqlite")

COLUMN = "search_document"
FUNCTION = "policy_unaccent"
STORED = {
    "source": ["title", "notes"],
    "event": ["title", "location", "excerpt"],
    "policy": ["title", "summary", "excerpt"],
    "aidpackage": ["title", "channel", "excerpt"],
    "statement": ["text"],
    "statistic": ["title", "indicator", "notes"],
}
EXPRESSIONS = {
    "country": [("code", "iso3", "name")],
    "topic": [("slug", "name", "description")],
    "actor": [("name", "aliases", "role"), ("name", "aliases"), ("name",)],
}
TRIGRAM = {"actor": ["name", "aliases", "role"], **STORED}
SHORT = {"aidpackage": "aid", "statement": "stmt", "statistic": "stat"}


# PostgreSQL


def unaccented(field):
    return f"{FUNCTION}(COALESCE(\"{field}\"::text, ''))"


def stored_document(fields):
    return " || ".join(
        f"setweight(to_tsvector('simple'::regconfig, {unaccented(field)}), '{weight}')"
        for field, weight in zip(fields, "ABCD")
    )


def expression_document(fields):
    """The reference tables' document; policy.search.postgresql.UnaccentedDocument writes the same."""
    joined = " || ' ' || ".join(f"COALESCE(\"{field}\"::text, '')" for field in fields)
    return f"to_tsvector('simple'::regconfig, {FUNCTION}({joined}))"


def index_name(model, fields):
    return f"{model}_{'_'.join(field[:4] for field in fields)}_fts"


def statements():
    """(create, drop) pairs, in the order they are created."""
    for model, fields in STORED.items():
        table, prefix = f"policy_{model}", SHORT.get(model, model)
        yield (
            f'ALTER TABLE "{table}" ADD COLUMN "{COLUMN}" tsvector GENERATED ALWAYS AS ({stored_document(fields)}) STORED',
            f'ALTER TABLE "{table}" DROP COLUMN "{COLUMN}"',
        )
        yield (
            f'CREATE INDEX "{prefix}_search_fts" ON "{table}" USING gin ("{COLUMN}")',
            f'DROP INDEX "{prefix}_search_fts"',
        )
    for model, columns in TRIGRAM.items():
        table, prefix = f"policy_{model}", SHORT.get(model, model)
        for column in columns:
            yield (
                f'CREATE INDEX "{prefix}_{column}_trgm" ON "{table}" '
                f'USING gin ((UPPER({FUNCTION}("{column}"::text))) gin_trgm_ops)',
                f'DROP INDEX "{prefix}_{column}_trgm"',
            )
    for model, documents in EXPRESSIONS.items():
        for fields in documents:
            name = index_name(model, fields)
            yield (
                f'CREATE INDEX "{name}" ON "policy_{model}" USING gin (({expression_document(fields)}))',
                f'DROP INDEX "{name}"',
            )


def old_statements():
    """0003's columns and indexes: (create, drop) pairs."""
    yield from SEARCH_PG.statements()
    for model, documents in SEARCH_PG.EXPRESSIONS.items():
        for fields in documents:
            yield None, f'DROP INDEX "{index_name(model, fields)}"'


def create_function(schema_editor):
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'unaccent'")
        (schema,) = cursor.fetchone()
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        (superuser,) = cursor.fetchone()
    dictionary = f"'{schema}.unaccent'::regdictionary"
    if superuser:  # the extension's C function, declared IMMUTABLE: the SQL wrapper is inlined
        schema_editor.execute(
            f"CREATE OR REPLACE FUNCTION {FUNCTION}_dictionary(regdictionary, text) RETURNS text "
            "LANGUAGE c IMMUTABLE PARALLEL SAFE STRICT AS '$libdir/unaccent', 'unaccent_dict'"
        )
        body = f"SELECT {FUNCTION}_dictionary({dictionary}, $1)"
    else:
        body = f"SELECT {schema}.unaccent({dictionary}, $1)"
    schema_editor.execute(
        f"CREATE OR REPLACE FUNCTION {FUNCTION}(text) RETURNS text "
        f"LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$ {body} $$"
    )


def forwards_postgresql(schema_editor):
    create_function(schema_editor)
    schema_editor.execute("SET LOCAL maintenance_work_mem = '256MB'")
    for _, drop in reversed(list(old_statements())):
        schema_editor.execute(drop)
    for create, _ in statements():
        schema_editor.execute(create)
    for model in TRIGRAM:  # the tables rewritten, and statistics of the new index expressions for the planner
        schema_editor.execute(f'ANALYZE "policy_{model}"')


def backwards_postgresql(apps, schema_editor):
    for _, drop in reversed(list(statements())):
        schema_editor.execute(drop)
    for create, _ in SEARCH_PG.statements():
        schema_editor.execute(create)
    for model, index in SEARCH_PG.expression_indexes():
        schema_editor.add_index(apps.get_model("policy", model), index)
    schema_editor.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}(text)")
    schema_editor.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}_dictionary(regdictionary, text)")


# SQLite


def names(model):
    table = f"policy_{model}"
    return table, f"{table}_fts", [f"{table}_fts_{event}" for event in ("insert", "delete", "update")]


def create_statements(model, columns):
    """A contentless FTS5 trigram table over the folded columns, its triggers, and its rows."""
    table, fts, (on_insert, on_delete, on_update) = names(model)
    listed = ", ".join(columns)
    new = ", ".join(f"policy_fold(new.{column})" for column in columns)
    old = ", ".join(f"policy_fold(old.{column})" for column in columns)
    folded = ", ".join(f"policy_fold({column})" for column in columns)
    changed = " OR ".join(f"old.{column} IS NOT new.{column}" for column in ["id", *columns])
    add = f"INSERT INTO {fts}(rowid, {listed}) VALUES (new.id, {new});"
    remove = f"INSERT INTO {fts}({fts}, rowid, {listed}) VALUES ('delete', old.id, {old});"
    return [
        f"CREATE VIRTUAL TABLE {fts} USING fts5({listed}, content='', tokenize='trigram')",
        f"CREATE TRIGGER {on_insert} AFTER INSERT ON {table} BEGIN {add} END",
        f"CREATE TRIGGER {on_delete} AFTER DELETE ON {table} BEGIN {remove} END",
        f"CREATE TRIGGER {on_update} AFTER UPDATE OF id, {listed} ON {table} WHEN {changed} BEGIN {remove} {add} END",
        f"INSERT INTO {fts}(rowid, {listed}) SELECT id, {folded} FROM {table}",
    ]


def drop_statements(model):
    return SEARCH_SQLITE.drop_statements(model)


def forwards_sqlite(schema_editor):
    if not SEARCH_SQLITE.trigram_available(schema_editor):
        return
    for model, columns in STORED.items():
        for statement in [*drop_statements(model), *create_statements(model, columns)]:
            schema_editor.execute(statement)


def backwards_sqlite(schema_editor):
    if not SEARCH_SQLITE.trigram_available(schema_editor):
        return
    for model, columns in SEARCH_SQLITE.STORED.items():
        for statement in [*drop_statements(model), *SEARCH_SQLITE.create_statements(model, columns)]:
            schema_editor.execute(statement)


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        forwards_postgresql(schema_editor)
    elif vendor == "sqlite":
        forwards_sqlite(schema_editor)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        backwards_postgresql(apps, schema_editor)
    elif vendor == "sqlite":
        backwards_sqlite(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("policy", "0012_composite_indexes")]

    operations = [migrations.RunPython(forwards, backwards)]
