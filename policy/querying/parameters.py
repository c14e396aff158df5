"""Strict parameters: one the endpoint does not know is a 400, never silently ignored; so is a
single-valued one given twice (`page=1&page=2`), which would otherwise silently mean the last."""

import copy
import re

import django_filters
from django import forms
from django_filters.utils import translate_validation
from rest_framework.exceptions import ValidationError

from ..cache import LRU

# Parameters that choose a page, and those that choose a representation. Every list understands them
# besides its FilterSet's filters, and none of them changes which records a list counts (pagination).
PAGE_PARAMETERS = frozenset({"page", "page_size", "cursor"})
REPRESENTATION_PARAMETERS = frozenset({"format", "fields", "omit"})
COMMON_PARAMETERS = PAGE_PARAMETERS | REPRESENTATION_PARAMETERS
# What a detail understands: its representation, and the moment to read it at.
DETAIL_PARAMETERS = REPRESENTATION_PARAMETERS | {"as_of"}


def reject_unknown_parameters(request, known, repeatable=()):
    """A 400 naming each parameter not in `known`, and each one given twice but not `repeatable`."""
    unknown = sorted(set(request.query_params) - set(known))
    if unknown:
        message = f"Unknown query parameter. This endpoint accepts: {', '.join(sorted(known))}."
        raise ValidationError({name: [message] for name in unknown})
    repeated = sorted(
        name for name, values in request.query_params.lists() if len(values) > 1 and name not in repeatable
    )
    if repeated:
        raise ValidationError({name: ["Given more than once; this parameter takes one value."] for name in repeated})


def repeatable_fields(form_fields):
    """The names of a form's fields that take several values (repeat = OR)."""
    return {
        name
        for name, field in form_fields.items()
        if isinstance(field, (forms.MultipleChoiceField, forms.ModelMultipleChoiceField))
    }


def repeatable_filters(filterset_class):
    """The names of a FilterSet's filters that take several values (repeat = OR)."""
    filters = filterset_class.base_filters if filterset_class is not None else {}
    return {name for name, filter_ in filters.items() if isinstance(filter_, django_filters.MultipleChoiceFilter)}


def own_filter(filter_):
    """`filter_` for one FilterSet: its own `model` and `parent` (django-filter sets them per FilterSet) and
    a `method` that calls that parent; what it was declared with (lookup, choices, field) shared, as no
    request changes it."""
    clone = copy.copy(filter_)
    if filter_.method is not None:
        clone.method = filter_.method  # the setter binds the method to the clone, not to the original
    return clone


def own_field(field):
    """A form field for one form: what it was declared with shared (choices, messages, validators: neither
    cleaning nor rendering changes them), but a field with records for choices gets its own clone of their
    queryset, and its own widget listing them, so that nothing a request reads or fills outlives it."""
    clone = copy.copy(field)
    if isinstance(field, forms.ModelChoiceField) and field.queryset is not None:
        clone.widget = copy.copy(field.widget)
        clone.queryset = field.queryset  # Django's setter: a clone of the queryset, and the widget's choices from it
    return clone


class CopiedShallowly(dict):
    """Filters or form fields, which django-filter and Django deep-copy for each FilterSet and form (querysets,
    widgets, every choice): copied by `copy_one` instead. A fifth of the Python calls of a list filtered by speaker
    and dates went to those copies (bench/README.md, "a filtered request's fixed cost")."""

    def __init__(self, items, copy_one):
        super().__init__(items)
        self.copy_one = copy_one

    def __deepcopy__(self, memo):
        return {name: self.copy_one(item) for name, item in self.items()}


class NamedFiltersOnly:
    """Mixed into a FilterSet: given `only=` (the filters a query names), it copies, validates and applies
    those alone. A FilterSet deep-copies every filter and its form every field (their querysets with
    them), and an absent filter changes nothing: for a list filtered by one speaker, copying the dozen
    others cost more than filtering (about 2 ms of 8 at a million statements). The ones it applies are
    copied shallowly (CopiedShallowly)."""

    # Form classes by FilterSet class and the filters named: each form copies its class's fields,
    # so one class serves every request.
    form_classes = LRU(256)

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None, only=None):
        named = self.base_filters.items()
        if only is not None:
            named = [(name, filter_) for name, filter_ in named if name in only]
        self.base_filters = CopiedShallowly(named, own_filter)
        super().__init__(data, queryset, request=request, prefix=prefix)

    def get_form_class(self):
        key = (type(self), tuple(self.filters))
        form_class = self.form_classes.get(key)
        if form_class is None:
            form_class = super().get_form_class()
            form_class.base_fields = CopiedShallowly(form_class.base_fields, own_field)
            self.form_classes[key] = form_class
        return form_class


def strictly_filtered(request, queryset, filterset_class, known=COMMON_PARAMETERS):
    """`queryset` filtered by `filterset_class` from the request's query: a 400 for a parameter neither
    a filter nor `known`, for a repeated single-valued one, and for a malformed value (the form's message)."""
    filters = set(filterset_class.base_filters) if filterset_class is not None else set()
    reject_unknown_parameters(request, set(known) | filters, repeatable_filters(filterset_class))
    named = set(request.query_params) & filters
    if not named:
        return queryset  # nothing to filter by: skip building the FilterSet and its form
    only = {"only": named} if issubclass(filterset_class, NamedFiltersOnly) else {}
    filterset = filterset_class(request.query_params, queryset=queryset, request=request, **only)
    if not filterset.is_valid():
        raise translate_validation(filterset.errors)
    return filterset.qs


# ASCII digits only: str.isdigit() also accepts "²", which int() then refuses (a 500).
WHOLE_NUMBER = re.compile(r"-?[0-9]{1,30}")


def requested_size(request, default, maximum):
    """The request's `page_size`: a whole number from 1 (a 400 otherwise), capped at `maximum` as DRF
    does rather than refused."""
    raw = request.query_params.get("page_size")
    if raw is None:
        return default
    if not WHOLE_NUMBER.fullmatch(raw):
        raise ValidationError({"page_size": [f"“{raw}” is not a whole number."]})
    size = int(raw)
    if size < 1:
        raise ValidationError({"page_size": ["Must be at least 1."]})
    return min(size, maximum)
