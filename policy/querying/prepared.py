"""The detail's hot path: `.values()` rows by one text column with the SQL compiled once per
shape (policy.api.reads reads a detail through it, then represents it with the read plan; the
filters look a key up through it: policy.adapters.django_forms)."""

from django.db import connections, router

from ..adapters.django_orm import converted_rows, row_converters
from ..cache import LRU


class Prepared:
    """`.values()` rows of a record type by one text column (a detail by slug or code), with the SQL
    compiled once per shape: building and compiling the query cost more than running it.

    A shape's columns follow the client's `fields=`/`omit=`, so the compiled shapes are an LRU
    (policy.cache lists it): the common shapes stay, the rest cannot grow the process."""

    compiled = LRU(256)

    @classmethod
    def rows(cls, model, field, value, columns, using=None):
        using = using or router.db_for_read(model)
        key = (model, field, tuple(columns), using)
        compiled = cls.compiled.get(key)
        if compiled is None:
            queryset = model._default_manager.using(using).filter(**{field: value}).values(*columns)
            compiler = queryset.query.get_compiler(using=using)
            sql, params = compiler.as_sql()
            if list(params) != [value]:  # not the one-parameter shape this is for
                return list(queryset)
            compiled = cls.compiled[key] = sql, row_converters(compiler)
        sql, converters = compiled
        connection = connections[using]
        with connection.cursor() as cursor:
            cursor.execute(sql, [value])
            return converted_rows(cursor.fetchall(), columns, converters, connection)
