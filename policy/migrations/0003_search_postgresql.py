"""`search=` on PostgreSQL (policy.search): full-text documents and trigram indexes.

- Record types that grow with the data keep their full-text document in a stored generated
  column, `search_document` (fields weighted A, B, C in the order of the FilterSet's
  search_fields), GIN-indexed: matching and ranking read it instead of parsing the text of
  every candidate row again. The models do not declare it (SQLite has no tsvector, and no
  write ever sets it); policy.search reads it by name.
- The reference tables (actors, topics, countries) stay small: GIN indexes on the document
  expressions policy.search builds with SearchVector.
- A trigram GIN index (pg_trgm) on each searched column of the growing tables answers the
  substring test, `UPPER(col::text) LIKE UPPER('%…%')` — Django's icontains.

On any other database this migration does nothing.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

COLUMN = "search_document"
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


def stored_document(fields):
    parts = [
        f"setweight(to_tsvector('simple'::regconfig, COALESCE(\"{field}\"::text, '')), '{weight}')"
        for field, weight in zip(fields, "ABCD")
    ]
    return " || ".join(parts)


def statements():
    for model, fields in STORED.items():
        table, prefix = f"policy_{model}", SHORT.get(model, model)
        yield (
            f'ALTER TABLE "{table}" ADD COLUMN "{COLUMN}" tsvector '
            f"GENERATED ALWAYS AS ({stored_document(fields)}) STORED",
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
                f'CREATE INDEX "{prefix}_{column}_trgm" ON "{table}" USING gin ((UPPER("{column}"::text)) gin_trgm_ops)',
                f'DROP INDEX "{prefix}_{column}_trgm"',
            )


def expression_indexes():
    for model, documents in EXPRESSIONS.items():
        for fields in documents:
            name = f"{model}_{'_'.join(field[:4] for field in fields)}_fts"
            yield model, GinIndex(SearchVector(*fields, config="simple"), name=name)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute("SET LOCAL maintenance_work_mem = '256MB'")
    for create, _ in statements():
        schema_editor.execute(create)
    for model, index in expression_indexes():
        schema_editor.add_index(apps.get_model("policy", model), index)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model, index in expression_indexes():
        schema_editor.remove_index(apps.get_model("policy", model), index)
    for _, drop in reversed(list(statements())):
        schema_editor.execute(drop)


class Migration(migrations.Migration):
    dependencies = [("policy", "0002_indexes")]

    operations = [migrations.RunPython(forwards, backwards)]
