"""Reads from replicas, writes to the primary (settings.DATABASE_REPLICAS, from DATABASE_REPLICA_URLS).

A replica lags its primary a little, so a read goes to the primary instead when it must see
writes a replica may not have yet:
- inside a transaction the code opened (a write's validation, `transaction.atomic()`);
- for the rest of a request once it has written (a create answers with the record it wrote);
- for a signed-in client that wrote, in its later requests, until the replica has replayed the
  primary's log up to the end of that write (read-your-writes): the write's log position is kept in
  the cache per user for READ_YOUR_WRITES_SECONDS, and a request of that user asks the replica
  how far it is (one query) — caught up, it reads there; behind, on the primary.
Each request starts unpinned (`request_started`). Migrations run on the primary only.
"""

import random
from contextvars import ContextVar

from django.conf import settings
from django.core.cache import cache
from django.core.signals import request_started
from django.db import DEFAULT_DB_ALIAS, connections
from django.dispatch import receiver
from rest_framework.authentication import SessionAuthentication, TokenAuthentication

from .adapters.django_db import in_code_transaction

pinned_to_primary = ContextVar("pinned_to_primary", default=False)
# The signed-in user of this request (set by the authentication classes below), and whether the
# replica chosen for this request has caught up with that user's last write (asked once a request).
reader = ContextVar("reader", default=None)
caught_up = ContextVar("caught_up", default=None)
# Whether each replica has the last committed write's data, as asked in this request: {alias: bool}.
replica_current = ContextVar("replica_current", default=None)
DATA_POSITION_KEY = "policy:data-position"
# Sign-in, sessions and tokens are read where they are written: a new session or token on a lagging
# replica would sign its user out.
PRIMARY_ONLY_APPS = {"auth", "authtoken", "sessions", "admin", "contenttypes"}


@receiver(request_started)
def unpin(**kwargs):
    pinned_to_primary.set(False)
    reader.set(None)
    caught_up.set(None)
    replica_current.set(None)


def in_transaction(alias=DEFAULT_DB_ALIAS):
    # Transactions a test case wraps every test in do not count: they are not the code's own.
    return in_code_transaction(alias)


def written_key(user_id):
    return f"policy:written:{user_id}"


def log_position(alias):
    """The primary's current write-ahead log position, or None off PostgreSQL."""
    connection = connections[alias]
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        return cursor.fetchone()[0]


def replica_has(alias, position):
    """Whether the replica `alias` has replayed the log up to `position` (a database that is no standby has)."""
    connection = connections[alias]
    if position is None or connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(pg_last_wal_replay_lsn() >= %s::pg_lsn, true)", [position])
        return cursor.fetchone()[0]


def data_written():
    """On commit of a write to the records (policy.cache): remember the primary's log position then, so
    a count read on a replica is shared only once that replica has it (has_latest_data)."""
    if settings.DATABASE_REPLICAS:
        cache.set(DATA_POSITION_KEY, log_position(DEFAULT_DB_ALIAS), settings.COUNT_CACHE_SECONDS)


def has_latest_data(alias):
    """Whether `alias` holds every write committed through Django (the primary does; a replica once it has
    replayed the last one's log), asked at most once per request and replica."""
    if alias == DEFAULT_DB_ALIAS or not settings.DATABASE_REPLICAS:
        return True
    known = replica_current.get()
    if known is None:
        known = {}
        replica_current.set(known)
    if alias not in known:
        known[alias] = replica_has(alias, cache.get(DATA_POSITION_KEY))
    return known[alias]


class PrimaryReplicaRouter:
    def db_for_read(self, model, **hints):
        replicas = settings.DATABASE_REPLICAS
        if not replicas or pinned_to_primary.get() or in_transaction() or model._meta.app_label in PRIMARY_ONLY_APPS:
            return DEFAULT_DB_ALIAS
        alias = random.Random(reader.get()).choice(replicas) if reader.get() else random.choice(replicas)
        return alias if self.replica_sees_own_writes(alias) else DEFAULT_DB_ALIAS

    def replica_sees_own_writes(self, alias):
        if reader.get() is None:
            return True
        if caught_up.get() is None:
            caught_up.set(replica_has(alias, cache.get(written_key(reader.get()))))
        return caught_up.get()

    def db_for_write(self, model, **hints):
        pinned_to_primary.set(True)
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # Every alias holds the same data: records read from a replica may be related to written ones.
        return True

    def allow_migrate(self, db, app_label, **hints):
        return db == DEFAULT_DB_ALIAS


class ReadYourWritesMiddleware:
    """After a request of a signed-in user that wrote (its transaction committed), keep the primary's log
    position for that user, before the response leaves: the client's next request may come at once."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.DATABASE_REPLICAS and pinned_to_primary.get() and reader.get() is not None:
            position = log_position(DEFAULT_DB_ALIAS)
            if position is not None:
                cache.set(written_key(reader.get()), position, settings.READ_YOUR_WRITES_SECONDS)
        return response


class RememberReader:
    """Mixed into the API's authentication classes: the request's user, for the router."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None:
            reader.set(result[0].pk)
        return result


class ReaderTokenAuthentication(RememberReader, TokenAuthentication):
    pass


class ReaderSessionAuthentication(RememberReader, SessionAuthentication):
    pass
