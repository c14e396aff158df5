"""Search folds typographic punctuation and whitespace runs on SQLite too (policy.search.folding).

`policy_fold` now maps the punctuation PostgreSQL's `unaccent` maps (’ → ', “ ” → ", – — → -,
… → ...; folding.PUNCTUATION) and makes any run of whitespace one space, so `Mexico's` finds
"Mexico’s" and `Lopez  Obrador` "Lopez Obrador". The FTS5 indexes of migration 0013 hold their
rows folded the old way: this empties each and fills it again through `policy_fold`; the triggers
call `policy_fold` by name and need no change. Reversed, it does the same, with whatever `fold`
the code running it has. PostgreSQL: nothing (its `unaccent` already folded this punctuation, and
its full text ignores whitespace).

Measured on a copy of the bench's SQLite file (a million statements, 2026-12-01, 2 cores shared
with other work, load average 6–7): `migrate policy 0016` took 282 s wall (32 s user + 37 s system
CPU), the reverse 298 s (34 + 39 s); one transaction, during which writes wait.
"""

import importlib

from django.db import migrations

SEARCH = importlib.import_module("policy.migrations.0013_search_unaccent")


def refold(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        tables = {name for (name,) in cursor.fetchall()}
    for model, columns in SEARCH.STORED.items():
        table, fts, _ = SEARCH.names(model)
        if fts not in tables:  # an SQLite without FTS5's trigram tokenizer: searches use LIKE
            continue
        listed = ", ".join(columns)
        folded = ", ".join(f"policy_fold({column})" for column in columns)
        schema_editor.execute(f"INSERT INTO {fts}({fts}) VALUES ('delete-all')")
        schema_editor.execute(f"INSERT INTO {fts}(rowid, {listed}) SELECT id, {folded} FROM {table}")


class Migration(migrations.Migration):
    dependencies = [("policy", "0015_key_date_indexes")]

    operations = [migrations.RunPython(refold, refold)]
