"""OpenAPI: related records are written as a key but read as a compact object; every operation
documents the errors, headers and formats it really answers with (see `AutoSchema`)."""

from drf_spectacular.authentication import SessionScheme, TokenScheme
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.permissions import AllowAny, DjangoModelPermissionsOrAnonReadOnly

from ..adapters.drf_spectacular import AdaptedAutoSchema
from ..facets import FACET_SIZE, facets_of
from .descriptions import describe


class CompactRelatedFieldExtension(OpenApiSerializerFieldExtension):
    target_class = "policy.representation.fields.CompactRelatedField"

    def map_serializer_field(self, auto_schema, direction):
        field = self.target
        name = field.model._meta.verbose_name
        if direction == "request":
            return {"type": "string", "description": f"The {name}'s {field.slug_field}."}
        return {
            "type": "object",
            "description": f"The related {name}: key, name and API URL.",
            "properties": {
                field.slug_field: {"type": "string"},
                field.label_field: {"type": "string"},
                "url": {"type": "string", "format": "uri"},
            },
            "required": [field.slug_field, field.label_field, "url"],
        }


class LicensedTextFieldExtension(OpenApiSerializerFieldExtension):
    """A source's text is a string, or null: read, where its licence withholds it; written, no change."""

    target_class = "policy.representation.fields.LicensedTextField"

    def map_serializer_field(self, auto_schema, direction):
        return {"type": "string", "nullable": True, "description": self.target.help_text}


# What every operation can answer besides its success, so clients (and schemathesis) see the whole contract.
CLOSEST = {
    "type": "object",
    "description": "Beside the message of an excerpt that is not verbatim in its source (`excerpt`): the "
    "source's closest passage, its offsets in the source's text, the index in the excerpt (0-based) of the "
    "first character that differs, what kind of difference it is and the characters there.",
    "properties": {
        "closest": {"type": "string"},
        "start": {"type": "integer"},
        "end": {"type": "integer"},
        "differs_at": {"type": "integer"},
        "kind": {"type": "string", "enum": ["quote", "dash", "ellipsis", "whitespace", "case", "other"]},
        "excerpt_has": {"type": "string"},
        "source_has": {"type": "string"},
    },
    "required": ["closest", "start", "end", "differs_at", "kind", "excerpt_has", "source_has"],
}
ERROR = {
    "type": "object",
    "description": "An error: `detail` for the request as a whole, or field-level messages keyed by field "
    "(or query parameter) name; `excerpt_closest` beside an `excerpt` that is not verbatim in its source.",
    "properties": {"detail": {"type": "string"}, "excerpt_closest": CLOSEST},
    "additionalProperties": True,
}
DETAIL = {"type": "object", "properties": {"detail": {"type": "string"}}, "required": ["detail"]}
CSV = {"type": "string", "description": "CSV: a header row, then one row per record (errors: `field,message` rows)."}
ETAG = {
    "description": "The record's version; send it back in `If-Match` to update or delete only that version.",
    "schema": {"type": "string"},
}
ERRORS = {
    "400": ("Malformed request: invalid JSON, a field or query parameter that fails validation.", ERROR),
    "401": ("Writes need a token (`Authorization: Token …`) or a session.", DETAIL),
    "403": ("Authenticated, but without the Django model permission this write needs.", DETAIL),
    "404": ("No record with that key.", DETAIL),
    "409": ("Deleting a record others still refer to.", DETAIL),
    "412": ("`If-Match` names a version of the record that is no longer current.", DETAIL),
    "413": ("The request body is larger than the server accepts.", DETAIL),
    "415": ("The request body's content type is not JSON, form or multipart data.", DETAIL),
    "429": ("Too many requests; wait the number of seconds in `Retry-After`.", DETAIL),
    "503": ("The database is too busy with other writes; retry after the seconds in `Retry-After`.", DETAIL),
}
STRICT_PARAMETERS = {"page", "page_size", "as_of"}
SPARSE = {"fields", "omit"}
PRECONDITIONS = {
    "If-Match": "Only if the record is still at this version (its `ETag`); else 412.",
    "If-None-Match": "Answer 304 Not Modified when the record is still at this version.",
}


