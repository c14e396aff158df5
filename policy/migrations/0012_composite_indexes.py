"""Composite indexes for the filters people combine with a date (issue #18): one speaker's
statements in a date range, newest first; a jurisdiction's policies; a donor's aid packages.
On both engines a page walks the index in the order's direction and stops when it is full.

On SQLite it also repairs 0005's search index: 0009's AlterFields copied the record tables
(Django's SQLite ALTER), which drops their triggers, and without them search falls back to
reading every row. Each searched table whose three triggers are missing gets its FTS5 index
made again (rebuilt from the table, so it is complete)."""

import importlib

from django.db import migrations, models

# Frozen history: the search index 0005 made, and how it makes one.
SEARCH = importlib.import_module("policy.migrations.0005_search_sqlite")


def repair_search(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite" or not SEARCH.trigram_available(schema_editor):
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        triggers = {name for (name,) in cursor.fetchall()}
    for model, columns in SEARCH.STORED.items():
        if not set(SEARCH.names(model)[2]) <= triggers:
            for statement in [*SEARCH.drop_statements(model), *SEARCH.create_statements(model, columns)]:
                schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("policy", "0011_source_text_license"),
    ]

    operations = [
        migrations.RunPython(repair_search, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="aidpackage",
            index=models.Index(fields=["donor", "announced_on"], name="aid_donor_announced"),
        ),
        migrations.AddIndex(
            model_name="policy",
            index=models.Index(fields=["jurisdiction", "start_date"], name="policy_jurisdiction_start"),
        ),
        migrations.AddIndex(
            model_name="statement",
            index=models.Index(fields=["speaker", "said_on"], name="stmt_speaker_said_on"),
        ),
    ]
