"""OpenAPI: related records are written as a key but read as a compact object; every operation
documents the errors, headers and formats it really answers with (see `AutoSchema`)."""

from drf_spectacular.authentication import SessionScheme, TokenScheme
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.permissions import AllowAny, DjangoModelPermissionsOrAnonReadOnly

from ..facets import FACET_SIZE
from .descriptions import describe, first_sentence, summary
from .schema_responses import ERROR, ResponsesSchema


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


STRICT_PARAMETERS = {"page", "page_size", "as_of"}
SPARSE = {"fields", "omit"}
PRECONDITIONS = {
    "If-Match": "Only if the record is still at this version (its `ETag`, quotes included, or `*`); else 412. "
    "A value that is not a quoted ETag is a 400.",
    "If-None-Match": "Answer 304 Not Modified when the record is still at this version.",
}


class AutoSchema(ResponsesSchema):
    """drf-spectacular's schema plus what our views really answer (policy.api.schema_responses), their
    parameters as strict as the views are, and anonymous reads."""

    def get_auth(self):
        """No security requirement on what anyone may do (reads; the token endpoint): the docs then
        draw no lock beside it. Writes list the token and the session."""
        permissions = self.view.get_permissions()
        anonymous = all(isinstance(p, (AllowAny, DjangoModelPermissionsOrAnonReadOnly)) for p in permissions) and (
            not self.writes() or all(isinstance(p, AllowAny) for p in permissions)
        )
        return [] if anonymous else super().get_auth()

    def get_summary(self):
        """Every operation has one: a record's from its declaration, a standard action's from its model
        (`List suggestions`), else the first sentence of its description."""
        action = getattr(self.view, "action", None)
        described = describe(self.view, action)
        if described:
            return described[0]
        model = getattr(getattr(self.view, "queryset", None), "model", None)
        standard = summary(action, model._meta) if model is not None else None
        return super().get_summary() or standard or first_sentence(self.get_description() or "")

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
        patch["summary"] = f"Change several records, each named by its {key}"
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
