"""Changes (issue #17).

- `created_at` indexed on every record table, for `created_after=`/`created_before=` (`updated_at`
  already is, since 0002).
- On PostgreSQL, every record type's history table gets `history_xid`: the id of the transaction
  that wrote the entry, filled by the database (`pg_current_xact_id()`), never by the ORM, and an
  index that orders the change feed by it (policy.reading.changes). The entries already recorded
  get this migration's transaction id, so they stay first, in their order of time. SQLite: nothing.
"""

from django.db import migrations, models

# Frozen copy of the record types' history tables (tests/test_record_types.py compares it with policy.records).
FEED_TABLES = [
    "historicalactor",
    "historicalaidpackage",
    "historicalcountry",
    "historicalevent",
    "historicalpolicy",
    "historicalsource",
    "historicalstatement",
    "historicalstatistic",
    "historicaltopic",
]


def add_transaction_ids(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in FEED_TABLES:
        schema_editor.execute(
            f'ALTER TABLE "policy_{table}" ADD COLUMN "history_xid" bigint NOT NULL '
            "DEFAULT (pg_current_xact_id()::text::bigint)"
        )
        schema_editor.execute(
            f'CREATE INDEX "policy_{table}_feed" ON "policy_{table}" ("history_xid", "history_date", "history_id")'
        )


def drop_transaction_ids(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for table in FEED_TABLES:
            schema_editor.execute(f'ALTER TABLE "policy_{table}" DROP COLUMN "history_xid"')


class Migration(migrations.Migration):

    dependencies = [
        ('policy', '0008_history_redaction'),
    ]

    operations = [
        migrations.RunPython(add_transaction_ids, drop_transaction_ids),
        migrations.AlterField(
            model_name='actor',
            name='created_at',
            field=models.DateTimeField(auto_now_add=True, db_index=True),
        ),
        migrations.AlterField(
            model_name='aidpackage',
            name='created_at',
            field=models.DateTimeField(auto_now_add=True, db_index=True),
        ),
        migrations.AlterField(
            model_name='country',
            name='created_at',
            field=models.DateTimeField(auto_now_add=True, db_index=True),
        ),
        migrations.AlterField(
            model_name='event',
            name='created_at',
            field=models.DateTimeField(auto_now_add=True, db_index=True),
        ),
        migrations.AlterField(
            model_name='historicalactor',
            name='created_at',
            field=models.DateTimeField(blank=True, db_index=True, editable=False),
        ),
        migrations.AlterField(
            model_name='historicalaidpackage',
            name='created_at',
            field=models.DateTimeField(blank=True, db_index=True, editable=False),
        ),
        migrations.AlterField(
            model_name='historicalcountry',
            name='created_at',
            field=models.DateTimeField(blank=True, db_index=True, editable=False),
        ),
        migrations.AlterField(
            model_name='historicalevent',
            name='created_at',
            field=models.DateTimeField(blank=True, db_index=True, editable=False),
        ),
        migrations.AlterField(
            model_name='historicalpolicy',
            name='created_at',
            field=models.DateTimeField(blank=True, db_index=True, editable=False),
        ),
        migrations.AlterField(
            model_name='historicalsource',
            name='created_at',
            field=models.DateTimeField(blank=True, db_index=True, editable=False),
        ),
        migrations.AlterField(
            model_name='historicalstatement',
            name='created_at',
            field=models.DateTimeField(blank=True, db_index=True, editable=False),
        ),
        migrations.AlterField(
            model_name='historicalstatistic',
            name='created_at',
            field=models.DateTimeField(blank=True, db_index=True, editable=False),
        ),
        migrations.AlterField(
            model_name='historicaltopic',
            name='created_at',
            field=models.DateTimeField(blank=True, db_index=True, editable=False),
        ),
        migrations.AlterField(
            model_name='policy',
            name='created_at',
            field=models.DateTimeField(auto_now_add=True, db_index=True),
        ),
        migrations.AlterField(
            model_name='source',
            name='created_at',
            field=models.DateTimeField(auto_now_add=True, db_index=True),
        ),
        migrations.AlterField(
            model_name='statement',
            name='created_at',
            field=models.DateTimeField(auto_now_add=True, db_index=True),
        ),
        migrations.AlterField(
            model_name='statistic',
            name='created_at',
            field=models.DateTimeField(auto_now_add=True, db_index=True),
        ),
        migrations.AlterField(
            model_name='topic',
            name='created_at',
            field=models.DateTimeField(auto_now_add=True, db_index=True),
        ),
    ]
