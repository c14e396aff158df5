"""The floor's CSV export (bench/floor.py): every statement, or one speaker's, streamed a chunk at a
time, rows straight to CSV cells and related records as their keys — as the API's `format=csv`."""

import csv
import io
import uuid

from django.db import connection
from django.http import StreamingHttpResponse

from .floor import LINKS, STATEMENT_COLUMNS, STATEMENT_JOINS, aware, postgres, query


def export(request):
    """Every statement as CSV (?speaker=<slug> for one speaker's), streamed a chunk at a time:
    rows go straight to CSV cells, related records as their keys."""
    base = request.build_absolute_uri("/api/v1/statements/")
    where, params = "TRUE" if postgres() else "1", []
    if "speaker" in request.GET:
        where, params = "sp.slug = %s", [request.GET["speaker"]]
    sql = f"SELECT {STATEMENT_COLUMNS} {STATEMENT_JOINS} WHERE {where} ORDER BY s.slug"

    def chunks():
        connection.ensure_connection()
        raw = connection.connection
        if postgres():
            cursor = raw.cursor(f"floor_export_{uuid.uuid4().hex}", withhold=True)
            cursor.itersize = 2000
        else:
            cursor, sql_ = raw.cursor(), sql.replace("%s", "?")
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(HEADER)
        try:
            cursor.execute(sql if postgres() else sql_, params)
            while rows := cursor.fetchmany(2000):
                keys = link_keys([row[0] for row in rows])
                for r in rows:
                    i = r[0]
                    writer.writerow(
                        (f"{base}{r[1]}/", r[1], r[2], r[4], r[5], iso(r[6]), r[7], r[8] or "", r[10] or "", r[12],
                         bool(r[13]), keys["policies"].get(i, ""), keys["countries"].get(i, ""),
                         keys["topics"].get(i, ""), r[14], r[16], r[17], r[18], r[19], iso(aware(r[20])),
                         iso(aware(r[21])))
                    )  # fmt: skip
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        finally:
            cursor.close()
        yield buffer.getvalue()

    response = StreamingHttpResponse(chunks(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="statement.csv"'
    return response


def iso(value):
    return "" if value is None else value.isoformat()


def link_keys(ids):
    """{field: {statement id: "key;key"}} for a chunk: the CSV's many-to-many cells."""
    marks = ", ".join(["%s"] * len(ids))
    found = {}
    for field, (table, target, column, key, _, _) in LINKS.items():
        by_owner = {}
        rows = query(
            f"SELECT l.statement_id, t.{key} FROM {table} l JOIN {target} t ON t.id = l.{column} "
            f"WHERE l.statement_id IN ({marks}) ORDER BY l.statement_id, t.{key}",
            ids,
        )
        for owner, slug in rows:
            by_owner.setdefault(owner, []).append(slug)
        found[field] = {owner: ";".join(keys) for owner, keys in by_owner.items()}
    return found


HEADER = [
    "url", "slug", "speaker", "text", "kind", "said_on", "date_precision", "event", "addressee", "language",
    "is_translation", "policies", "countries", "topics", "source", "excerpt", "excerpt_start", "excerpt_end",
    "notes", "created_at", "updated_at",
]  # fmt: skip
