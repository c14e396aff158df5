"""`search=` on PostgreSQL (policy.search): full-text search over GIN indexes, ranked, with the
same substring semantics as SQLite, accents and case ignored (`lopez` finds "López", `lópez`
"Lopez"). The same fields match:

- by the same substring test, `UPPER(policy_unaccent(col::text)) LIKE UPPER(policy_unaccent('%…%'))`,
  which a trigram GIN index (pg_trgm) over that expression answers — so a word found inside
  another word or across punctuation is found on both backends alike;
- or by full text: the record's document (a stored, GIN-indexed `search_document` column
  on the growing tables, an expression on the small ones), made of the unaccented fields,
  against a prefix phrase query built from the words searched for, unaccented too
  (`'lopez' <-> 'obra':*`).

`policy_unaccent` is the IMMUTABLE wrapper of the `unaccent` extension that migration 0013
creates. Related records' ids are computed as `speaker_id = ANY(ARRAY(SELECT …))`: an array
computed once, before the scan, which PostgreSQL can OR with the text bitmaps — an
`IN (SELECT …)` inside an OR cannot use an index there and would scan the whole table. Results
are ranked by `ts_rank` of the record's own document unless the request asks for an
`ordering=` or a `cursor`. Migrations 0003 and 0009 create the columns and indexes;
tests/test_indexes.py checks with EXPLAIN that every search uses them.
"""

import re

from django.contrib.postgres.search import SearchQueryField, SearchRank, SearchVectorField
from django.db import connections
from django.db.models import Expression, F, Func, Lookup, Q, Subquery, TextField, Value
from django.db.models.expressions import Col, OrderBy
from django.db.models.fields import BooleanField
from django.db.models.functions import Cast, Coalesce

from ..records import BY_MODEL
from . import STORED_DOCUMENTS
from .fields import split_fields

CONFIG = "simple"  # no stemming and no stop words: any word of any language matches as written
UNACCENT = "policy_unaccent"  # migration 0013
WORD = re.compile(r"[^\W_]+")
# Letters `unaccent` turns into a quote (`ʼ` → `'`, `ŉ` → `'n`): inside the tsquery's quoted words they
# would close the quote (a syntax error). The document's parser splits its words at that quote
# (`Bidenʼs` → biden, s), and so do the query's. tests/test_search.py asks the server for any others.
QUOTE_LETTERS = str.maketrans({"ʹ": " ", "ʻ": " ", "ʼ": " ", "ʽ": " ", "ˈ": " ", "ŉ": " n"})
DOCUMENT_COLUMN = "search_document"


class Operator(Lookup):
    """`lhs <operator> rhs` as a condition, usable inside Q() and OR-ed with other conditions."""

    prepare_rhs = False
    template = None  # "{lhs} … {rhs}"

    @property
    def output_field(self):
        return BooleanField()

    def as_sql(self, compiler, connection):
        lhs, lhs_params = compiler.compile(self.lhs)
        rhs, rhs_params = compiler.compile(self.rhs)
        return self.template.format(lhs=lhs, rhs=rhs), (*lhs_params, *rhs_params)


class AnyOf(Operator):
    """`lhs = ANY(ARRAY(subquery))`: an uncorrelated subquery PostgreSQL evaluates once, indexably."""

    lookup_name = "any_of"
    template = "{lhs} = ANY(ARRAY{rhs})"


class Matches(Operator):
    """`document @@ query`: the full-text match."""

    lookup_name = "matches"
    template = "{lhs} @@ {rhs}"


class ContainsUnaccented(Operator):
    """`lhs` contains the text, accents and case ignored (a trigram index over the same expression answers it)."""

    lookup_name = "contains_unaccented"
    template = f"UPPER({UNACCENT}({{lhs}}::text)) LIKE UPPER({UNACCENT}({{rhs}}))"


def like_pattern(value, connection):
    return f"%{connection.ops.prep_for_like_query(value)}%"


def contains(field, value, connection):
    return Q(ContainsUnaccented(F(field), Value(like_pattern(value, connection))))


class UnaccentedDocument(Func):
    """The reference tables' document, as migration 0013's expression indexes hold it:
    `to_tsvector('simple', policy_unaccent(COALESCE(a::text, '') || ' ' || …))`."""

    template = f"to_tsvector('{CONFIG}'::regconfig, {UNACCENT}(%(expressions)s))"
    arg_joiner = " || ' ' || "
    output_field = SearchVectorField()

    def __init__(self, *fields):
        super().__init__(*(Coalesce(Cast(F(name), TextField()), Value("")) for name in fields))


class UnaccentedQuery(Func):
    """`to_tsquery('simple', policy_unaccent('…'))`: a raw tsquery, its words unaccented as the documents are."""

    template = f"to_tsquery('{CONFIG}'::regconfig, {UNACCENT}(%(expressions)s))"
    output_field = SearchQueryField()


class StoredDocument(Expression):
    """The `search_document` column of the query's table, which the models do not declare."""

    output_field = SearchVectorField()

    def resolve_expression(self, query=None, *args, **kwargs):
        field = SearchVectorField()
        field.set_attributes_from_name(DOCUMENT_COLUMN)
        field.model = query.model
        return Col(query.get_initial_alias(), field)


def document(model, fields):
    """The full-text document over a record's own search fields (what the GIN index holds)."""
    if model._meta.model_name in STORED_DOCUMENTS:
        return StoredDocument()
    return UnaccentedDocument(*fields)


