"""`/api/v1/timeline/`: every dated record of every type, in one chronological list
(read by policy.querying.timeline), as DRF's view, its paginator and its schema."""

from functools import cached_property

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import permissions, serializers
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from ..querying.timeline import TYPES, TimelineQuery, requested_timeline
from ..reading.plan import ResourceUrls
from .filtering import form_parameters

TIMELINE_QUERY = {"page", "page_size", "format"}

TIMELINE_PARAMETERS = form_parameters(TimelineQuery)

TIMELINE_ITEM = inline_serializer(
    "TimelineItem",
    {
        "type": serializers.ChoiceField(choices=list(TYPES)),
        "slug": serializers.CharField(),
        "title": serializers.CharField(),
        "date": serializers.DateField(),
        "date_precision": serializers.CharField(),
        "url": serializers.URLField(),
    },
    many=True,
)


# Not a GenericAPIView: it has no queryset, and the browsable API asks a GenericAPIView for one (to
# draw a filter form), which was a 500 for every browser.
class TimelineView(APIView):
    """Every dated event, policy, aid package, statement and statistic, in date order."""

    pagination_class = api_settings.DEFAULT_PAGINATION_CLASS
    permission_classes = [permissions.AllowAny]  # read-only: GET is its only method
    http_method_names = ["get", "head", "options"]

    @cached_property
    def paginator(self):
        return self.pagination_class()

    def csv_header(self):
        return list(TIMELINE_ITEM.child.fields)

    @extend_schema(parameters=TIMELINE_PARAMETERS, responses=TIMELINE_ITEM)
    def get(self, request):
        timeline, _ = requested_timeline(request, TIMELINE_QUERY)
        page = self.paginator.paginate_queryset(timeline, request, view=self)
        urls = ResourceUrls(request)
        items = [
            {
                "type": row["record_type"],
                "slug": row["slug"],
                "title": row["record_title"],
                "date": row["record_date"],
                "date_precision": row["date_precision"],
                "url": urls.detail(TYPES[row["record_type"]].model, row["slug"]),
            }
            for row in page
        ]
        return self.paginator.get_paginated_response(items)
