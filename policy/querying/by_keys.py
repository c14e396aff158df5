"""A page's rows read by their keys, with the SQL around the keys compiled once per shape.

A list page is found as primary keys first (the filters, the ordering and the window, over the
record's own table), then read with the related columns its representation needs
(policy.querying.pagination): `SELECT <columns> … WHERE id IN (<the keys' query>) ORDER BY …`.
The keys' query changes with every request and is compiled by the ORM; the rest depends only on
the record type, the columns, the ordering and the database, and building and compiling it (joins
for the related columns) cost more than running it: it is compiled once and the keys' SQL spliced
in. The rows are the `.values()` dicts the ORM would give, converted as it converts them."""

from django.core.exceptions import EmptyResultSet
from django.db import connections

from ..adapters.django_orm import converted_rows, row_converters, selected_names
from ..cache import LRU
from . import plans

IN_KEYS = " IN (%s)"
SENTINEL = 0  # the one key of the query compiled as the shape's template


class RowsByKeys:
    """The SQL of each shape, an LRU (policy.cache lists it): a shape's columns follow the client's
    `fields=`/`omit=` and its ordering `ordering=`, so the common shapes stay and the rest cannot grow
    the process."""

    compiled = LRU(256)

    @classmethod
    def read(cls, keys, columns, ordering):
        """`.values(*columns)` rows, in `ordering`, of the records whose primary keys `keys` (a sliced
        `.values("pk")` queryset) selects."""
        model, using = keys.model, keys.db
        # An ordering by an expression (PostgreSQL's search rank) has parameters of its own, a search's:
        # no shape to compile once.
        shape = (model, tuple(columns), tuple(ordering), using)
        template = cls.compiled.get(shape) if all(isinstance(name, str) for name in ordering) else ()
        if template is None:
            template = cls.compiled[shape] = cls.template(model, columns, ordering, using)
        if not template:
            rows = model._default_manager.using(using).filter(plans.among(keys))
            return list(rows.order_by(*ordering).values(*columns))
        try:
            inner, params = keys.query.get_compiler(using=using).as_sql()
        except EmptyResultSet:  # the keys' conditions can match nothing (`pk__in=[]`)
            return []
        before, after, names, converters = template
        connection = connections[using]
        among = plans.AMONG_SQL.get(connection.vendor, plans.IN_SQL)  # as plans.among writes it
        with connection.cursor() as cursor:
            cursor.execute(before + among.format(keys=inner) + after, params)
            return converted_rows(cursor.fetchall(), names, converters, connection)

    @staticmethod
    def template(model, columns, ordering, using):
        """(SQL before the keys, SQL after them, the rows' keys, their converters), or () where the shape's
        SQL is not the plain one this is for."""
        queryset = model._default_manager.using(using).filter(pk__in=[SENTINEL])
        query = queryset.order_by(*ordering).values(*columns).query
        compiler = query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        if list(params) != [SENTINEL] or sql.count(IN_KEYS) != 1:
            return ()
        before, after = sql.split(IN_KEYS)
        return before, after, selected_names(query), row_converters(compiler)
