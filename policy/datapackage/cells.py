"""Each column as the text of its CSV cell, formatted by the database in the query that reads it.

At a million rows, converting values in Python (a datetime object per timestamp, `isoformat()` per
cell) was most of an export's time; the database formats them in C instead. The text is the one way
the package's schema reads a value back (policy.datapackage.load):

- datetime: ISO 8601 in UTC, microseconds only when there are some, `+00:00` (`datetime.isoformat()`);
- date: `YYYY-MM-DD`;  boolean: `true`/`false`;  number: the decimal with its declared places;
- array (a JSON list): compact JSON, non-ASCII as is;  string, integer: as stored;  null: empty.

Where a database cannot say it exactly (SQLite's decimals are floats, its JSON keeps escapes) the
column is read as Django reads it and `cell()` converts it in Python: `python_cells` names those.
"""

import json
from datetime import UTC, date, datetime
from decimal import Decimal

from django.db.models import Func, TextField

# {kind: {vendor: SQL template}}; `%(expressions)s` is the column.
FORMATS = {
    "datetime": {
        # PostgreSQL: to_char in UTC, whatever the session's TimeZone and DateStyle.
        "postgresql": "replace(to_char(%(expressions)s AT TIME ZONE 'UTC', "
        "'YYYY-MM-DD\"T\"HH24:MI:SS.US'), '.000000', '') || '+00:00'",
        # SQLite: Django stores UTC as `YYYY-MM-DD HH:MM:SS[.ffffff]` (str() of a naive datetime).
        "sqlite": "replace(%(expressions)s, ' ', 'T') || '+00:00'",
    },
    "date": {"postgresql": "to_char(%(expressions)s, 'YYYY-MM-DD')", "sqlite": "%(expressions)s"},
    "boolean": {
        "postgresql": "CASE WHEN %(expressions)s THEN 'true' WHEN NOT %(expressions)s THEN 'false' END",
        "sqlite": "CASE WHEN %(expressions)s THEN 'true' WHEN NOT %(expressions)s THEN 'false' END",
    },
    # A numeric column's text keeps its declared scale, as Django's Decimal does.
    "number": {"postgresql": "%(expressions)s::text"},
    # jsonb's own text puts a space after each comma: the elements are joined without one.
    "array": {
        "postgresql": "CASE WHEN %(expressions)s IS NOT NULL THEN '[' || COALESCE((SELECT string_agg(element::text, "
        "',' ORDER BY position) FROM jsonb_array_elements(%(expressions)s) WITH ORDINALITY AS e(element, position)), "
        "'') || ']' END"
    },
}


class Cell(Func):
    """A column's CSV cell text (see FORMATS)."""

    output_field = TextField()

    def __init__(self, expression, kind):
        super().__init__(expression)
        self.kind = kind

    def as_sql(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, template=FORMATS[self.kind][connection.vendor], **extra)


def formatted_by(vendor, kind):
    return vendor in FORMATS.get(kind, {})


def expression(lookup, kind, vendor):
    """What `.values_list()` reads for a column of this kind: its cell text where the database can say it."""
    return Cell(lookup, kind) if formatted_by(vendor, kind) else lookup


def python_cells(kinds, vendor):
    """The positions of the columns whose values `cell()` converts (strings and integers csv writes as they are)."""
    return [i for i, kind in enumerate(kinds) if kind not in ("string", "integer") and not formatted_by(vendor, kind)]


def cell(value):
    """A value as its CSV cell, for the columns the database does not format."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, list):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return str(value)
