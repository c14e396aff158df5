"""Bulk inserts below the ORM: COPY on PostgreSQL, executemany elsewhere.

The generator hands over plain tuples in the column order it names, with explicit
primary keys, so a million rows never become model instances. Values are Python
dates, aware datetimes, decimals, booleans, strings, lists (JSON) and tuples (a record's
link array, PostgreSQL only: policy.link_arrays); each backend gets them in the form its
driver and Django's own writes use.
"""

import datetime
import json

from django.core.management.color import no_style
from django.db import connection

from .. import link_arrays


class Writer:
    def __init__(self, using=connection):
        self.connection = using
        self.postgres = using.vendor == "postgresql"

    def insert(self, model, columns, rows):
        if not rows:
            return
        table = self.connection.ops.quote_name(model._meta.db_table)
        names = ", ".join(self.connection.ops.quote_name(column) for column in columns)
        with self.connection.cursor() as cursor:
            if self.postgres:
                with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row([self.postgres_value(value) for value in row])
            else:
                placeholders = ", ".join("%s" for _ in columns)
                cursor.executemany(
                    f"INSERT INTO {table} ({names}) VALUES ({placeholders})",
                    [[self.sqlite_value(value) for value in row] for row in rows],
                )

    def has_link_array(self, model, field_name):
        return link_arrays.has_array(model, field_name, self.connection.alias)

    @staticmethod
    def postgres_value(value):
        if isinstance(value, tuple):  # a link array (policy.link_arrays)
            return list(value)
        return json.dumps(value) if isinstance(value, list) else value

    def sqlite_value(self, value):
        if isinstance(value, list):
            return json.dumps(value)  # as JSONField saves it (non-ASCII escaped)
        if isinstance(value, datetime.datetime):
            return self.connection.ops.adapt_datetimefield_value(value)
        if isinstance(value, datetime.date):
            return value.isoformat()
        if isinstance(value, bool):
            return int(value)
        return value

    def next_id(self, model):
        """The first free primary key: rows get explicit ids so relations can be written in bulk."""
        last = model.objects.order_by("-pk").values_list("pk", flat=True).first()
        return (last or 0) + 1

    def tidy(self):
        """After a bulk load: statistics for the planner and, on PostgreSQL, GIN indexes merged
        (rows COPY'd in wait in each GIN index's pending list, which every search scans linearly)."""
        with self.connection.cursor() as cursor:
            if self.postgres:
                cursor.execute(
                    "SELECT gin_clean_pending_list(indexrelid::regclass) FROM pg_index "
                    "JOIN pg_class ON pg_class.oid = pg_index.indexrelid "
                    "JOIN pg_am ON pg_am.oid = pg_class.relam WHERE pg_am.amname = 'gin'"
                )
            cursor.execute("ANALYZE")

    def reset_sequences(self, models):
        """Explicit ids leave PostgreSQL's sequences behind; SQLite's AUTOINCREMENT follows by itself."""
        with self.connection.cursor() as cursor:
            for sql in self.connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(sql)
