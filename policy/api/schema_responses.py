"""OpenAPI: what every operation can answer besides its success, so clients (and schemathesis) see the
whole contract: errors, `ETag`s, CSV as text, facets (policy.api.schema builds on it)."""

from ..adapters.drf_spectacular import AdaptedAutoSchema
from ..facets import facets_of

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
    "(or query parameter) name; `excerpt_closest` beside an `excerpt` that is not verbatim in its source "
    "(for whoever may read the source's text).",
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


class ResponsesSchema(AdaptedAutoSchema):
    """What an operation answers besides its success: the errors it may return (in every format it
    renders), `ETag`s and `Location`, CSV as text, and the facets of a list."""

    def is_detail(self):
        return "{" in self.path and self.path.rstrip("/").endswith("}")

    def writes(self):
        return self.method not in ("GET", "HEAD", "OPTIONS")

    def facets(self):
        """The facets a list may count (`?facets=`), else none."""
        return getattr(self.view, "facet_names", []) if getattr(self.view, "action", None) == "list" else []

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