class AutoSchema(AdaptedAutoSchema):
    """drf-spectacular's schema plus what our views really answer: errors, `ETag`s, CSV as text,
    and anonymous reads."""

    def is_detail(self):
        return "{" in self.path and self.path.rstrip("/").endswith("}")

    def writes(self):
        return self.method not in ("GET", "HEAD", "OPTIONS")

    def get_auth(self):
        """No security requirement on what anyone may do (reads; the token endpoint): the docs then
        draw no lock beside it. Writes list the token and the session."""
        permissions = self.view.get_permissions()
        anonymous = all(isinstance(p, (AllowAny, DjangoModelPermissionsOrAnonReadOnly)) for p in permissions) and (
            not self.writes() or all(isinstance(p, AllowAny) for p in permissions)
        )
        return [] if anonymous else super().get_auth()

    def get_summary(self):
        described = describe(self.view, getattr(self.view, "action", None))
        return described[0] if described else super().get_summary()

    def get_description(self):
        described = describe(self.view, getattr(self.view, "action", None))
        return described[1] if described else super().get_description()

    def get_operation_id(self):
        operation_id = super().get_operation_id()
        if getattr(self.view, "action", None) == "bulk_partial_update":  # PATCH on a list (policy.api.bulk)
            return operation_id.replace("_partial_update", "_bulk_partial_update")
        return operation_id

    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        if self.is_detail() and self.method in ("PUT", "PATCH", "DELETE"):
            parameters.append(header("If-Match"))
        if self.is_detail() and self.method == "GET" and not self.path.endswith("/history/"):
            parameters.append(header("If-None-Match"))
        return parameters

    def facets(self):
        """The facets a list may count (`?facets=`), else none."""
        return getattr(self.view, "facet_names", []) if getattr(self.view, "action", None) == "list" else []

    def adjust_parameters(self, parameters):
        if self.facets() and self.method == "GET":
            parameters = sorted([*parameters, facets_parameter(self.facets())], key=lambda p: (p["in"], p["name"]))
        for parameter in parameters:
            # An empty optional parameter is no filter (as HTML forms send it); paging and as_of refuse it.
            if parameter["in"] == "query" and parameter["name"] not in STRICT_PARAMETERS:
                parameter["allowEmptyValue"] = True
            if parameter["in"] == "query" and parameter["name"] in SPARSE:
                parameter.update(self.field_list(parameter))
        return parameters

    def field_list(self, parameter):
        """`fields`/`omit`: a comma-separated list of this representation's own fields."""
        plan = self.view.plan
        names = plan.detail_names if self.view.action == "retrieve" else plan.list_names
        other = "omit" if parameter["name"] == "fields" else "fields"
        return {
            "schema": {"type": "array", "items": {"type": "string", "enum": names}},
            "style": "form",
            "explode": False,
            "description": f"{parameter['description']} Not with `{other}`.",
        }

    def error_codes(self):
        codes = {"400", "429"}
        if self.method in ("POST", "PUT", "PATCH"):
            codes |= {"413", "415"}
        if (self.writes() or getattr(self.view, "editors_only", False)) and self.view.get_permissions():
            codes |= {"401", "403"}
        if "{" in self.path or self.method == "GET":  # GET: also a page past the last
            codes.add("404")
        if self.is_detail() and self.method in ("PUT", "PATCH", "DELETE"):
            codes.add("412")
        if self.is_detail() and self.method == "DELETE":
            codes.add("409")
        if self.writes():  # policy.busy
            codes.add("503")
        return sorted(codes)

    def adjust_response_bodies(self, responses, direction):
        media_types = self.map_renderers("media_type")
        for response in responses.values():
            if "text/csv" in response.get("content", {}):
                response["content"]["text/csv"] = {"schema": CSV}
        if self.is_detail() and not self.path.endswith("/history/"):
            for code in ("200", "201"):
                if code in responses:
                    responses[code].setdefault("headers", {})["ETag"] = ETAG
            if self.method == "GET":
                responses["304"] = {"description": "Not modified: `If-None-Match` names the current version."}
        elif "201" in responses:  # a create answers with the new record, its version and its address
            responses["201"].setdefault("headers", {}).update(
                ETag=ETAG, Location={"description": "The new record's URL.", "schema": {"type": "string"}}
            )
        for code in self.error_codes():
            add_error_response(responses, code, media_types)
        json_list = responses.get("200", {}).get("content", {}).get("application/json")
        if self.facets() and json_list:
            json_list["schema"] = {"allOf": [json_list["schema"], facets_schema(self.view)]}
        return responses


