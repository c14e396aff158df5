"""The filter grammar shared by every resource (DESIGN.md §2), as django-filter classes.

- related records by public key, repeat = OR: `RelatedFilter`;
- choice fields, repeat = OR: `ChoicesFilter`;
- dates `<name>_after`/`<name>_before` (inclusive): `after`, `before`;
- numbers `<name>_min`/`<name>_max`: `at_least`, `at_most`;
- `search=` over a FilterSet's declared `search_fields`; `ordering=` over an explicit list.

Relations across many-to-many tables filter through a subquery on the through
table (on PostgreSQL, through the record's link arrays: policy.link_arrays), never a
join, so no combination of filters can return a record twice.
"""

import datetime
import re

import django_filters
from django import forms
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.dateparse import parse_datetime
from django.utils.timezone import is_naive, make_aware
from drf_spectacular.utils import extend_schema_field
from rest_framework.exceptions import ValidationError

from . import link_arrays, search
from .adapters.django_forms import IdsByKey
from .days import CalendarDateField, calendar_problem, offset_hint
from .querying.parameters import NamedFiltersOnly
from .records import key_field, normalise_key

SEARCH_MAX_LENGTH = 200


class KeyMultipleChoiceField(IdsByKey, django_filters.fields.ModelMultipleChoiceField):
    """Public keys (slugs, country codes — case-insensitive) to the ids of the records they name,
    in one query of two columns; an unknown key is a field error."""

    def clean(self, value):
        model = self.queryset.model
        if value and self.to_field_name == key_field(model):
            value = [normalise_key(model, v) for v in value]
        return super().clean(value)


# Links from which a many-to-many filter tests each record's own links rather than listing the
# linked records (on SQLite; issue #18). About √(COUNT_LIMIT × table) at a million statements: the
# list costs a lookup per linked record (a country in 18% of the statements: 180,000, 0.7 s), the
# test a probe per record read until the page (or the bounded count) is full.
COMMON_LINKS = 30_000


def related_condition(model, field_name, ids, using="default"):
    """Records related through `field_name` to any of `ids`: for many-to-many, an array
    overlap on PostgreSQL (policy.link_arrays), else a subquery on the link table — the list of
    the linked records (`id IN (SELECT statement_id …)`, read from migration 0014's index), or
    for records linked COMMON_LINKS times or more a test of each record's links (`EXISTS (…
    WHERE statement_id = id AND country_id IN …)`, the link table's unique index), which lets
    the page walk its order's (or a date range's) index and stop when it is full."""
    model_field = model._meta.get_field(field_name)
    if model_field.many_to_many and link_arrays.has_array(model, field_name, using):
        return link_arrays.linked_to_any(field_name, ids)
    if model_field.many_to_many:
        through = model_field.remote_field.through
        owner = model_field.m2m_field_name()
        links = through.objects.using(using).filter(**{f"{model_field.m2m_reverse_field_name()}__in": ids})
        if links.order_by().values(owner)[:COMMON_LINKS].count() >= COMMON_LINKS:
            return Q(Exists(links.filter(**{owner: OuterRef("pk")})))
        return Q(pk__in=links.values(owner))
    return Q(**{f"{field_name}__in": ids})


class RelatedFilter(django_filters.ModelMultipleChoiceFilter):
    field_class = KeyMultipleChoiceField

    def __init__(self, field_name, queryset, **kwargs):
        model = queryset.model
        kwargs.setdefault("to_field_name", key_field(model))
        kwargs.setdefault(
            "error_messages",
            {"invalid_choice": f"No {model._meta.verbose_name} with {kwargs['to_field_name']} “%(value)s”."},
        )
        kwargs.setdefault(
            "help_text", f"{model._meta.verbose_name.capitalize()} {kwargs['to_field_name']}; repeat for OR."
        )
        super().__init__(field_name=field_name, queryset=queryset, distinct=False, **kwargs)

    def filter(self, qs, value):
        # An absent parameter cleans to `queryset.none()`, and testing a queryset for truth runs it.
        if value is None or (isinstance(value, models.QuerySet) and value.query.is_empty()):
            return qs
        return qs.filter(related_condition(qs.model, self.field_name, value, qs.db)) if value else qs


def invalid_choice(values, what="choices", after=""):
    """A choice field's message for a value not among `values`, listing them (Django's says only
    "not one of the available choices")."""
    return {"invalid_choice": f"“%(value)s” is not one of the {what}: {', '.join(values)}{after}."}


class ChoicesFilter(django_filters.MultipleChoiceFilter):
    def __init__(self, field_name, choices, **kwargs):
        kwargs.setdefault("help_text", "Repeat for OR.")
        kwargs.setdefault("error_messages", invalid_choice([value for value, _ in choices]))
        super().__init__(field_name=field_name, choices=choices, distinct=False, **kwargs)


class DateFilter(django_filters.DateFilter):
    field_class = CalendarDateField  # YYYY-MM-DD only; 2021-02-30 "is not a day of the calendar"


def after(field_name):
    return DateFilter(
        field_name=field_name, lookup_expr="gte", help_text=f"{field_name} on or after this date (YYYY-MM-DD)."
    )


def before(field_name):
    return DateFilter(
        field_name=field_name, lookup_expr="lte", help_text=f"{field_name} on or before this date (YYYY-MM-DD)."
    )


