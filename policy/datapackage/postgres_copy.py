"""On PostgreSQL, a table's rows go from the database to the file as CSV by `COPY (query) TO STDOUT`:
no row, no value and no cell is ever a Python object (at a million statements the export spends its
time in the database and in zlib, not here). The bytes are those csv.writer writes on SQLite:

- every cell is text, NULL made empty (COALESCE), so no cell is written as COPY's NULL; the NULL
  marker is a string no record holds, so an empty cell is never quoted, as csv leaves it;
- COPY quotes a cell that holds a comma, a quote (doubled) or a line break, as csv's QUOTE_MINIMAL does;
- COPY ends a row with LF, csv with CRLF: `CrlfRows` turns every LF outside quotes into CRLF.
"""

from django.db import connections
from django.db.models import Func, TextField

# Never printed (no cell is NULL): a cell equal to it would be quoted, and none is.
NULL_MARKER = "\x1fNULL\x1f"
BLOCK = 1 << 20  # bytes handed to the file at once


class CellText(Func):
    """Any column as non-null text: what the CSV cell holds."""

    template = "COALESCE((%(expressions)s)::text, '')"
    output_field = TextField()


class CrlfRows:
    """LF → CRLF outside quoted cells, across COPY's blocks. Inside quotes a line break stays as stored."""

    def __init__(self):
        self.quoted = False  # whether the last block ended inside a quoted cell
        self.rows = 0

    def __call__(self, data):
        parts = data.split(b'"')
        # A doubled quote inside a cell splits into an empty part "outside": it has no LF, so no harm.
        for i in range(1 if self.quoted else 0, len(parts), 2):
            self.rows += parts[i].count(b"\n")
            parts[i] = parts[i].replace(b"\n", b"\r\n")
        self.quoted ^= len(parts) % 2 == 0  # an odd number of quotes
        return b'"'.join(parts)


def copy_rows(queryset, out, using):
    """Write the rows of `queryset` (every column a CellText) to the binary file `out`; their count."""
    connection = connections[using]
    sql, params = queryset.query.get_compiler(using).as_sql()
    statement = connection.ops.compose_sql(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv, NULL %s)", [*params, NULL_MARKER])
    crlf, pending, size = CrlfRows(), [], 0
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for data in copy:  # a row at a time: converted a block of rows at a time
            pending.append(data)
            size += len(data)
            if size >= BLOCK:
                out.write(crlf(b"".join(pending)))
                pending, size = [], 0
        out.write(crlf(b"".join(pending)))
    return crlf.rows
