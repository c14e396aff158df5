"""`search=` on PostgreSQL (policy.search): full-text search over GIN indexes, ranked, with the
same substring semantics as SQLite. The same fields match:

- by the same substring test, which a trigram GIN index (pg_trgm) answers — so a word
  found inside another word or across punctuation is found on both backends alike;
- or by full text: the record's document (a stored, GIN-indexed `search_document` column
  on the growing tables, a SearchVector expression on the small ones) against a prefix
  phrase query built from the words searched for (`'lópez' <-> 'obra':*`).

Related records' ids are computed as `speaker_id = ANY(ARRAY(SELECT …))`: an array computed
once, before the scan, which PostgreSQL can OR with the text bitmaps — an `IN (SELECT …)`
inside an OR cannot use an index there and would scan the whole table. Results are ranked by
`ts_rank` of the record's own document unless the request asks for an `ordering=` or a `cursor`.
Migration 0003 creates the columns and indexes; tests/test_indexes.py checks with EXPLAIN that
every search uses them.
"""

import re

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector, SearchVectorField
from django.db.models import Expression, F, Lookup, Q, Subquery
from django.db.models.expressions import Col
from django.db.models.fields import BooleanField

from ..records import TYPES
from .fields import split_fields

CONFIG = "simple"  # no stemming and no stop words: any word of any language matches as written
WORD = re.compile(r"[^\W_]+")
# Record types whose document is a stored column (policy.records; migration 0003), by model name.
STORED_DOCUMENTS = {t.model_name for t in TYPES if t.stored_search}
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


def search(queryset, search_fields, value, ranked):
    query = text_query(value)
    queryset = queryset.filter(matching(queryset.model, search_fields, value, query))
    own, _ = split_fields(queryset.model, search_fields)
    if ranked and query is not None and own:
        rank = SearchRank(document(queryset.model, own), query)
        ordering = queryset.query.order_by or queryset.model._meta.ordering
        queryset = queryset.order_by(rank.desc(), *ordering)
    return queryset
