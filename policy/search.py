"""`search=` on PostgreSQL: full-text search over GIN indexes, ranked, with the SQLite semantics.

A FilterSet's `search_fields` name the texts a search reaches: the record's own columns
(`text`, `title`) and related records' names (`speaker__aliases`). On SQLite each is a
case-insensitive substring test (policy.filters). On PostgreSQL the same fields match:

- by the same substring test, which a trigram GIN index (pg_trgm) answers — so a word
  found inside another word or across punctuation is found on both backends alike;
- or by full text: the record's document (a stored, GIN-indexed `search_document` column
  on the growing tables, a SearchVector expression on the small ones) against a prefix
  phrase query built from the words searched for (`'lópez' <-> 'obra':*`).

Related records' names are matched in their own small, indexed table and joined back as
`speaker_id = ANY(ARRAY(SELECT …))`: an array computed once, before the scan, which
PostgreSQL can OR with the text bitmaps — an `IN (SELECT …)` inside an OR cannot use an
index and would scan the whole table. Results
are ranked by `ts_rank` of the record's own document unless the request asks for an
`ordering=` or a `cursor`.

Migration 0003 creates the columns and indexes (PostgreSQL only); tests/test_indexes.py
checks with EXPLAIN that every search uses them.
"""

import re
from collections import defaultdict

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector, SearchVectorField
from django.db.models import Expression, F, Lookup, Q, Subquery
from django.db.models.expressions import Col
from django.db.models.fields import BooleanField

CONFIG = "simple"  # no stemming and no stop words: any word of any language matches as written
WORD = re.compile(r"[^\W_]+")
# Record types whose document is a stored column (migration 0003), by model name.
STORED_DOCUMENTS = {"source", "event", "policy", "aidpackage", "statement", "statistic"}
DOCUMENT_COLUMN = "search_document"


class AnyOf(Lookup):
    """`lhs = ANY(ARRAY(subquery))`: an uncorrelated subquery PostgreSQL evaluates once, indexably."""

    lookup_name = "any_of"
    prepare_rhs = False

    @property
    def output_field(self):
        return BooleanField()

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = compiler.compile(self.rhs)
        return f"{lhs} = ANY(ARRAY{rhs})", (*lhs_params, *rhs_params)


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
    return SearchVector(*fields, config=CONFIG)


def tsquery(value):
    """Words as a phrase, the last one a prefix: `border wa` → 'border' <-> 'wa':*. None without words."""
    words = WORD.findall(value.lower())
    if not words:
        return None
    terms = [f"'{word}'" for word in words]
    terms[-1] += ":*"
    return " <-> ".join(terms)


def text_query(value):
    raw = tsquery(value)
    return None if raw is None else SearchQuery(raw, search_type="raw", config=CONFIG)


def split_fields(model, search_fields):
    """Own fields, and related fields grouped by relation: {"speaker": ["name", "aliases"]}."""
    own, related = [], defaultdict(list)
    for path in search_fields:
        head, _, rest = path.partition("__")
        if rest:
            related[head].append(rest)
        else:
            own.append(head)
    return own, dict(related)


def matching(model, search_fields, value, query):
    """Q for records of `model` whose search fields contain `value` (see the module docstring)."""
    own, related = split_fields(model, search_fields)
    condition = Q()
    # Substring tests first: PostgreSQL rechecks candidate rows against the whole OR, left to right.
    for field in own:
        condition |= Q(**{f"{field}__icontains": value})
    if own and query is not None:
        condition |= Q(Matches(document(model, own), query))
    for relation, fields in related.items():
        field = model._meta.get_field(relation)
        target = field.related_model
        ids = target.objects.filter(matching(target, fields, value, query)).order_by().values("pk")
        if field.many_to_many:
            through = field.remote_field.through
            owners = through.objects.filter(AnyOf(F(f"{field.m2m_reverse_field_name()}_id"), Subquery(ids)))
            condition |= Q(AnyOf(F("pk"), Subquery(owners.values(f"{field.m2m_field_name()}_id"))))
        else:
            condition |= Q(AnyOf(F(field.attname), Subquery(ids)))
    return condition


class Matches(Lookup):
    """`document @@ query`, usable inside Q() and OR-ed with other conditions."""

    lookup_name = "matches"
    prepare_rhs = False

    @property
    def output_field(self):
        return BooleanField()

    def as_sql(self, compiler, connection):
        lhs, lhs_params = compiler.compile(self.lhs)
        rhs, rhs_params = compiler.compile(self.rhs)
        return f"{lhs} @@ {rhs}", (*lhs_params, *rhs_params)


def search(queryset, search_fields, value, ranked):
    query = text_query(value)
    queryset = queryset.filter(matching(queryset.model, search_fields, value, query))
    own, _ = split_fields(queryset.model, search_fields)
    if ranked and query is not None and own:
        rank = SearchRank(document(queryset.model, own), query)
        ordering = queryset.query.order_by or queryset.model._meta.ordering
        queryset = queryset.order_by(rank.desc(), *ordering)
    return queryset
