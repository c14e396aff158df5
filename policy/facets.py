"""Facets: how a filtered list's records fall under the values of its main dimensions.

A record type declares its facets by name (policy.records: `facets=("speaker", "kind", "year")`);
each name is a parameter of the type's FilterSet — a related record (`RelatedFilter`) or a choice
(`ChoicesFilter`) — or `year`, of the type's main date. The API adds them to a list with
`?facets=speaker,country`; the pages show them beside every list. Each facet is one GROUP BY
query over the filtered list (many-to-many ones over the link table, restricted to the list's
records by a subquery; on PostgreSQL over the link arrays the rows already hold), ordered by
count and cut to the top `FACET_SIZE` (ties at the cut: the lower ids) before the related
records are joined for their names: a fixed number of queries, whatever the list holds. Results
are reused until the data changes, like a list's count (policy.cache); a facet that took more than
SLOW_COUNT_SECONDS (a whole million-row list's) is then served as it was before the write, flagged
`facets_stale`, while a thread recounts it (policy.recount).
"""

import hashlib
from dataclasses import dataclass
from functools import cache

from django.db import connections
from django.db.models import Count, F
from django.db.models.functions import ExtractYear
from rest_framework.exceptions import ValidationError

from . import link_arrays
from .filters import ChoicesFilter, RelatedFilter
from .filtersets import filterset_for
from .records import BY_MODEL, BY_MODEL_NAME
from .recount import latest_or_counted

FACET_SIZE = 10
PARAMETER = "facets"
STALE = "facets_stale"  # true while counts from before the latest write are recounted


@dataclass(frozen=True)
class Facet:
    """One dimension of a record type: `name` is its filter parameter (or `year`)."""

    name: str
    field: str  # the model field it groups by: a foreign key, a many-to-many field, a choice, a date
    key: str = "value"  # the entry's key: the related type's (`slug`, `code`), else `value`
    related: type | None = None  # the related model, for related records
    choices: tuple = ()  # (value, label) for a choice

    def count(self, queryset, size=FACET_SIZE):
        """[{key: …, "name": …, "count": n}], the `size` largest, in one query."""
        queryset = queryset.order_by()
        if self.related is not None:
            return self.related_counts(queryset, size)
        if self.choices:
            rows = queryset.values(bucket=F(self.field))
        else:  # a year of the main date
            rows = queryset.filter(**{f"{self.field}__isnull": False}).values(bucket=ExtractYear(self.field))
        rows = rows.annotate(count=Count("pk")).order_by("-count", "bucket")[:size]
        labels = dict(self.choices)
        return [
            {self.key: row["bucket"], "name": labels.get(row["bucket"], str(row["bucket"])), "count": row["count"]}
            for row in rows
        ]

    def related_counts(self, queryset, size):
        """The related records' ids counted first (no join), the top `size` then joined for their
        key and name: one statement, whose join touches `size` rows."""
        declared = BY_MODEL[self.related]
        connection = connections[queryset.db]
        quote = connection.ops.quote_name
        meta = self.related._meta
        key, label = meta.get_field(declared.key).column, meta.get_field(declared.label).column
        grouped, params = self.grouped(queryset, size)
        sql = (
            f"SELECT r.{quote(key)}, r.{quote(label)}, g.{quote('count')} FROM ({grouped}) g "
            f"JOIN {quote(meta.db_table)} r ON r.{quote(meta.pk.column)} = g.{quote('bucket')} "
            f"ORDER BY g.{quote('count')} DESC, r.{quote(key)}"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return [{self.key: k, "name": name, "count": n} for k, name, n in cursor.fetchall()]

    def grouped(self, queryset, size):
        """(sql, params) of the top `size` (bucket: related id, count) rows of the list's records."""
        model_field = queryset.model._meta.get_field(self.field)
        if link_arrays.has_array(queryset.model, self.field, queryset.db):
            # PostgreSQL keeps the links in the row (policy.link_arrays): unnest them, no link table.
            rows, params = queryset.values(ids=link_arrays.LinkIds(self.field)).query.sql_with_params()
            sql = (
                f'SELECT u.bucket AS "bucket", COUNT(*) AS "count" FROM ({rows}) s CROSS JOIN LATERAL '
                f'unnest(s."ids") AS u(bucket) GROUP BY u.bucket ORDER BY 2 DESC, 1 LIMIT {int(size)}'
            )
            return sql, params
        if model_field.many_to_many:  # the link table, for this list's records
            through = model_field.remote_field.through
            owner, target = model_field.m2m_field_name(), model_field.m2m_reverse_field_name()
            rows = through.objects.filter(**{f"{owner}__in": queryset.values("pk")}).values(bucket=F(f"{target}_id"))
        else:
            rows = queryset.filter(**{f"{self.field}__isnull": False}).values(bucket=F(model_field.attname))
        top = rows.annotate(count=Count("pk")).order_by("-count", "bucket")[:size]
        return top.query.sql_with_params()

    @property
    def year(self):
        return self.related is None and not self.choices

    def filter_params(self, value):
        """The list parameters an entry of this facet sets: `speaker=…`, or a year's date range."""
        if self.year:
            return {"date_after": f"{value}-01-01", "date_before": f"{value}-12-31"}
        return {self.name: value}


@cache
def facets_of(model_name):
    """{name: Facet} of a record type, in its declaration's order (policy.records)."""
    record_type = BY_MODEL_NAME[model_name]
    filters = filterset_for(record_type).base_filters
    facets = {}
    for name in record_type.facets:
        filter_ = filters.get(name)
        if name == "year":
            facets[name] = Facet(name, record_type.main_date)
        elif isinstance(filter_, RelatedFilter):
            related = filter_.queryset.model
            facets[name] = Facet(name, filter_.field_name, key=BY_MODEL[related].key, related=related)
        elif isinstance(filter_, ChoicesFilter):
            facets[name] = Facet(name, filter_.field_name, choices=tuple(filter_.extra["choices"]))
        else:
            raise LookupError(f"{record_type.name}: facet {name!r} is neither `year` nor a related or choice filter")
    return facets


def requested(value, allowed):
    """The facet names `facets=` asks for, in its order: a 400 naming what is wrong otherwise."""
    if not value:
        return []
    names = value.split(",")
    unknown = [name for name in names if name not in allowed]
    if unknown:
        listed = ", ".join(f"“{name}”" for name in unknown)
        raise ValidationError({PARAMETER: [f"Unknown facet(s): {listed}. This list has: {', '.join(allowed)}."]})
    if len(set(names)) < len(names):
        raise ValidationError({PARAMETER: ["A facet is named twice."]})
    return names


def counted(queryset, names, key=None, size=FACET_SIZE):
    """({name: entries}, current) for the facets `names` of the queryset's record type: one query
    each. Where `key` names the list (its path and filters, as its count's), reused until the data
    changes; a facet slow to count is served from before the latest write while it is recounted in
    the background, and `current` is then False (policy.recount)."""
    facets = facets_of(queryset.model._meta.model_name)
    if key is None:
        return {name: facets[name].count(queryset, size) for name in names}, True

    def name_of(facet):
        digest = hashlib.sha1(f"{key}#{facet}#{size}".encode(), usedforsecurity=False).hexdigest()
        return f"facet:{digest}"

    computes = {name_of(name): (lambda name=name: facets[name].count(queryset, size)) for name in names}
    found = latest_or_counted(computes, queryset.db)
    return {name: found[name_of(name)][0] for name in names}, all(current for _, current in found.values())
