"""`/api/v1/search/?q=`: one search across every record type (policy.reading.search)."""

from urllib.parse import urlencode

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema, inline_serializer
from rest_framework import permissions, serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from ..reading.plan import ResourceUrls
from ..reading.search import (
    COUNT_LIMIT,
    MAX_PAGE_SIZE,
    PAGE_SIZE,
    PARAMETERS,
    SearchQuery,
    parse,
    search_types,
    searchable_types,
)
from .filtering import form_parameters
from .renderers import BrowsableAPIRenderer, JSONRenderer

TYPE_NAMES = [t.name for t in searchable_types()]


QUERY_PARAMETERS = {*PARAMETERS, "format"}
PAGE_PARAMETERS = [
    OpenApiParameter(
        "page", OpenApiTypes.INT, description="Page number from 1: page N holds each type's Nth slice of matches."
    ),
    OpenApiParameter(
        "page_size",
        OpenApiTypes.INT,
        description=f"Matches per type and page (default {PAGE_SIZE}; at most {MAX_PAGE_SIZE}, a larger value "
        "is capped).",
    ),
]

HIT = inline_serializer(
    "SearchHit",
    {
        "type": serializers.ChoiceField(choices=TYPE_NAMES),
        "key": serializers.CharField(help_text="The record's slug (a country's code)."),
        "title": serializers.CharField(help_text="Its title, name or text (200 characters at most)."),
        "date": serializers.DateField(allow_null=True, help_text="Its main date, if the type has one."),
        "date_precision": serializers.CharField(allow_null=True, help_text="`day`, `month` or `year`."),
        "url": serializers.URLField(help_text="The record in the API."),
        "page": serializers.URLField(help_text="The record's web page."),
        "excerpt": serializers.CharField(help_text="The record's own text around the match (… where cut)."),
        "match": serializers.ListField(
            child=serializers.IntegerField(),
            allow_null=True,
            help_text="[start, end): the match's characters in `excerpt`; null when the match is in a related "
            "record's name (a statement found by its speaker's name).",
        ),
    },
)
TYPE_SUMMARY = inline_serializer(
    "SearchTypeCount",
    {
        "type": serializers.ChoiceField(choices=TYPE_NAMES),
        "count": serializers.IntegerField(help_text=f"Matches of this type, counted up to {COUNT_LIMIT}."),
        "count_is_exact": serializers.BooleanField(help_text=f"False when there are {COUNT_LIMIT} or more."),
        "list": serializers.URLField(help_text="This type's API list searched for the same text (`search=`)."),
    },
)
RESPONSE = inline_serializer(
    "SearchResults",
    {
        "q": serializers.CharField(),
        "count": serializers.IntegerField(help_text="The types' counts added up."),
        "next": serializers.URLField(allow_null=True),
        "previous": serializers.URLField(allow_null=True),
        "types": TYPE_SUMMARY.__class__(many=True, help_text="Each type with matches, with its count."),
        "results": HIT.__class__(many=True, help_text="This page's matches, grouped by type."),
    },
)
EXAMPLE = OpenApiExample(
    "Searching for lopez",
    value={
        "q": "lopez",
        "count": 14,
        "next": None,
        "previous": None,
        "types": [
            {"type": "statement", "count": 9, "count_is_exact": True, "list": "…/api/v1/statements/?search=lopez"}
        ],
        "results": [
            {
                "type": "statement",
                "key": "amlo-expectations-better-treatment-migrants",
                "title": "Expectations were created that with the government of President Biden …",
                "date": "2021-03-23",
                "date_precision": "day",
                "url": "…/api/v1/statements/amlo-expectations-better-treatment-migrants/",
                "page": "…/statements/amlo-expectations-better-treatment-migrants/",
                "excerpt": "Expectations were created that with the government of President Biden …",
                "match": None,
            }
        ],
    },
    response_only=True,
)


class SearchView(APIView):
    """Find records of every type at once."""

    permission_classes = [permissions.AllowAny]  # read-only: GET is its only method
    http_method_names = ["get", "head", "options"]
    renderer_classes = [JSONRenderer, BrowsableAPIRenderer]  # no CSV: hits of several types share no columns

    @extend_schema(
        summary="Search every record type",
        description="Finds `q` in records of every type at once — policies, aid packages, statements, statistics, "
        "events, actors, countries, topics and sources — as each list's `search=` does: anywhere in the record's "
        "text or its related names, accents and case ignored. Results come grouped by type (in that order), "
        "ranked by relevance within a type on PostgreSQL, each with its type, title, date, API and page URLs "
        "and an excerpt around the match. Page N holds each type's Nth slice; `types` gives each type's count "
        "and its full list (`/api/v1/<type>/?search=…`, which takes filters too).\n\n"
        "Example: `/api/v1/search/?q=lopez&type=statement` — what was said by or about López Obrador.",
        parameters=[*form_parameters(SearchQuery), *PAGE_PARAMETERS],
        responses=RESPONSE,
        examples=[EXAMPLE],
    )
    def get(self, request):
        query, errors = parse(request.query_params, request.user.is_authenticated, QUERY_PARAMETERS)
        if errors:
            raise ValidationError(errors)
        groups = search_types(query.text, query.types, query.page, query.page_size)
        if query.page > 1 and not any(group.hits for group in groups):
            raise NotFound("Invalid page.")
        return Response(self.body(request, query.text, groups, query.page))

    def body(self, request, text, groups, page):
        urls = ResourceUrls(request)
        return {
            "q": text,
            "count": sum(group.count for group in groups),
            "next": self.link(request, page + 1) if any(group.has_more for group in groups) else None,
            "previous": self.link(request, page - 1) if page > 1 else None,
            "types": [
                {
                    "type": group.type.name,
                    "count": group.count,
                    "count_is_exact": group.count_is_exact,
                    "list": f"{urls.base(group.type.model)}?{urlencode({'search': text})}",
                }
                for group in groups
            ],
            "results": [
                {
                    "type": hit.type.name,
                    "key": hit.key,
                    "title": hit.title,
                    "date": hit.date,
                    "date_precision": hit.date_precision,
                    "url": urls.detail(hit.type.model, hit.key),
                    "page": request.build_absolute_uri(
                        reverse("web:record", kwargs={"resource": hit.type.resource, "key": hit.key})
                    ),
                    "excerpt": hit.excerpt,
                    "match": list(hit.match) if hit.match else None,
                }
                for group in groups
                for hit in group.hits
            ],
        }

    def link(self, request, page):
        params = request.query_params.copy()
        params["page"] = str(page)
        return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")
