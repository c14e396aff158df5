"""Reads from replicas, writes to the primary (settings.DATABASE_REPLICAS, from DATABASE_REPLICA_URLS).

A replica lags its primary a little, so a read goes to the primary instead when it must see
writes a replica may not have yet:
- inside a transaction the code opened (a write's validation, `transaction.atomic()`);
- for the rest of a request once it has written (a create answers with the record it wrote).
Each request starts unpinned (`request_started`). Migrations run on the primary only.
"""

import random
from contextvars import ContextVar

from django.conf import settings
from django.core.signals import request_started
from django.db import DEFAULT_DB_ALIAS
from django.dispatch import receiver

from .adapters.django_db import in_code_transaction

pinned_to_primary = ContextVar("pinned_to_primary", default=False)


@receiver(request_started)
def unpin(**kwargs):
    pinned_to_primary.set(False)


def in_transaction(alias=DEFAULT_DB_ALIAS):
    # Transactions a test case wraps every test in do not count: they are not the code's own.
    return in_code_transaction(alias)


class PrimaryReplicaRouter:
    def db_for_read(self, model, **hints):
        replicas = settings.DATABASE_REPLICAS
        if not replicas or pinned_to_primary.get() or in_transaction():
            return DEFAULT_DB_ALIAS
        return random.choice(replicas)

    def db_for_write(self, model, **hints):
        pinned_to_primary.set(True)
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # Every alias holds the same data: records read from a replica may be related to written ones.
        return True

    def allow_migrate(self, db, app_label, **hints):
        return db == DEFAULT_DB_ALIAS
