"""`search=` on SQLite (policy.search): an FTS5 trigram index per growing record type.

For each table 0003 gives a stored document on PostgreSQL, and over the same columns:

- an external-content FTS5 table, `policy_<model>_fts` (`content='policy_<model>'`,
  `content_rowid='id'`, `tokenize='trigram'`): it stores only the index, the texts stay in the
  record's table. A phrase query of 3 or more characters is a case-insensitive substring test
  over the indexed columns, answered from the index;
- triggers keeping it in step with every write, whoever makes it (the ORM, `loaddata`, raw
  SQL): after an insert, after a delete, and after an update that changes an indexed column
  (the old text is removed with FTS5's 'delete' command, the new one added);
- filled once with FTS5's 'rebuild' command.

Where the SQLite library lacks FTS5 or its trigram tokenizer (SQLite < 3.34), this migration
does nothing and search keeps comparing substrings row by row; on any other database too.

Django's SQLite schema editor alters a table by copying it into a new one, which drops its
triggers: a later migration that alters one of these tables must create them again
(`create_statements` below; tests/test_search_sqlite.py checks that they all exist).
"""

import importlib

from django.db import OperationalError, migrations, transaction

# The same tables and columns as PostgreSQL's stored documents (a migration's module is frozen history).
STORED = importlib.import_module("policy.migrations.0003_search_postgresql").STORED
PROBE = "CREATE VIRTUAL TABLE temp.policy_fts_probe USING fts5(a, tokenize='trigram')"


def names(model):
    table = f"policy_{model}"
    return table, f"{table}_fts", [f"{table}_fts_{event}" for event in ("insert", "delete", "update")]


def create_statements(model, columns):
    table, fts, (on_insert, on_delete, on_update) = names(model)
    listed = ", ".join(columns)
    new = ", ".join(f"new.{column}" for column in columns)
    old = ", ".join(f"old.{column}" for column in columns)
    changed = " OR ".join(f"old.{column} IS NOT new.{column}" for column in ["id", *columns])
    add = f"INSERT INTO {fts}(rowid, {listed}) VALUES (new.id, {new});"
    remove = f"INSERT INTO {fts}({fts}, rowid, {listed}) VALUES ('delete', old.id, {old});"
    return [
        f"CREATE VIRTUAL TABLE {fts} USING fts5({listed}, content='{table}', content_rowid='id', tokenize='trigram')",
        f"CREATE TRIGGER {on_insert} AFTER INSERT ON {table} BEGIN {add} END",
        f"CREATE TRIGGER {on_delete} AFTER DELETE ON {table} BEGIN {remove} END",
        f"CREATE TRIGGER {on_update} AFTER UPDATE OF id, {listed} ON {table} WHEN {changed} BEGIN {remove} {add} END",
        f"INSERT INTO {fts}({fts}) VALUES ('rebuild')",
    ]


def drop_statements(model):
    _, fts, triggers = names(model)
    return [*(f"DROP TRIGGER IF EXISTS {trigger}" for trigger in triggers), f"DROP TABLE IF EXISTS {fts}"]


def trigram_available(schema_editor):
    """Whether this SQLite library has FTS5 with the trigram tokenizer (SQLite ≥ 3.34)."""
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute(PROBE)
            schema_editor.execute("DROP TABLE temp.policy_fts_probe")
    except OperationalError:
        return False
    return True


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite" or not trigram_available(schema_editor):
        return
    for model, columns in STORED.items():
        for statement in create_statements(model, columns):
            schema_editor.execute(statement)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for model in STORED:
        for statement in drop_statements(model):
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("policy", "0004_keyset_postgresql")]

    operations = [migrations.RunPython(forwards, backwards)]
