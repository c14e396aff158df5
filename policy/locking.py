"""Row locks for writes (SELECT … FOR UPDATE), taken one way by every write that reads a row before
changing it — a record's API write, each item of a bulk PATCH (policy.api.writes, policy.api.bulk),
and accepting or rejecting a suggestion (policy.curation.queue):

- only inside the write's transaction: outside one there is nothing to hold a lock for (OPTIONS
  asks for a record as a PUT would, to describe its form), and PostgreSQL refuses one;
- only on the queried table's own rows (`OF self`): PostgreSQL refuses FOR UPDATE on the nullable
  side of an outer join (a suggestion's optional source), and a row read beside it needs no lock.

SQLite has no row locks, and admits one writer at a time anyway (settings: IMMEDIATE transactions).
"""

from django.db import transaction


def locked(queryset):
    """`queryset`, its rows locked until the write's transaction ends; as it is outside a transaction."""
    if not transaction.get_connection(queryset.db).in_atomic_block:
        return queryset
    return queryset.select_for_update(of=("self",))