class MomentField(forms.Field):
    """An ISO 8601 date-time (`2021-05-07T12:00:00Z`, `…+02:00`; without an offset, UTC) or a date
    (`2021-05-07`, the whole day): an aware date-time in UTC, or a date. Anything else is a field error."""

    DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

    def to_python(self, value):
        if not value:  # an empty parameter is an absent one; a blank one is malformed, as below
            return None
        value = value.strip()
        if problem := calendar_problem(value):
            raise forms.ValidationError(problem)
        try:
            if self.DATE.fullmatch(value):
                return datetime.date.fromisoformat(value)
            moment = parse_datetime(value)
            if moment is not None:
                # In UTC now: 9999-12-31T23:59:59-23:59 overflows there, a 500 wherever it was first compared.
                return (make_aware(moment, datetime.UTC) if is_naive(moment) else moment).astimezone(datetime.UTC)
        except (ValueError, OverflowError):
            pass
        # The value goes in as a parameter: django-filter formats the message with `%`, and a raw `%` in
        # the value would be a TypeError (a 500).
        raise forms.ValidationError(
            "“%(value)s” is not an ISO 8601 date-time or date (e.g. 2021-05-07T12:00:00Z or 2021-05-07).%(hint)s",
            params={"value": value, "hint": offset_hint(value)},
        )


MOMENT_SCHEMA = {"oneOf": [{"type": "string", "format": "date-time"}, {"type": "string", "format": "date"}]}


class MomentFilter(django_filters.Filter):
    """`<field>_after` (on or after) / `<field>_before` (on or before) a date-time field, given a date-time or a
    date: a date is its whole day in UTC (`updated_before=2021-05-07` includes 23:59:59 that day)."""

    field_class = MomentField

    def __init__(self, field_name, later, **kwargs):
        self.later = later
        word = "after" if later else "before"
        kwargs.setdefault(
            "help_text",
            f"{field_name} on or {word} this moment: an ISO 8601 date-time (2021-05-07T12:00:00Z; without an "
            "offset, UTC) or a date (the whole day, UTC).",
        )
        super().__init__(field_name=field_name, **kwargs)
        # The schema's type, with the description (an override of the type alone would lose it).
        extend_schema_field({**MOMENT_SCHEMA, "description": kwargs["help_text"]})(self)

    def filter(self, qs, value):
        if value is None:
            return qs
        if isinstance(value, datetime.datetime):
            return qs.filter(**{f"{self.field_name}__{'gte' if self.later else 'lte'}": value})
        start = datetime.datetime.combine(value, datetime.time(), datetime.UTC)
        if self.later:
            return qs.filter(**{f"{self.field_name}__gte": start})
        try:
            return qs.filter(**{f"{self.field_name}__lt": start + datetime.timedelta(days=1)})
        except OverflowError:  # before the end of 9999-12-31: every moment is
            return qs


def at_least(field_name):
    return django_filters.NumberFilter(field_name=field_name, lookup_expr="gte", help_text=f"{field_name} ≥ this.")


def at_most(field_name):
    return django_filters.NumberFilter(field_name=field_name, lookup_expr="lte", help_text=f"{field_name} ≤ this.")


class StableOrderingFilter(django_filters.OrderingFilter):
    """Ordering over an explicit list, always ending on the primary key so pages never overlap."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        after = " (comma-separated; - before one for descending)"
        self.extra["error_messages"] = invalid_choice(list(self.param_map), "orderings of this list", after)

    def filter(self, qs, value):
        if not value:
            return qs
        if not all(value):  # "ordering=title,,slug": a malformed list, not "no ordering"
            raise ValidationError({self.field_name: ["Empty entry in the comma-separated list of fields."]})
        ordering = [self.get_ordering_value(param) for param in value]
        return qs.order_by(*ordering, "pk")


class RecordFilterSet(NamedFiltersOnly, django_filters.FilterSet):
    """Base of every resource's FilterSet: `search` over its `search_fields`."""

    search = django_filters.CharFilter(
        method="filter_search",
        label="Search",  # the browsable API's filter form: not a model field's, so no name to derive
        max_length=SEARCH_MAX_LENGTH,
        strip=False,  # blanks reach filter_search: only an empty `search=` means "no search"
        help_text="Case-insensitive text search over the record's text and related names. Anonymous clients "
        "give at least 3 characters on policies, aid packages, statements, statistics, events and sources.",
    )

    # Changed since (issue #17): every record type has both timestamps, indexed (migration 0009).
    updated_after = MomentFilter("updated_at", later=True)
    updated_before = MomentFilter("updated_at", later=False)
    created_after = MomentFilter("created_at", later=True)
    created_before = MomentFilter("created_at", later=False)

    search_fields = ()
    # An anonymous search of fewer characters is a 400: 1–2 characters compare every row (no
    # index serves them) and match most, a whole table read per request (issue #11, item 13).
    # The small tables (countries, topics, actors) keep any length: a scan of them is cheap.
    anonymous_search_min_length = 3

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:  # like a blank `date_after` or `amount_min`: a 400, not a silently unfiltered list
            raise ValidationError({name: ["Blank search: give a word to search for, or leave out the parameter."]})
        if len(value) < self.anonymous_search_min_length and not (self.request and self.request.user.is_authenticated):
            raise ValidationError(
                {
                    name: [
                        f"Give at least {self.anonymous_search_min_length} characters to search this list "
                        "(shorter searches read every record; signed-in clients may make them)."
                    ]
                }
            )
        # PostgreSQL ranks unless an ordering is asked for; SQLite keeps the list's order (policy.search).
        ranked = not {"ordering", "cursor"} & set(self.data)
        return search.find(queryset, self.search_fields, value, ranked=ranked)


def ordering(*fields):
    return StableOrderingFilter(fields=fields, help_text="Comma-separated; prefix with - for descending.")
