"""Strict parameters: one the endpoint does not know is a 400, never silently ignored; so is a
single-valued one given twice (`page=1&page=2`), which would otherwise silently mean the last."""

import django_filters
from django import forms
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.exceptions import ValidationError

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


def form_parameters(form_class):
    """The OpenAPI query parameters of a form's fields (for an endpoint that validates its query with
    a form): a date, or text; several values (repeat = OR) and fixed choices (not a model's keys)
    as the field takes them; the field's help text as the description."""
    parameters = []
    for name, field in form_class.base_fields.items():
        many = name in repeatable_fields({name: field})
        options = {"many": True, "explode": True} if many else {}
        if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
            options["enum"] = [value for value, _ in field.choices]
        kind = OpenApiTypes.DATE if isinstance(field, forms.DateField) else OpenApiTypes.STR
        parameters.append(OpenApiParameter(name, kind, description=field.help_text, **options))
    return parameters


class StrictFilterBackend(DjangoFilterBackend):
    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        known = COMMON_PARAMETERS | set(getattr(view, "extra_query_parameters", ()))
        repeatable = set()
        if filterset_class is not None:
            known |= set(filterset_class.base_filters)
            repeatable = {
                name
                for name, filter_ in filterset_class.base_filters.items()
                if isinstance(filter_, django_filters.MultipleChoiceFilter)
            }
        reject_unknown_parameters(request, known, repeatable)
        if filterset_class is not None and not set(request.query_params) & set(filterset_class.base_filters):
            return queryset  # nothing to filter by: skip building the FilterSet and its form
        return super().filter_queryset(request, queryset, view)
