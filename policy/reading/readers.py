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


class Values:
    """`values`: a field's values for a page of rows, in one pass over them (ReadPlan.represent)."""

    many = False

    def values(self, rows, urls):
        return [self.value(row, urls) for row in rows]


class Column(Values):
    def __init__(self, source):
        self.columns = [source]
        self.source = source

    def value(self, row, urls):
        return plain(row[self.source])

    def values(self, rows, urls):
        source = self.source
        found = [row[source] for row in rows]
        return [plain(value) for value in found] if Decimal in set(map(type, found)) else found

    def cell(self, row, urls):
        return flat(plain(row[self.source]))


class LicensedText(Values):
    """A source's full text, or None where its licence keeps it from this reader (policy.licensing).
    Not a Column: its values are judged row by row, each by its own licence (Column's column-at-a-time
    copy served every text)."""

    def __init__(self, source, license_column="text_license"):
        self.source = source
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

    def values(self, rows, urls):
        base, source = urls.base(self.model), self.source
        return [f"{base}{row[source]}/" for row in rows]


class Compact(Values):
    """A foreign key, read as {key, label, url} from two joined columns."""

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

    def values(self, rows, urls):
        base, key_name, label_name = urls.base(self.model), self.key, self.label
        key_column, label_column = self.key_column, self.label_column
        return [
            None
            if (key := row[key_column]) is None
            else {key_name: key, label_name: row[label_column], "url": f"{base}{key}/"}
            for row in rows
        ]

    def cell(self, row, urls):
        key = row[self.key_column]
        return "" if key is None else key


class CompactMany(Compact):
    """A many-to-many relation, read with its record type's other ones in one query over their through
    tables for a whole page (`page_links`)."""

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
        return self.compacts(self.links(ids), urls)

    def compacts(self, links, urls):
        """{owner: [{key, label, url}]} from the (owner, key, label) rows of `links`."""
        by_owner = {}
        base, key_name, label_name = urls.base(self.model), self.key, self.label
        for owner, key, label in links:
            by_owner.setdefault(owner, []).append({key_name: key, label_name: label, "url": f"{base}{key}/"})
        return by_owner

    def fetch_cells(self, ids):
        return self.cells_of(self.links(ids))

    @staticmethod
    def cells_of(links):
        """{owner: "key;key"}: the CSV cell for each record."""
        keys = {}
        for owner, key, _ in links:
            keys.setdefault(owner, []).append(key)
        return {owner: ";".join(found) for owner, found in keys.items()}

    def links(self, ids):
        return page_links([self], ids)[0]

    def select(self, connection, number, among):
        """This relation's part of `page_links`' query: (field number, owner id, key, label) of the links
        whose owner is `among` (the page's ids, as SQL). The same query the ORM would build, without
        building it for every page (it was a third of a list request's time). Keys and labels are text."""
        qn = connection.ops.quote_name
        link, target = qn(self.through._meta.db_table), self.model._meta
        owner = f"l.{qn(self.owner_column)}"
        key, label = (f"t.{qn(target.get_field(name).column)}" for name in (self.key, self.label))
        return (
            f"SELECT {number}, {owner}, {key}, {label} FROM {link} l "
            f"JOIN {qn(target.db_table)} t ON t.{qn(target.pk.column)} = l.{qn(self.target_column)} "
            f"WHERE {owner} {among}"
        )


def page_links(readers, ids):
    """[(owner id, key, label) rows] for each CompactMany of `readers`, ordered by owner then key: a page's
    links of every many-to-many field in one query (a `UNION ALL` of each field's), one round trip
    rather than one a field. On PostgreSQL the ids are one array parameter, written as its text
    (psycopg dumps a list of ints element by element in Python), in a materialized CTE: with the ids
    inline in each part, 200 of them (a CSV chunk) already made the planner run the parts in parallel
    workers, 25 ms where the CTE's plan takes 7."""
    found = [[] for _ in readers]
    if not ids or not readers:
        return found
    by_database = {}
    for number, reader in enumerate(readers):
        by_database.setdefault(router.db_for_read(reader.through), []).append(number)
    for using, numbers in by_database.items():
        connection = connections[using]
        if connection.vendor == "postgresql":
            among, params = "IN (SELECT id FROM page)", ["{" + ",".join(str(int(owner)) for owner in ids) + "}"]
            page = "WITH page(id) AS MATERIALIZED (SELECT unnest(%s::bigint[])) "
        else:
            among, params, page = f"IN ({', '.join(['%s'] * len(ids))})", list(ids) * len(numbers), ""
        sql = " UNION ALL ".join(readers[number].select(connection, number, among) for number in numbers)
        with connection.cursor() as cursor:
            cursor.execute(f"{page}{sql} ORDER BY 1, 2, 3", params)
            for number, owner, key, label in cursor.fetchall():
                found[number].append((owner, key, label))
    return found


def represented_cell(reader, row, urls):
    return flat(reader.value(row, urls))
