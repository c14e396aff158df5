"""What Policy Records caches (settings.CACHES: Redis at REDIS_URL, else process memory).

- **List counts.** A list page's `count` (and the timeline's per-type counts) is the one part of a
  page whose cost grows with the table: counting a million rows takes tens of milliseconds,
  a page of 50 well under one. Counts are cached for COUNT_CACHE_SECONDS under the count
  query's SQL and a *data version*; every committed write to a record (save, delete,
  many-to-many change, through Django) moves the version on, which retires every cached
  count at once. With Redis the version is shared by every app server; with the default
  in-memory cache a write is seen at once by the process that made it and by the others
  within COUNT_CACHE_SECONDS. A count taken inside a transaction may include that
  transaction's own uncommitted writes, so it is never cached. Writes that bypass Django
  (`generate_synthetic` excepted, which moves the version itself) are seen after the timeout.
  COUNT_CACHE_SECONDS=0 turns this cache off (and with it the facets' and the landing page's):
  every request counts afresh, as a never-repeated URL does (`make bench` measures both).
- **The OpenAPI schema**, generated in a few hundred milliseconds, for an hour (policy.api.urls).
- **The landing page** (`/`), the same for every visitor, rendered once per data version
  (policy.web.views.home): at a million records drawing it takes most of a second.
- In each process, not in the shared cache: the caches listed in PROCESS_CACHES below, each
  bounded (an LRU, or keyed only by shapes the code chooses), with its invalidation rule.
"""

import contextlib
import hashlib
import importlib
import threading
import time
from collections import OrderedDict
from typing import NamedTuple

from django.conf import settings
from django.core.cache import cache
from django.db import connections, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from . import routers

VERSION_KEY = "policy:data-version"


class LRU:
    """A mapping of at most `size` entries that forgets the least recently used (thread-safe)."""

    def __init__(self, size):
        self.size, self.entries, self.lock = size, OrderedDict(), threading.Lock()

    def get(self, key, default=None):
        with self.lock:
            if key not in self.entries:
                return default
            self.entries.move_to_end(key)
            return self.entries[key]

    def __setitem__(self, key, value):
        with self.lock:
            self.entries[key] = value
            self.entries.move_to_end(key)
            if len(self.entries) > self.size:
                self.entries.popitem(last=False)

    def __contains__(self, key):
        return key in self.entries

    def __len__(self):
        return len(self.entries)

    def clear(self):
        with self.lock:
            self.entries.clear()


class ProcessCache(NamedTuple):
    """One cache kept in each process: where it is (`module:attribute`), how many entries it may hold
    at most, what its key is and what retires an entry."""

    where: str
    bound: int
    key: str
    invalidation: str

    def find(self):
        module, _, path = self.where.partition(":")
        found = importlib.import_module(module)
        for name in path.split("."):
            found = getattr(found, name)
        return found

    def size(self):
        found = self.find()
        if hasattr(found, "cache_info"):
            return found.cache_info().currsize
        return len(found() if callable(found) else found)


# Every cache a process keeps. Client-chosen keys only ever meet an LRU; the rest are keyed by shapes
# the code chooses (record types, routes, databases), so their size is fixed by the code.
PROCESS_CACHES = (
    ProcessCache(
        "policy.reading.plan:read_plan", 32, "serializer class (one per record type)", "never: built from the code"
    ),
    ProcessCache(
        "policy.reading.history_reader:history_reader",
        32,
        "serializer class (one per record type)",
        "never: built from the code",
    ),
    ProcessCache("policy.reading.plan:list_path", 64, "URLconf and model (one per record type)", "LRU; code only"),
    ProcessCache(
        "policy.querying.prepared:Prepared.compiled",
        256,
        "record type, lookup column, selected columns (the client's `fields=`/`omit=`), database",
        "LRU; the SQL depends on the code only",
    ),
    ProcessCache(
        "policy.querying.by_keys:RowsByKeys.compiled",
        256,
        "record type, selected columns (the client's `fields=`/`omit=`), ordering, database",
        "LRU; the SQL depends on the code only",
    ),
    ProcessCache(
        "policy.querying.timeline:COMPILED",
        256,
        "request path, filters, data version, page end and type",
        "LRU; a write moves the data version on, so a changed page is compiled afresh",
    ),
    ProcessCache(
        "policy.search.sqlite:_fts_indexes",
        8,
        "database alias and name (SQLite only)",
        "cleared after every migrate (post_migrate)",
    ),
    ProcessCache(
        "policy.search.folding:short_folds",
        4096,
        "a text of 200 characters or fewer SQLite folded for a search (actors' names, aliases)",
        "LRU; a text folds the same way for good",
    ),
    ProcessCache("policy.link_arrays:ID_ARRAY", 1, "nothing: one field", "never: built from the code"),
    ProcessCache(
        "policy.link_arrays:array_column", 32, "model and many-to-many field (PostgreSQL)", "never: built from the code"
    ),
    ProcessCache(
        "policy.querying.parameters:NamedFiltersOnly.form_classes",
        256,
        "FilterSet class and the names of the filters a query gives (policy.querying.parameters)",
        "LRU; a form class depends on the code only",
    ),
)


def data_version():
    version = cache.get(VERSION_KEY)
    if version is None:
        # A fresh start never reuses an old version's counts, even after the key was evicted.
        cache.add(VERSION_KEY, time.time_ns(), timeout=None)
        version = cache.get(VERSION_KEY)
    return version


def data_changed():
    with contextlib.suppress(ValueError):  # not set yet: the next read starts a new version
        cache.incr(VERSION_KEY)
    routers.data_written()


@receiver(post_save)
@receiver(post_delete)
@receiver(m2m_changed)
def on_write(sender, using=None, **kwargs):
    if sender._meta.app_label == "policy":
        transaction.on_commit(data_changed, using=using)


def counts_are_shareable(alias):
    # Inside a transaction (a test's included) a count may include its own uncommitted writes; a replica
    # that has not replayed the last write yet would keep its old count under the new data version.
    return not connections[alias].in_atomic_block and routers.has_latest_data(alias)


def counts_are_cached():
    return settings.COUNT_CACHE_SECONDS > 0


def until_data_changes(name, compute, alias):
    """`compute()`, reused under `name` until the data changes or COUNT_CACHE_SECONDS pass; computed
    afresh inside a transaction, whose own uncommitted writes it might include."""
    if not counts_are_cached() or not counts_are_shareable(alias):
        return compute()
    key = f"policy:{name}:{data_version()}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, settings.COUNT_CACHE_SECONDS)
    return value


def cached_count(queryset, key=None, count=None):
    """`queryset.count()` (or `count()`, a cheaper way to the same number), reused until the data
    changes (see the module docstring).

    `key` names what is counted (a list's path and filters) where the caller knows it; else the
    count query's SQL does, at the cost of compiling it."""
    count = count or queryset.count
    if not counts_are_cached() or not counts_are_shareable(queryset.db):
        return count()
    if key is None:
        sql, params = queryset.order_by().query.sql_with_params()
        key = f"{sql}\x00{params!r}"
    digest = hashlib.sha1(key.encode(), usedforsecurity=False).hexdigest()
    return until_data_changes(f"count:{digest}", count, queryset.db)
