"""`/api/v1/datapackage.zip`: the whole public data set as a Frictionless Data Package, one download
(policy.datapackage.published builds it once per version of the data; this view sends the file)."""

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions, renderers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from ..datapackage.published import published
from ..querying.parameters import reject_unknown_parameters
from .conditional import if_none_match_passes
from .renderers import ErrorsAsJSON, JSONRenderer

FILENAME = "policy-records-datapackage.zip"


class ZipRenderer(renderers.BaseRenderer):
    media_type = "application/zip"
    format = "zip"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data  # the view sends the file itself; errors are rendered as JSON (finalize_response)


class DataPackageView(ErrorsAsJSON, APIView):
    permission_classes = [permissions.AllowAny]  # read-only: GET is its only method
    renderer_classes = [ZipRenderer, JSONRenderer]  # JSON: the errors' (ErrorsAsJSON), documented as such

    @extend_schema(
        parameters=[],
        responses={
            (200, "application/zip"): OpenApiResponse(
                OpenApiTypes.BINARY,
                description="datapackage.json and one CSV per record type and link table; full texts only where "
                "their licence allows. Built once per version of the data (the ETag).",
            ),
            304: OpenApiResponse(description="Not modified: `If-None-Match` names the current version."),
        },
        description="The whole data set as a Frictionless Data Package (zip).",
    )
    def get(self, request, *args, **kwargs):
        reject_unknown_parameters(request, {"format"})
        if request.query_params.get("format", "zip") != "zip":  # an Accept header is a preference: any gets the zip
            raise ValidationError({"format": ["The data package is a zip: format=zip, or no format."]})
        path, version = published()
        etag = f'"{version}"'
        if if_none_match_passes(request.headers.get("If-None-Match"), etag):
            return Response(status=304, headers={"ETag": etag})
        file = open(path, "rb")  # noqa: SIM115  (FileResponse closes it when sent)
        response = FileResponse(file, as_attachment=True, filename=FILENAME, content_type="application/zip")
        response["ETag"] = etag
        return response
