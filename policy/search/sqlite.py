"""`search=` on SQLite and any other database but PostgreSQL (policy.search, `substring_search`):
the growing tables' own fields are answered by an FTS5 index with the trigram tokenizer
(migration 0005, kept in step by triggers). The text searched for, folded as the indexes hold
the columns (policy.search.folding: accents, case, typographic punctuation, whitespace runs; in
double quotes, the phrase inside them), as one FTS5 phrase, matches the records whose indexed
columns contain it as a substring: spaces and punctuation included (`border wall` does not find
"border, wall", which PostgreSQL's full text does). The ids matched go to the query as one
list, `pk IN (SELECT rowid FROM …_fts WHERE … MATCH … UNION SELECT id … WHERE speaker_id IN
(SELECT id FROM policy_actor WHERE …))`, each part read through an index: the same parts OR-ed,
SQLite reads through the indexes at scale but scans a table its statistics call small. The trigram
index cannot answer a text of one or two characters, and the reference tables (actors, topics,
countries) have none: those compare
with Django's `icontains`, `LIKE '%…%'` row by row, whose case folding covers ASCII letters only
(OR-ed with the related records' `speaker_id IN (SELECT …)`). So does every search on a database
without migration 0005's indexes (another vendor, or an SQLite without FTS5's trigram tokenizer,
before 3.34). No ranking: results keep the requested or default order. A text with FREQUENT
matches or more in the index is filtered as `+id IN (…)` in a page's query, which keeps SQLite
from driving the query by the list: it walks the page's order instead and stops when the page is
full, rather than sorting every match; its count (unordered) keeps `id IN (…)` (PageOrderHint).
tests/test_search_sqlite.py checks the semantics on both backends and, on SQLite, that a
statement search never scans the table (its page below FREQUENT matches, its count always)."""

from collections import defaultdict
from contextlib import contextmanager

from django.db import connections, models
from django.db.backends.signals import connection_created
from django.db.models import F, Func, Q
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast
from django.db.models.lookups import Contains
from django.db.models.signals import post_migrate

from . import folding
from .fields import split_fields
from .folding import fold, unquoted

TRIGRAM = 3  # characters: FTS5's trigram tokenizer finds nothing for a shorter phrase
FTS_TRIGGERS = ("insert", "delete", "update")
_fts_indexes = {}  # (alias, database name) -> {table: (its FTS table, the columns it indexes)}


def fts_indexes(connection):
    """{record table: (FTS5 table, indexed columns)} for each table migration 0005 indexed whose
    three triggers are all there (without them the index would go stale): read from the schema
    in one query, once per database, again after a migrate."""
    if connection.vendor != "sqlite":
        return {}
    key = (connection.alias, connection.settings_dict["NAME"])
    if key not in _fts_indexes:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT type, name, NULL FROM sqlite_master WHERE type IN ('table', 'trigger') UNION ALL "
                "SELECT 'column', t.name, c.name FROM sqlite_master t JOIN pragma_table_info(t.name) c "
                "WHERE t.type = 'table' AND substr(t.name, -4) = '_fts'"
            )
            rows = cursor.fetchall()
        names = {(kind, name) for kind, name, _ in rows}
        columns = defaultdict(set)
        for kind, fts, column in rows:
            if kind == "column":
                columns[fts].add(column)
        found = {}
        for fts, indexed in columns.items():
            table = fts.removesuffix("_fts")
            triggers = {("trigger", f"{fts}_{event}") for event in FTS_TRIGGERS}
            if ("table", table) in names and triggers <= names:
                found[table] = (fts, frozenset(indexed))
        _fts_indexes[key] = found
    return _fts_indexes[key]


def forget_fts_indexes(**kwargs):
    _fts_indexes.clear()


post_migrate.connect(forget_fts_indexes, dispatch_uid="policy.search.forget_fts_indexes")


def register_folding(sender, connection, **kwargs):
    """Every SQLite connection Django opens can call `policy_fold` (the FTS5 triggers and LIKE do)."""
    if connection.vendor == "sqlite":
        folding.register(connection.connection)


connection_created.connect(register_folding, dispatch_uid="policy.search.register_folding")


