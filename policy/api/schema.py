"""OpenAPI: related records are written as a key but read as a compact object."""

from drf_spectacular.extensions import OpenApiSerializerFieldExtension


class CompactRelatedFieldExtension(OpenApiSerializerFieldExtension):
    target_class = "policy.api.fields.CompactRelatedField"

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