def facets_parameter(names):
    return {
        "in": "query",
        "name": "facets",
        "required": False,
        "description": "Comma-separated facets to count over the filtered list (each its top "
        f"{FACET_SIZE} values, by count): adds `facets` to the response. JSON only.",
        "schema": {"type": "array", "items": {"type": "string", "enum": names}},
        "style": "form",
        "explode": False,
    }


def facets_schema(view):
    """`{"facets": {name: [{<key>, name, count}]}, "facets_stale": bool}`: keyed by the related key or `value`."""
    entries = {}
    for name, facet in facets_of(view.model._meta.model_name).items():
        key_type = {"type": "integer"} if facet.year else {"type": "string"}
        entry = {
            "type": "object",
            "properties": {facet.key: key_type, "name": {"type": "string"}, "count": {"type": "integer"}},
            "required": [facet.key, "name", "count"],
        }
        entries[name] = {"type": "array", "items": entry}
    described = "Present when `facets=` is given: for each facet asked for, its values with their counts."
    stale = "True while counts slow to take are from before the latest write (being recounted); rows are current."
    return {
        "type": "object",
        "properties": {"facets": {"type": "object", "properties": entries, "description": described}}
        | {"facets_stale": {"type": "boolean", "description": stale}},
    }


def add_error_response(responses, code, media_types):
    """The error `code` in every media type the view renders (unless the view declares its own)."""
    description, schema = ERRORS[code]
    responses.setdefault(
        code,
        {
            "description": description,
            "content": {m: {"schema": CSV if m == "text/csv" else schema} for m in media_types},
        },
    )
    if code in ("429", "503"):
        responses[code]["headers"] = {"Retry-After": {"description": "Seconds to wait.", "schema": {"type": "integer"}}}


def header(name):
    return OpenApiParameter(name, OpenApiTypes.STR, location=OpenApiParameter.HEADER, description=PRECONDITIONS[name])


def sparse_responses(result, generator, request, public):
    """`fields=`/`omit=` may leave any field out, so no field of a record's representation is required."""
    schemas = result.get("components", {}).get("schemas", {})
    for name, schema in schemas.items():
        if not name.endswith("Request") and schema.get("properties", {}).keys() >= {"created_at", "updated_at"}:
            schema.pop("required", None)
    return result


# The API's authentication classes are DRF's token and session ones that also tell the replica router who
# reads (policy.routers): the schema describes them as DRF's.
class ReaderTokenScheme(TokenScheme):
    target_class = "policy.routers.ReaderTokenAuthentication"


class ReaderSessionScheme(SessionScheme):
    target_class = "policy.routers.ReaderSessionAuthentication"


def bulk_writes(result, generator, request, public):
    """A list endpoint takes a JSON list too (policy.api.bulk): POST creates every item, PATCH updates every
    item named by its key; a 400 then lists each item's errors by index."""
    from .bulk import MAX_BULK_ITEMS

    paths = result.get("paths", {})
    for path, operations in paths.items():
        key = next(
            (p[len(path) + 1 : -2] for p in paths if p.startswith(f"{path}{{") and p.count("/") == path.count("/") + 1),
            None,
        )
        if key is None or "patch" not in operations:
            continue
        listed = {"minItems": 1, "maxItems": MAX_BULK_ITEMS}
        for content in operations["post"]["requestBody"]["content"].values():
            one = content["schema"]
            content["schema"] = {"oneOf": [one, {"type": "array", "items": one, **listed}]}
        for media, content in operations["post"]["responses"]["201"]["content"].items():
            if media != "text/csv":
                content["schema"] = {"oneOf": [content["schema"], {"type": "array", "items": content["schema"]}]}
        patch = operations["patch"]
        patch["description"] = f"Update several records, each named by its `{key}` (all or none)."
        for content in patch["requestBody"]["content"].values():
            item = {"allOf": [content["schema"], {"type": "object", "required": [key]}]}
            content["schema"] = {"type": "array", "items": item, **listed}
        for media, content in patch["responses"]["200"]["content"].items():
            if media != "text/csv":
                content["schema"] = {"type": "array", "items": content["schema"]}
        for operation in (operations["post"], patch):
            for media, content in operation["responses"]["400"]["content"].items():
                if media != "text/csv":
                    content["schema"] = {"oneOf": [ERROR, {"type": "array", "items": ERROR}]}
    return result
