"""The public package as a download (/api/v1/datapackage.zip), built once per version of the data.

A built zip is a file in DATAPACKAGE_DIR named by its version: a digest of the data version
(policy.cache, which every committed write through Django moves on), the newest entry of every history
table (so a write another process made, whose version this process's memory cache cannot see, counts
too) and the descriptor (so a new release with new fields builds afresh). The first request of a
version builds it under a lock file, into a temporary file renamed into place when complete: requests
arriving meanwhile wait for that build instead of starting their own, and no one is ever given a
half-written file. Older versions are removed once a newer one is in place.
"""

import fcntl
import hashlib
import json
import logging
import os
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection

from ..cache import data_version
from .describe import tables
from .descriptor import descriptor
from .write import Zip, write_package

log = logging.getLogger(__name__)
PREFIX = "datapackage-"


def history_models():
    return sorted(
        (m for m in apps.get_app_config("policy").get_models() if m._meta.db_table.startswith("policy_historical")),
        key=lambda m: m._meta.db_table,
    )


def newest_history():
    """The newest history id of every history table, in one query."""
    qn = connection.ops.quote_name
    parts = [f"(SELECT MAX({qn(m._meta.pk.column)}) FROM {qn(m._meta.db_table)})" for m in history_models()]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(parts)}")
        return list(cursor.fetchone())


def version():
    described = json.dumps(descriptor(tables(), public=True), sort_keys=True)
    state = json.dumps([data_version(), newest_history(), described])
    return hashlib.sha256(state.encode()).hexdigest()[:32]


def directory():
    path = Path(settings.DATAPACKAGE_DIR)
    path.mkdir(parents=True, exist_ok=True)
    return path


def published():
    """(path, version) of the current public package, built if need be (see the module docstring)."""
    current = version()
    folder = directory()
    path = folder / f"{PREFIX}{current}.zip"
    if path.exists():
        return path, current
    with open(folder / "build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one build at a time, across this server's processes
        try:
            if not path.exists():  # built while we waited
                build(path)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return path, current


def build(path):
    partial = path.with_suffix(f".{os.getpid()}.partial")
    try:
        counts = write_package(Zip(partial), public=True)
        os.replace(partial, path)  # atomic: readers see the whole file or none
    finally:
        partial.unlink(missing_ok=True)
    log.info("Built the data package %s (%s rows).", path.name, f"{sum(counts.values()):,}")
    for old in path.parent.glob(f"{PREFIX}*.zip"):
        if old != path:
            old.unlink(missing_ok=True)  # a request still sending it keeps its open file
