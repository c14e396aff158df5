"""The package's tables and their Table Schemas, derived from the record declarations (policy.records)
and the models' fields: one table per record type, one per many-to-many link, and the policy relations.

Records are keyed by their public key (slug; countries by code), never by database id, so a table
reads without the others and loads into any database. Foreign keys name the key of the record they
point to.
"""

from dataclasses import dataclass, field

from django.db import models

from .. import records
from ..models import PolicyRelation
from ..models.base import Citation

# Frictionless Table Schema types of the model fields (by Django's internal type).
TYPES = {
    "CharField": "string",
    "SlugField": "string",
    "TextField": "string",
    "URLField": "string",
    "DateField": "date",
    "DateTimeField": "datetime",
    "DecimalField": "number",
    "PositiveIntegerField": "integer",
    "IntegerField": "integer",
    "BigIntegerField": "integer",
    "BooleanField": "boolean",
    "JSONField": "array",
}
URL_FORMAT = {"URLField": "uri"}


@dataclass(frozen=True)
class Column:
    name: str  # in the CSV header
    lookup: str  # what `.values_list()` reads for it
    model_field: object  # the model field it comes from (its type, description, null)
    schema: dict


@dataclass
class Table:
    name: str  # the resource's name; its file is `<name>.csv`
    model: type  # the rows' model (a link table's: Django's through model)
    key: tuple  # the primary key's columns
    order: tuple  # lookups the rows are ordered by
    columns: list = field(default_factory=list)
    foreign_keys: list = field(default_factory=list)
    description: str = ""
    owner: object = None  # a link table: the many-to-many field it holds

    @property
    def path(self):
        return f"{self.name}.csv"

    def schema(self):
        return {
            "fields": [column.schema for column in self.columns],
            "primaryKey": list(self.key),
            "foreignKeys": self.foreign_keys,
            "missingValues": [""],
        }


def sentence(text):
    text = str(text)
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def key_of(model):
    declared = records.BY_MODEL[model]
    return declared.resource, declared.key


def describe(model_field):
    """A column's description: its help text, else its verbose name."""
    return sentence(model_field.help_text or model_field.verbose_name)


def value_column(model_field):
    kind = model_field.get_internal_type()
    schema = {"name": model_field.name, "type": TYPES[kind], "description": describe(model_field)}
    if kind in URL_FORMAT:
        schema["format"] = URL_FORMAT[kind]
    constraints = {}
    if not model_field.null and not model_field.blank:
        constraints["required"] = True
    if model_field.unique:
        constraints["unique"] = True
    if model_field.choices:
        constraints["enum"] = [str(value) for value, _ in model_field.flatchoices]
    elif kind in ("CharField", "SlugField", "URLField"):
        constraints["maxLength"] = model_field.max_length
    if constraints:
        schema["constraints"] = constraints
    return Column(model_field.name, model_field.attname, model_field, schema)


def foreign_column(model_field, table):
    """A foreign key as the key of the record it points to, declared as the package's foreign key."""
    resource, key = key_of(model_field.related_model)
    target = model_field.related_model._meta.verbose_name
    description = f"{sentence(model_field.help_text) + ' ' if model_field.help_text else ''}The {target}'s {key}."
    schema = {"name": model_field.name, "type": "string", "description": description}
    if not model_field.null:
        schema["constraints"] = {"required": True}
    table.foreign_keys.append({"fields": model_field.name, "reference": {"resource": resource, "fields": key}})
    return Column(model_field.name, f"{model_field.name}__{key}", model_field, schema)


CITATION = {f.name for f in Citation._meta.get_fields()}
TIMESTAMPS = ("created_at", "updated_at")


def reading_order(model_field, key):
    """Key first, then the record's own fields, its citation, and its timestamps (model order within)."""
    name = model_field.name
    return 0 if name in key else 3 if name in TIMESTAMPS else 2 if name in CITATION else 1


def columns_of(model, table):
    ordered = sorted(model._meta.concrete_fields, key=lambda f: reading_order(f, table.key))
    for model_field in ordered:
        if model_field.primary_key:
            continue
        if model_field.is_relation:
            table.columns.append(foreign_column(model_field, table))
        else:
            table.columns.append(value_column(model_field))


def record_table(declared):
    model = declared.model
    table = Table(
        declared.resource,
        model,
        key=(declared.key,),
        order=(declared.key,),
        description=sentence(f"{model._meta.verbose_name_plural}, one row each, keyed by {declared.key}"),
    )
    columns_of(model, table)
    return table


def link_table(declared, m2m):
    """One many-to-many link: (record key, linked record key) pairs."""
    through = m2m.remote_field.through
    owner_name, target_name = m2m.m2m_field_name(), m2m.m2m_reverse_field_name()
    owner, target = through._meta.get_field(owner_name), through._meta.get_field(target_name)
    table = Table(
        f"{declared.resource}-{m2m.name}",
        through,
        key=(owner_name, target_name),
        order=(),
        description=sentence(
            f"The {m2m.verbose_name} of each {declared.model._meta.verbose_name}: one row per link "
            f"(the {m2m.name} field of {declared.resource})"
        ),
        owner=m2m,
    )
    table.columns = [foreign_column(owner, table), foreign_column(target, table)]
    return table


def relation_table():
    """Policy-to-policy links, each cited like a record (policy.models.records.PolicyRelation)."""
    table = Table(
        "policy-relations",
        PolicyRelation,
        key=("from_policy", "relation", "to_policy"),
        order=("from_policy__slug", "relation", "to_policy__slug"),
        description="Typed links between policies (the related field of policies), each cited like a record.",
    )
    columns_of(PolicyRelation, table)
    return table


def dependency_order(types):
    """Record types ordered so that every foreign key points to a type before it (for loading)."""
    ordered, pending = [], list(types)
    while pending:
        placed = {t.model for t in ordered}
        ready = next(
            t
            for t in pending
            if all(
                f.related_model in placed or f.related_model is t.model
                for f in t.model._meta.concrete_fields
                if f.is_relation
            )
        )
        ordered.append(ready)
        pending.remove(ready)
    return ordered


def tables():
    """Every table of the package, in the order they load: records (dependencies first), links, relations."""
    declared = dependency_order(records.TYPES)
    result = [record_table(t) for t in declared]
    for t in declared:
        for m2m in t.model._meta.many_to_many:
            if m2m.remote_field.through._meta.auto_created and isinstance(m2m, models.ManyToManyField):
                result.append(link_table(t, m2m))
    result.append(relation_table())
    return result