@contextmanager
def fts_indexing_deferred(connection):
    """For a bulk load inside a transaction: migration 0005's triggers would index each inserted
    row in its FTS5 table one statement at a time (a 100,000-statement `generate_synthetic` took
    2.3 times as long). They are dropped for the load; afterwards the rows added (ids above the
    largest before) are indexed with one statement per table and the triggers created again.
    Only for loads that insert: a row updated or deleted meanwhile would leave the index stale."""
    indexes = fts_indexes(connection)
    if not indexes:
        yield
        return
    quote = connection.ops.quote_name
    triggers = [f"{fts}_{event}" for fts, _ in indexes.values() for event in FTS_TRIGGERS]
    with connection.cursor() as cursor:
        marks = ", ".join(["%s"] * len(triggers))
        cursor.execute(f"SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name IN ({marks})", triggers)
        definitions = [sql for (sql,) in cursor.fetchall()]
        last_ids = {}
        for table in indexes:
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {quote(table)}")
            last_ids[table] = cursor.fetchone()[0]
        for name in triggers:
            cursor.execute(f"DROP TRIGGER {quote(name)}")
    yield
    with connection.cursor() as cursor:
        for table, (fts, columns) in indexes.items():
            names = ", ".join(quote(column) for column in sorted(columns))
            folded = ", ".join(f"policy_fold({quote(column)})" for column in sorted(columns))
            cursor.execute(
                f"INSERT INTO {quote(fts)}(rowid, {names}) SELECT id, {folded} FROM {quote(table)} WHERE id > %s",
                [last_ids[table]],
            )
        for sql in definitions:
            cursor.execute(sql)


def fts_phrase(value):
    """`value` as one FTS5 phrase: within double quotes every character is literal but `"`, doubled."""
    return '"' + value.replace('"', '""') + '"'


class Folded(Func):
    """`policy_fold(column)`: the column's text without accents or case (policy.search.folding)."""

    function = "policy_fold"
    output_field = models.TextField()


class FoldedJSON(Folded):
    """`policy_fold_json(column)`: a JSON column's text as PostgreSQL spells it (no `\\u` escapes), folded."""

    function = "policy_fold_json"


class Unfolded(Func):
    """The text may fold to more than its lower case: it holds a character beyond ASCII, a control
    character (a tab, a newline) or two spaces in a row (SQLite's GLOB and instr, in C: no Python call)."""

    template = "(%(expressions)s GLOB '*[^ -~]*' OR instr(%(expressions)s, '  ') > 0)"
    output_field = models.BooleanField()


class Escaped(Func):
    """A JSON column's text holds a `\\u` escape: SQLite stores "Peña" as "Pe\\u00f1a"."""

    template = "instr(%(expressions)s, '\\u') > 0"
    output_field = models.BooleanField()


def text_condition(model, path, value):
    """`path` contains `value`, without regard to accents or case, row by row (the reference
    tables, 1–2 characters, an SQLite without the FTS5 indexes). SQLite's LIKE already ignores the
    case of ASCII letters, so an ASCII text needs no folding: `col LIKE '%folded%'`; only a text
    beyond ASCII or with a whitespace run (a JSON one with `\\u` escapes) is folded, by `policy_fold`
    (a Python call each)."""
    for name in path.split("__"):
        field = model._meta.get_field(name)
        model = field.related_model or model
    folded = fold(value)
    if isinstance(field, models.JSONField):
        text = Cast(F(path), models.TextField())
        return Q(Contains(text, folded)) | (Q(Escaped(text)) & Q(Contains(FoldedJSON(text), folded)))
    return Q(Contains(F(path), folded)) | (Q(Unfolded(F(path))) & Q(Contains(Folded(F(path)), folded)))


def fts_match(connection, model, fields, value):
    """SQL and params for the ids of the records whose own `fields` contain `value`, from their
    FTS5 index (which holds the fields folded); None unless an index covers exactly these fields
    and `value` is long enough."""
    value = fold(value)
    if len(value) < TRIGRAM:
        return None
    fts, columns = fts_indexes(connection).get(model._meta.db_table, (None, None))
    if fts is None or columns != {model._meta.get_field(name).column for name in fields}:
        return None
    fts = connection.ops.quote_name(fts)
    return f"SELECT rowid FROM {fts} WHERE {fts} MATCH %s", [fts_phrase(value)]


