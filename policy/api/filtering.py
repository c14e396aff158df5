"""Strict filtering: a parameter the endpoint does not know is a 400, never silently ignored."""

from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError

# Parameters every list understands besides its FilterSet's filters.
COMMON_PARAMETERS = {"page", "page_size", "cursor", "format", "fields", "omit"}


def reject_unknown_parameters(request, known):
    unknown = sorted(set(request.query_params) - set(known))
    if unknown:
        message = f"Unknown query parameter. This endpoint accepts: {', '.join(sorted(known))}."
        raise ValidationError({name: [message] for name in unknown})


class StrictFilterBackend(DjangoFilterBackend):
    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        known = COMMON_PARAMETERS | set(getattr(view, "extra_query_parameters", ()))
        if filterset_class is not None:
            known |= set(filterset_class.base_filters)
        unknown = sorted(set(request.query_params) - known)
        if unknown:
            allowed = ", ".join(sorted(known))
            raise ValidationError(
                {name: [f"Unknown query parameter. This endpoint accepts: {allowed}."] for name in unknown}
            )
        if filterset_class is not None and not set(request.query_params) & set(filterset_class.base_filters):
            return queryset  # nothing to filter by: skip building the FilterSet and its form
        return super().filter_queryset(request, queryset, view)
