"""Counts too slow to take inside a request: after a write, the last ones are served, flagged, while
one thread recounts them (issue #16: the facets of a whole million-row list take seconds).

policy.cache reuses a count until the data changes: the first request after each write counts
afresh. For most counts that is milliseconds. A count that took SLOW_COUNT_SECONDS or more the
last time is instead answered at once with its latest value, marked not current, and recounted
in a background thread of the process that found it stale (one at a time per count, across the
processes sharing the cache); the requests after that thread finishes get the new value.

What may be stale is only ever a number beside a list: the rows of a page, and its `count`,
never come from here. A count is recounted at least once per data version, so a stale value
is never older than the writes of one recount's duration; and its latest value expires after
LATEST_SECONDS, after which the next request counts it while it waits.
"""

import logging
import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.db import connections

from .cache import counts_are_shareable, data_version

LATEST_SECONDS = 24 * 3600
# A recount that has not finished by then (its process died) may be started again by another.
RECOUNT_LOCK_SECONDS = 600

log = logging.getLogger(__name__)


def latest_or_counted(computes, alias):
    """{name: (value, current)} for each `name: compute` of `computes`: the value of this data
    version (counted now if missing and fast), or the latest value, `current` False, while it is
    recounted in the background."""
    if not counts_are_shareable(alias):  # in a transaction, or a replica behind: count, share nothing
        return {name: (compute(), True) for name, compute in computes.items()}
    version, found, behind = data_version(), {}, {}
    for name, compute in computes.items():
        value = cache.get(f"policy:{name}:{version}")
        latest = None if value is not None else cache.get(f"policy:{name}:latest")
        if value is not None:
            found[name] = (value, True)
        elif latest is not None and latest["seconds"] >= settings.SLOW_COUNT_SECONDS:
            found[name], behind[name] = (latest["value"], False), compute
        else:
            found[name] = (remember(name, compute, version), True)
    if behind:
        recount_in_background(behind, version)
    return found


def remember(name, compute, version):
    started = time.monotonic()
    value = compute()
    cache.set(f"policy:{name}:{version}", value, settings.COUNT_CACHE_SECONDS)
    cache.set(f"policy:{name}:latest", {"value": value, "seconds": time.monotonic() - started}, LATEST_SECONDS)
    return value


def recount_in_background(computes, version):
    """One thread recounts, one after the other, the counts no other process is recounting."""
    mine = {name: compute for name, compute in computes.items() if cache.add(lock(name), 1, RECOUNT_LOCK_SECONDS)}
    if not mine:
        return

    def recount():
        try:
            for name, compute in mine.items():
                try:
                    remember(name, compute, version)
                except Exception:  # the next request after the lock is gone tries again
                    log.exception("Recounting %s failed", name)
                finally:
                    cache.delete(lock(name))
        finally:
            connections.close_all()  # this thread's own connections

    threading.Thread(target=recount, name="policy-recount", daemon=True).start()


def lock(name):
    return f"policy:{name}:recounting"
