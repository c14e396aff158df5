"""The change feed (`/api/v1/changes/`): every create, change and delete of every record type, oldest
first, read from django-simple-history's tables in one query per page.

**Order and cursors.** An entry's position is `(transaction, time, type, history id)`. On PostgreSQL
the transaction is the id of the one that wrote the entry (`history_xid`, a column migration 0009
gives every history table, filled by the database itself), and a page only reaches entries whose
transaction id is below the oldest one still running (`pg_snapshot_xmin` of the query's own
snapshot): every transaction there has ended, so no entry can later appear before a position
already served — a slow transaction that wrote first and commits last holds the feed back until
it ends instead of being skipped. Entries of one transaction are ordered by their time. SQLite
takes writes one at a time (a write transaction takes the lock when it begins, before its
history is stamped), so there the position is `(time, type, history id)` alone.

A cursor is the position of an entry (base64 of JSON: opaque, and stable: it names the same
place whatever the page size and however long it is kept).
"""

import base64
import binascii
import datetime
import functools
import json

from django.db import connections
from django.utils.dateparse import parse_datetime
from django.utils.timezone import is_naive, make_aware

from ..records import TYPES

CHANGE_KINDS = {"+": "created", "~": "changed", "-": "deleted"}
# The feed's horizon on PostgreSQL: the oldest transaction of this database still running at the query's
# snapshot (else the snapshot's end). Transactions of other databases in the cluster (known by the
# database of the backend holding their id) can never write here, so they do not hold the feed back;
# one that ended between the snapshot and the look at pg_locks counts, which only delays the feed.
# A hot standby sees no lock of the primary's: there every running transaction counts.
HORIZON = """horizon AS (
    SELECT LEAST(
        pg_snapshot_xmax(snap.s)::text::bigint,
        (SELECT MIN(running::text::bigint) FROM pg_snapshot_xip(snap.s) AS running
         WHERE NOT EXISTS (
             SELECT 1 FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
             WHERE l.locktype = 'transactionid' AND l.mode = 'ExclusiveLock'
               AND l.transactionid::text::bigint = mod(running::text::bigint, 4294967296)
               AND a.datid <> (SELECT oid FROM pg_database WHERE datname = current_database())))
    ) AS xid
    FROM (SELECT pg_current_snapshot() AS s) AS snap
)"""
START = (0, None, "", 0)


@functools.cache
def history_model(model):
    """The model's history model, looked up once: simple_history's manager builds a class at every access
    (about a millisecond each, nine a page)."""
    return model.history.model


class InvalidCursor(ValueError):
    pass


def encode(position):
    xid, moment, type_name, history_id = position
    payload = json.dumps([xid, moment.isoformat() if moment else None, type_name, history_id], separators=(",", ":"))
    return base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")


def decode(token):
    """The position a cursor names; START for an empty one. Anything else is InvalidCursor."""
    if not token:
        return START
    try:
        xid, moment, type_name, history_id = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        moment = parse_datetime(moment)
        valid = (
            all(isinstance(n, int) and not isinstance(n, bool) and 0 <= n < 2**63 for n in (xid, history_id))
            and isinstance(type_name, str)
            and moment is not None
        )
        if not valid:
            raise InvalidCursor(token)
        moment = (make_aware(moment, datetime.UTC) if is_naive(moment) else moment).astimezone(datetime.UTC)
    except (ValueError, TypeError, binascii.Error, RecursionError, OverflowError):
        raise InvalidCursor(token) from None
    return xid, moment, type_name, history_id


class ChangeFeed:
    """Pages of the feed on one database alias (the primary, or a replica: policy.routers)."""

    def __init__(self, alias, types=TYPES):
        self.connection = connections[alias]
        self.postgresql = self.connection.vendor == "postgresql"
        self.types = sorted(types, key=lambda t: t.name)

    def page(self, position, size):
        """Up to `size` entries after `position`, and whether more are ready now. One query."""
        sql, params = self.query(position, size + 1)
        with self.connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        by_name = {t.name: t for t in self.types}
        entries = [self.entry(by_name[row[0]], row) for row in rows[:size]]
        return entries, len(rows) > size

    def entry(self, record_type, row):
        type_name, xid, moment, history_id, kind, key, old_key = row
        moment = self.moment(moment)
        change = CHANGE_KINDS[kind]
        return {
            "type": type_name,
            "record_type": record_type,
            "key": key,
            "old_key": old_key if change == "changed" and old_key is not None and old_key != key else None,
            "change": change,
            "timestamp": moment,
            "position": (xid, moment, type_name, history_id),
        }

    def moment(self, value):
        if isinstance(value, str):  # SQLite hands back text from a compound query
            value = parse_datetime(value)
        return make_aware(value, datetime.UTC) if is_naive(value) else value.astimezone(datetime.UTC)

    def query(self, position, limit):
        """One UNION ALL of a LIMITed index range per history table, in one snapshot."""
        parts, params = [], []
        for record_type in self.types:
            sql, part_params = self.part(record_type, position, limit)
            parts.append(f"SELECT * FROM ({sql}) AS {record_type.name}_part")
            params += part_params
        order = "xid, history_date, type_name, history_id"
        sql = f"SELECT * FROM ({' UNION ALL '.join(parts)}) AS feed ORDER BY {order} LIMIT {int(limit)}"
        return (f"WITH {HORIZON} {sql}" if self.postgresql else sql), params

    def part(self, record_type, position, limit):
        quote = self.connection.ops.quote_name
        table = quote(history_model(record_type.model)._meta.db_table)
        key = quote(record_type.key)
        xid, moment, type_name, history_id = position
        # The columns that order the feed, and the cursor's values for them (SQLite has no transaction ids).
        columns = ["h.history_xid", "h.history_date"] if self.postgresql else ["h.history_date"]
        bound = ([xid] if self.postgresql else []) + [self.connection.ops.adapt_datetimefield_value(moment)]
        where, params = [], []
        if self.postgresql:
            where.append("h.history_xid < (SELECT xid FROM horizon)")
        if moment is not None:
            # Past the cursor: later in (transaction, time); at the same point, a later type, or a later id of the same.
            if record_type.name == type_name:
                where.append(f"({', '.join(columns)}, h.history_id) > ({', '.join(['%s'] * len(bound))}, %s)")
                params += [*bound, history_id]
            else:
                comparison = ">=" if record_type.name > type_name else ">"
                where.append(f"({', '.join(columns)}) {comparison} ({', '.join(['%s'] * len(bound))})")
                params += bound
        previous_key = (
            f"SELECT p.{key} FROM {table} p WHERE p.id = h.id AND p.history_id < h.history_id "
            "ORDER BY p.history_id DESC LIMIT 1"
        )
        xid_column = "h.history_xid" if self.postgresql else "0"
        sql = (
            f"SELECT %s AS type_name, {xid_column} AS xid, h.history_date, h.history_id, h.history_type, "
            f"h.{key} AS record_key, ({previous_key}) AS old_key FROM {table} h "
            f"{'WHERE ' + ' AND '.join(where) if where else ''} "
            f"ORDER BY {', '.join(columns)}, h.history_id LIMIT {int(limit)}"
        )
        return sql, [record_type.name, *params]