FREQUENT = 5_000  # FTS matches from which a page reads the table in its order (substring_search)
WALKS_ITS_ORDER = "unindexed_pk"  # the alias of a query so filtered (policy.querying.plans.sorted_matches)


def indexed_matches(connection, match, limit):
    """The FTS index's matches, counted up to `limit` (FTS5 finds them in order and stops there:
    about a millisecond per 1,000 matches at a million statements)."""
    sql, params = match
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM ({sql} LIMIT {int(limit)})", params)
        return cursor.fetchone()[0]


class PageOrderHint(Func):
    """`+id` in an ordered query (a page: SQLite walks the order's index and stops when the page is
    full), plain `id` in an unordered one (a count: SQLite reads the matched ids through the
    primary key rather than scanning the table — 20–60 ms against 180 ms for a word in 1% of a
    million statements). Either way the same rows match: only the plan differs."""

    template = "+%(expressions)s"

    def as_sql(self, compiler, connection, **extra_context):
        query = compiler.query
        ordered = query.order_by or (query.default_ordering and query.get_meta().ordering)
        if not ordered:
            extra_context["template"] = "%(expressions)s"
        return super().as_sql(compiler, connection, **extra_context)


def related_matches(model, relation, fields, value):
    """Records whose `relation` (a foreign key or many-to-many) has a name containing `value`, by
    key — never a join, which would repeat records or make SQLite test every record's names — as
    a condition (`speaker_id IN (SELECT id FROM actor WHERE …)`) and as a query of their ids."""
    field = model._meta.get_field(relation)
    target = field.related_model
    names = Q()
    for name in fields:
        names |= text_condition(target, name, value)
    ids = target._base_manager.filter(names).order_by().values("pk")
    if field.many_to_many:
        through = field.remote_field.through
        owners = through.objects.filter(**{f"{field.m2m_reverse_field_name()}__in": ids})
        owners = owners.order_by().values(field.m2m_field_name())
        return Q(pk__in=owners), owners
    condition = Q(**{f"{field.attname}__in": ids})
    return condition, model._base_manager.filter(condition).order_by().values("pk")


def substring_search(queryset, search_fields, value, limit=0):
    """Records of `queryset` with `value` in one of their search fields (see the module docstring),
    and whether the FTS index alone holds more than `limit` of them (policy.search.find)."""
    model = queryset.model
    value = unquoted(fold(value))
    own, related = split_fields(model, search_fields)
    related = [related_matches(model, relation, fields, value) for relation, fields in related.items()]
    match = fts_match(connections[queryset.db], model, own, value) if own else None
    if match is not None:
        # One list of ids, `pk IN (SELECT rowid FROM …_fts … UNION SELECT id … WHERE speaker_id IN …)`,
        # each part read through its index. The same parts OR-ed, SQLite reads through the indexes
        # at scale but scans a table its statistics call small; and a Django union would have to
        # look each of the index's rowids up in the table (a third slower at a million statements).
        parts = [match, *(ids.query.get_compiler(queryset.db).as_sql() for _, ids in related)]
        sql = " UNION ".join(part for part, _ in parts)
        ids = RawSQL(sql, [p for _, params in parts for p in params], models.IntegerField())
        found = indexed_matches(connections[queryset.db], match, max(FREQUENT, limit + 1))
        beyond = found > limit
        if found >= FREQUENT:
            # SQLite would look every match up and sort them all for a page (0.13 s for a word in
            # 8% of a million statements); `+id` makes it walk the page's order index instead and
            # stop at the page's end (0.03 s). For a rare word that walk would cross the whole
            # index (70 ms against 0.1), hence the count first.
            unindexed = PageOrderHint(F("pk"), output_field=models.IntegerField())
            return queryset.alias(**{WALKS_ITS_ORDER: unindexed}).filter(**{f"{WALKS_ITS_ORDER}__in": ids}), beyond
        return queryset.filter(pk__in=ids), beyond
    condition = Q()
    for name in own:
        condition |= text_condition(model, name, value)
    for related_condition, _ in related:
        condition |= related_condition
    return queryset.filter(condition), False
