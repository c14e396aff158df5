"""The API's filter backend, strict (policy.querying.parameters): a parameter a list does not know,
or a single-valued one given twice, is a 400; and the schema of endpoints that read their query with a form."""

from django import forms
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

from ..querying.parameters import COMMON_PARAMETERS, repeatable_fields, strictly_filtered


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
        known = COMMON_PARAMETERS | set(getattr(view, "extra_query_parameters", ()))
        return strictly_filtered(request, queryset, self.get_filterset_class(view, queryset), known)
