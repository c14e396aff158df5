from django_filters.rest_framework import DjangoFilterBackend


class StrictFilterBackend(DjangoFilterBackend):
    """Placeholder until the REST API lands; see issue 3."""
