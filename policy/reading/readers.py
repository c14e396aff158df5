"""How each field of a representation is read from `.values()` rows: one reader per field,
chosen by policy.reading.plan.ReadPlan from the serializer's declaration.

A reader gives a field's value (`value`) and its CSV cell (`cell`) from a row; a many-valued
one (`many = True`) instead fetches a whole page's values at once (`fetch`, and `fetch_cells`
where its cells are cheaper than flattening its values)."""

from decimal import Decimal

from django.db import connections, router

from ..licensing import text_shown
from ..records import key_field, label_field

ROW_ID = "id"


def flat(value):
    """A CSV cell: related records as their slug/code, several joined with ';'; a history entry's
    changes as `field: old → new`, one a line."""
    if value is None:
        return ""
    if isinstance(value, dict):
        if "relation" in value and "policy" in value:
            return f"{value['relation']}:{flat(value['policy'])}"
        if "field" in value and "new" in value:
            return f"{value['field']}: {flat(value['old'])} → {flat(value['new'])}"
        return value.get("slug", value.get("code", ""))
    if isinstance(value, list):
        changes = value and isinstance(value[0], dict) and "field" in value[0]
        return ("\n" if changes else ";").join(str(flat(item)) for item in value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def plain(value):
    # orjson renders dates natively; decimals become strings, as DRF renders them.
    return str(value) if isinstance(value, Decimal) else value


class Column:
    many = False

    def __init__(self, source):
        self.columns = [source]
        self.source = source

    def value(self, row, urls):
        return plain(row[self.source])

    def cell(self, row, urls):
        return flat(plain(row[self.source]))


class LicensedText(Column):
    """A source's full text, or None where its licence keeps it from this reader (policy.licensing)."""

    def __init__(self, source, license_column="text_license"):
        super().__init__(source)
        self.license_column = license_column
        self.columns = [source, license_column]

    def value(self, row, urls):
        user = getattr(urls.request, "user", None)
        return row[self.source] if text_shown(row[self.license_column], user) else None

    def cell(self, row, urls):
        return flat(self.value(row, urls))


class Url(Column):
    def __init__(self, model):
        self.model = model
        super().__init__(key_field(model))

    def value(self, row, urls):
        return urls.detail(self.model, row[self.source])

    cell = value


class Compact:
    """A foreign key, read as {key, label, url} from two joined columns."""

    many = False

    def __init__(self, source, model):
        self.model = model
        self.source = source
        self.key, self.label = key_field(model), label_field(model)
        self.key_column, self.label_column = f"{source}__{self.key}", f"{source}__{self.label}"
        self.columns = [self.key_column, self.label_column]

    def compact(self, key, label, urls):
        return {self.key: key, self.label: label, "url": urls.detail(self.model, key)}

    def value(self, row, urls):
        key = row[self.key_column]
        return None if key is None else self.compact(key, row[self.label_column], urls)

    def cell(self, row, urls):
        key = row[self.key_column]
        return "" if key is None else key


class CompactMany(Compact):
    """A many-to-many relation, read with one query over its through table for a whole page."""

    many = True
    columns = ()

    def __init__(self, model_field):
        self.field_name = model_field.name
        self.through = model_field.remote_field.through
        self.owner_column = f"{model_field.m2m_field_name()}_id"
        self.target_column = f"{model_field.m2m_reverse_field_name()}_id"
        super().__init__(model_field.m2m_reverse_field_name(), model_field.related_model)
        self.columns = ()

    def fetch(self, ids, urls):
        by_owner = {}
        for owner, key, label in self.links(ids):
            by_owner.setdefault(owner, []).append(self.compact(key, label, urls))
        return by_owner

    def fetch_cells(self, ids):
        """{owner: "key;key"}: the CSV cell for each record."""
        keys = {}
        for owner, key, _ in self.links(ids):
            keys.setdefault(owner, []).append(key)
        return {owner: ";".join(found) for owner, found in keys.items()}

    def links(self, ids):
        if not ids:
            return []
        connection = connections[router.db_for_read(self.through)]
        with connection.cursor() as cursor:
            cursor.execute(*self.sql(connection, ids))
            return cursor.fetchall()

    def sql(self, connection, ids):
        """The page's links as plain SQL: the same query the ORM would build, without building it
        for every page (it was a third of a list request's time). Keys and labels are text."""
        qn = connection.ops.quote_name
        link, target = qn(self.through._meta.db_table), self.model._meta
        owner = f"l.{qn(self.owner_column)}"
        key, label = (f"t.{qn(target.get_field(name).column)}" for name in (self.key, self.label))
        if connection.vendor == "postgresql":
            where, params = f"{owner} = ANY(%s)", [list(ids)]
        else:
            where, params = f"{owner} IN ({', '.join(['%s'] * len(ids))})", list(ids)
        sql = (
            f"SELECT {owner}, {key}, {label} FROM {link} l "
            f"JOIN {qn(target.db_table)} t ON t.{qn(target.pk.column)} = l.{qn(self.target_column)} "
            f"WHERE {where} ORDER BY {owner}, {key}"
        )
        return sql, params


def represented_cell(reader, row, urls):
    return flat(reader.value(row, urls))