def tsquery(value):
    """Words as a phrase, the last one a prefix: `border wa` → 'border' <-> 'wa':*. None without words."""
    words = WORD.findall(value.lower().translate(QUOTE_LETTERS))
    if not words:
        return None
    terms = [f"'{word}'" for word in words]
    terms[-1] += ":*"
    return " <-> ".join(terms)


def text_query(value):
    raw = tsquery(value)
    return None if raw is None else UnaccentedQuery(Value(raw))


def matching(model, search_fields, value, query, connection):
    """Q for records of `model` whose search fields contain `value` (see the module docstring)."""
    own, related = split_fields(model, search_fields)
    condition = Q()
    # Substring tests first: PostgreSQL rechecks candidate rows against the whole OR, left to right.
    for field in own:
        condition |= contains(field, value, connection)
    if own and query is not None:
        condition |= Q(Matches(document(model, own), query))
    for relation, fields in related.items():
        field = model._meta.get_field(relation)
        target = field.related_model
        ids = target.objects.filter(matching(target, fields, value, query, connection)).order_by().values("pk")
        if field.many_to_many:
            through = field.remote_field.through
            owners = through.objects.filter(AnyOf(F(f"{field.m2m_reverse_field_name()}_id"), Subquery(ids)))
            condition |= Q(AnyOf(F("pk"), Subquery(owners.values(f"{field.m2m_field_name()}_id"))))
        else:
            condition |= Q(AnyOf(F(field.attname), Subquery(ids)))
    return condition


# The search's tsquery and its LIKE pattern, as `query.annotations[…]`, on the growing tables (bounded_count).
DOCUMENT_QUERY = "search_document_query"
SUBSTRING_PATTERN = "search_substring_pattern"


def search(queryset, search_fields, value, ranked):
    query = text_query(value)
    connection = connections[queryset.db]
    queryset = queryset.filter(matching(queryset.model, search_fields, value, query, connection))
    own, _ = split_fields(queryset.model, search_fields)
    if query is not None and own and queryset.model._meta.model_name in STORED_DOCUMENTS:
        pattern = like_pattern(value, connection)
        queryset = queryset.alias(**{DOCUMENT_QUERY: Value(tsquery(value)), SUBSTRING_PATTERN: Value(pattern)})
    if ranked and query is not None and own:
        rank = SearchRank(document(queryset.model, own), query)
        ordering = queryset.query.order_by or queryset.model._meta.ordering
        queryset = queryset.order_by(rank.desc(), *ordering)
    return queryset


def bounded_count(queryset, limit, counted):
    """`counted` (the SQL and params of a list's bounded count, `SELECT COUNT(*) FROM (… LIMIT n)`)
    for a list whose only filter is a search of a growing table, answered first from a part of the
    search's matches, each counted up to `limit` + 1 alone: the stored document's GIN index (`@@`, no
    substring recheck), then the record's own fields' substring test (`LIKE`, their trigram indexes).
    Past `limit` in a part, the list holds more than `limit` and its own count, which tests every
    candidate row against the whole search (the related records' too), is never run: a fifth of a
    second for a word in 4% of a million statements on a loaded machine, against a twentieth, for the
    document; for a part of a word (`ission`), which no document holds, the substring test alone reads
    fewer rows than the whole OR (issue #18). One query: PostgreSQL evaluates the CASE's subqueries only
    as needed. None for any other list."""
    annotations = queryset.query.annotations
    if DOCUMENT_QUERY not in annotations or len(queryset.query.where.children) != 1:
        return None
    sql, params = counted
    connection = connections[queryset.db]
    table = connection.ops.quote_name(queryset.model._meta.db_table)
    fields = BY_MODEL[queryset.model].own_search_fields
    # The same test as the search's (ContainsUnaccented), of each own field's column.
    own = " OR ".join(
        ContainsUnaccented.template.format(lhs=connection.ops.quote_name(field.column), rhs="%s")
        for field in (queryset.model._meta.get_field(name) for name in fields)
    )
    document = f"{DOCUMENT_COLUMN} @@ to_tsquery('{CONFIG}'::regconfig, {UNACCENT}(%s))"
    pattern = annotations[SUBSTRING_PATTERN].value
    parts = [(document, [annotations[DOCUMENT_QUERY].value]), (own, [pattern] * len(fields))]
    cases, case_params = [], []
    for condition, condition_params in parts:
        counted_alone = f"SELECT COUNT(*) FROM (SELECT 1 FROM {table} WHERE {condition} LIMIT %s) matches"
        cases.append(f"WHEN ({counted_alone}) > %s THEN %s")
        case_params += [*condition_params, limit + 1, limit, limit + 1]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT CASE {' '.join(cases)} ELSE ({sql}) END", [*case_params, *params])
        return cursor.fetchone()[0]


def ranked(queryset):
    """Whether `queryset` is ordered by its search's rank first."""
    ordering = queryset.query.order_by
    first = ordering[0] if ordering else None
    return isinstance(first, OrderBy) and isinstance(first.expression, SearchRank)


def unranked(queryset):
    """`queryset` in its list's order, without the search's rank first (see policy.querying.pagination)."""
    return queryset.order_by(*queryset.query.order_by[1:]) if ranked(queryset) else queryset
