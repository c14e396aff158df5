"""Many-to-many filters on PostgreSQL: the `<field>_ids` arrays of migration 0006.

On PostgreSQL each growing record table holds, per many-to-many field, the ids it links to in
an array column the database's triggers keep in step with the link table, under one GIN index
per table. A relation filter there is `topics_ids && ARRAY[…]` (overlap: any of the values, as
repeating a parameter means), and several such filters are answered by one bitmap scan of that
index instead of by intersecting link tables. Elsewhere (SQLite) filters read the link tables.
"""

from functools import lru_cache

from django.db import connections, models
from django.db.models import Expression, Q
from django.db.models.expressions import Col
from django.utils.functional import cached_property

from .records import TYPES

# model name: its many-to-many fields with an array column (policy.records; migration 0006's LINKED).
LINKED = {t.model_name: t.link_arrays for t in TYPES if t.link_arrays}


def column_name(field_name):
    return f"{field_name}_ids"


def has_array(model, field_name, alias):
    return connections[alias].vendor == "postgresql" and field_name in LINKED.get(model._meta.model_name, ())


def id_array():
    # Imported here, not above: django.contrib.postgres needs psycopg, which a worker serving SQLite
    # never loads (policy/wsgi.py), and only PostgreSQL has the arrays.
    from django.contrib.postgres.fields import ArrayField

    return ArrayField(models.BigIntegerField())


# Built once, as a model's own fields are: building them cost a filtered list 0.1 ms (policy.cache lists these).
ID_ARRAY = lru_cache(maxsize=1)(id_array)


@lru_cache(maxsize=32)
def array_column(model, field_name):
    """The `<field>_ids` column of `model`'s table, as a field."""
    field = id_array()
    field.set_attributes_from_name(column_name(field_name))
    field.model = model
    return field


class LinkIds(Expression):
    """The query's table's `<field>_ids` column, which the models do not declare."""

    def __init__(self, field_name):
        super().__init__()
        self.field_name = field_name

    @cached_property
    def output_field(self):
        return ID_ARRAY()

    def resolve_expression(self, query=None, *args, **kwargs):
        return Col(query.get_initial_alias(), array_column(query.model, self.field_name))


def linked_to_any(field_name, ids):
    """Records whose `field_name` links include any of `ids`."""
    from django.contrib.postgres.fields.array import ArrayOverlap

    return Q(ArrayOverlap(LinkIds(field_name), list(ids)))


def array_values(pairs):
    """{owner id: sorted target ids} from (owner id, target id) pairs: what the triggers would store,
    for bulk loads that write the owners after their links (policy.synthetic)."""
    arrays = {}
    for owner, target in pairs:
        arrays.setdefault(owner, []).append(target)
    return {owner: sorted(set(targets)) for owner, targets in arrays.items()}
