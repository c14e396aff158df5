"""Many-to-many filters on PostgreSQL (policy.link_arrays): each record's links, copied into arrays.

`?topic=migration&country=MX` on a million statements intersected two link tables: PostgreSQL
read the topic's 8,000 links and probed the country's link index for each (15–20 ms of
database time per page). Here each growing record table gets, per many-to-many field, a
`<field>_ids bigint[]` column holding the ids it links to, and one multi-column GIN index over
those arrays: any combination of relation filters becomes one bitmap scan of one index
(`topics_ids && '{1}' AND countries_ids && '{2}'`, 2–4 ms).

The database keeps the arrays right, not the application: statement-level triggers on each
link table (insert, delete, update, truncate — any path, the ORM's `.set()`, raw SQL, COPY)
rewrite the arrays of the records whose links changed, after locking their rows, so that two
transactions changing one record's links at once both end up in its array. The models do not declare the
columns (SQLite keeps its link-table subqueries, and no write sets them); they default to
an empty array.

On any other database this migration does nothing.
"""

from django.db import migrations

LINKED = {
    "event": ["participants", "countries", "topics"],
    "policy": ["countries", "actors", "topics"],
    "aidpackage": ["recipients", "topics"],
    "statement": ["policies", "countries", "topics"],
    "statistic": ["countries", "topics"],
}
SHORT = {"aidpackage": "aid", "statement": "stmt", "statistic": "stat"}

SYNC = """
CREATE FUNCTION "{function}"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    owners bigint[];
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        UPDATE "{owner}" SET "{column}" = '{{}}' WHERE "{column}" <> '{{}}';
        RETURN NULL;
    ELSIF TG_OP = 'INSERT' THEN
        owners := ARRAY(SELECT "{owner_id}" FROM new_rows);
    ELSIF TG_OP = 'DELETE' THEN
        owners := ARRAY(SELECT "{owner_id}" FROM old_rows);
    ELSE
        owners := ARRAY(SELECT "{owner_id}" FROM new_rows UNION SELECT "{owner_id}" FROM old_rows);
    END IF;
    -- The records' rows are locked first, in a statement of their own: when another transaction
    -- holds one (it is changing the same record's links), this waits for its commit, and the
    -- UPDATE below, a new statement, reads the link table as it is after it. An UPDATE alone
    -- would read the link table as it was when it started, before the wait, and lose those links.
    PERFORM 1 FROM "{owner}" WHERE id = ANY(owners) ORDER BY id FOR UPDATE;
    UPDATE "{owner}" o SET "{column}" = {array} WHERE o.id = ANY(owners);
    RETURN NULL;
END
$$"""
TRIGGERS = {
    "insert": "AFTER INSERT ON {link} REFERENCING NEW TABLE AS new_rows",
    "delete": "AFTER DELETE ON {link} REFERENCING OLD TABLE AS old_rows",
    "update": "AFTER UPDATE ON {link} REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
    "truncate": "AFTER TRUNCATE ON {link}",
}


def links(apps):
    """(owner table, array column, link table, owner id column, target id column) per field."""
    for model_name, field_names in LINKED.items():
        model = apps.get_model("policy", model_name)
        for name in field_names:
            field = model._meta.get_field(name)
            through = field.remote_field.through._meta
            owner_id = through.get_field(field.m2m_field_name()).column
            target_id = through.get_field(field.m2m_reverse_field_name()).column
            yield model._meta.db_table, f"{name}_ids", through.db_table, owner_id, target_id


def array(link, owner_id, target_id):
    return f'ARRAY(SELECT "{target_id}" FROM "{link}" WHERE "{owner_id}" = o.id ORDER BY 1)'


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    tables = {}
    for owner, *link in links(apps):
        tables.setdefault(owner, []).append(link)
    for owner, fields in tables.items():
        added = ", ".join(f"ADD COLUMN \"{column}\" bigint[] NOT NULL DEFAULT '{{}}'" for column, *_ in fields)
        schema_editor.execute(f'ALTER TABLE "{owner}" {added}')
    for owner, fields in tables.items():  # existing records: each rewritten once
        arrays = ", ".join(f'"{column}" = {array(*link)}' for column, *link in fields)
        linked = " UNION ".join(f'SELECT "{owner_id}" FROM "{link}"' for _, link, owner_id, _ in fields)
        schema_editor.execute(f'UPDATE "{owner}" o SET {arrays} WHERE o.id IN ({linked})')
    # The updates queued the deferred foreign-key checks; the indexes can't be built while they wait.
    schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    for owner, fields in tables.items():
        for column, link, owner_id, target_id in fields:
            function = f"{link}_sync"
            schema_editor.execute(
                SYNC.format(
                    function=function,
                    owner=owner,
                    column=column,
                    array=array(link, owner_id, target_id),
                    owner_id=owner_id,
                )
            )
            for event, when in TRIGGERS.items():
                table = f'"{link}"'
                schema_editor.execute(
                    f'CREATE TRIGGER "{link}_{event}" {when.format(link=table)} '
                    f'FOR EACH STATEMENT EXECUTE FUNCTION "{function}"()'
                )
    schema_editor.execute("SET LOCAL maintenance_work_mem = '256MB'")
    for owner, fields in tables.items():
        model_name = owner.removeprefix("policy_")
        columns = ", ".join(f'"{column}"' for column, *_ in fields)
        schema_editor.execute(
            f'CREATE INDEX "{SHORT.get(model_name, model_name)}_links" ON "{owner}" USING gin ({columns})'
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for owner, column, link, _, _ in links(apps):
        for event in TRIGGERS:
            schema_editor.execute(f'DROP TRIGGER "{link}_{event}" ON "{link}"')
        schema_editor.execute(f'DROP FUNCTION "{link}_sync"()')
        schema_editor.execute(f'ALTER TABLE "{owner}" DROP COLUMN "{column}"')  # drops the GIN index with it


class Migration(migrations.Migration):
    dependencies = [("policy", "0005_search_sqlite")]

    operations = [migrations.RunPython(forwards, backwards)]
