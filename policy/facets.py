"""Facets: how a filtered list's records fall under the values of its main dimensions.

A record type declares its facets by name (policy.records: `facets=("speaker", "kind", "year")`);
each name is a parameter of the type's FilterSet — a related record (`RelatedFilter`) or a choice
(`ChoicesFilter`) — or `year`, of the type's main date. The API adds them to a list with
`?facets=speaker,country`; the pages show them beside every list. Each facet is one GROUP BY
query over the filtered list (many-to-many ones over the link table, restricted to the list's
records by a subquery), ordered by count and cut to the top `FACET_SIZE`: the cost is a fixed
number of queries, whatever the list holds.
"""

from dataclasses import dataclass
from functools import cache

from django.db.models import Count, F
from django.db.models.functions import ExtractYear
from rest_framework.exceptions import ValidationError

from .filters import ChoicesFilter, RelatedFilter
from .filtersets import filterset_for
from .records import BY_MODEL, BY_MODEL_NAME

FACET_SIZE = 10
PARAMETER = "facets"


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
            rows = self.related_counts(queryset)
        elif self.choices:
            rows = queryset.values(bucket=F(self.field)).annotate(count=Count("pk"))
        else:  # a year of the main date
            dated = queryset.filter(**{f"{self.field}__isnull": False})
            rows = dated.values(bucket=ExtractYear(self.field)).annotate(count=Count("pk"))
        rows = list(rows.order_by("-count", "bucket")[:size])
        labels = dict(self.choices)
        return [
            {
                self.key: row["bucket"],
                "name": row.get("bucket_name") or labels.get(row["bucket"], str(row["bucket"])),
                "count": row["count"],
            }
            for row in rows
        ]

    def related_counts(self, queryset):
        declared = BY_MODEL[self.related]
        field = queryset.model._meta.get_field(self.field)
        if field.many_to_many:  # the link table, for this list's records: no join of the list itself
            through = field.remote_field.through
            target = field.m2m_reverse_field_name()
            links = through.objects.filter(**{f"{field.m2m_field_name()}__in": queryset.values("pk")})
            return links.values(
                bucket=F(f"{target}__{declared.key}"), bucket_name=F(f"{target}__{declared.label}")
            ).annotate(count=Count("pk"))
        rows = queryset.filter(**{f"{self.field}__isnull": False})
        return rows.values(
            bucket=F(f"{self.field}__{declared.key}"), bucket_name=F(f"{self.field}__{declared.label}")
        ).annotate(count=Count("pk"))

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


def counted(queryset, names, size=FACET_SIZE):
    """{name: entries} for the facets `names` of the queryset's record type: one query each."""
    facets = facets_of(queryset.model._meta.model_name)
    return {name: facets[name].count(queryset, size) for name in names}
