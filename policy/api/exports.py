"""Whole-list CSV exports are bounded, so clients that never read cannot take the server down.

An export streams for as long as its client reads; it holds a worker thread all that time. Two
anonymous clients that opened exports and never read had stopped a server (issue #11, item 6).
So an export needs a slot, and gives it back when its response is closed (the WSGI server
closes every response: finished, failed or abandoned):

- per process, at most EXPORTS_PER_PROCESS stream at once; gunicorn.conf.py gives each worker
  more threads than that, so ordinary requests always find one free;
- per client (address, or user when signed in), at most EXPORTS_PER_CLIENT across every process
  of this server: a slot is an exclusive lock on a file in EXPORT_LOCK_DIR, which the operating
  system releases if the process dies;
- under gunicorn, the connection gets a write timeout of EXPORT_WRITE_TIMEOUT seconds: a client
  that takes no data for that long is disconnected, and its slot freed.

No slot: 429 with `Retry-After`. 0 turns a limit off.
"""

import fcntl
import hashlib
import logging
import os
import threading

from django.conf import settings
from rest_framework.exceptions import Throttled

from .throttling import AnonRateThrottle

RETRY_AFTER = 30  # seconds: about what a filtered export takes to finish
CLIENT_BUCKETS = 4096  # lock files per slot number: clients whose keys share a bucket share a cap

logger = logging.getLogger(__name__)
_lock = threading.Lock()
_streaming = 0  # exports this process is streaming now


def client_key(request):
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return f"address:{AnonRateThrottle().get_ident(request)}"


def lock_directory():
    directory = settings.EXPORT_LOCK_DIR
    os.makedirs(directory, mode=0o700, exist_ok=True)
    return directory


def client_slot(key):
    """An open file locked for one of `key`'s EXPORTS_PER_CLIENT slots, or None if all are taken."""
    bucket = int(hashlib.sha256(key.encode()).hexdigest(), 16) % CLIENT_BUCKETS
    for number in range(settings.EXPORTS_PER_CLIENT):
        slot = open(os.path.join(lock_directory(), f"{bucket}-{number}.lock"), "a")  # noqa: SIM115 (held until release)
        try:
            fcntl.flock(slot, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return slot
        except BlockingIOError:
            slot.close()
    return None


def process_slot():
    """Count one more export in this process, if under EXPORTS_PER_PROCESS."""
    global _streaming
    with _lock:
        if settings.EXPORTS_PER_PROCESS and _streaming >= settings.EXPORTS_PER_PROCESS:
            return False
        _streaming += 1
        return True


def release_process_slot():
    global _streaming
    with _lock:
        _streaming -= 1


class Slot:
    """One export's place, given back by `release` (idempotent)."""

    def __init__(self, request):
        self.file = None
        if not process_slot():
            raise Throttled(RETRY_AFTER, "This server is streaming as many CSV exports as it allows; try again soon.")
        self.counted = True
        if settings.EXPORTS_PER_CLIENT:
            try:
                self.file = client_slot(client_key(request))
            except OSError:  # EXPORT_LOCK_DIR unusable: the process cap still holds; say so, don't fail
                logger.exception("CSV export slots: cannot lock a file in %s", settings.EXPORT_LOCK_DIR)
                return
            if self.file is None:
                self.release()
                raise Throttled(
                    RETRY_AFTER,
                    f"At most {settings.EXPORTS_PER_CLIENT} CSV exports at once per client: "
                    "finish reading one first, or ask for a page (`page=`).",
                )

    def release(self):
        if self.counted:
            self.counted = False
            release_process_slot()
        if self.file is not None:
            self.file.close()  # closing the file releases its lock
            self.file = None


class HeldStream:
    """An export's chunks, holding its slot until the response is closed."""

    def __init__(self, chunks, slot):
        self.chunks, self.slot = chunks, slot

    def __iter__(self):
        return iter(self.chunks)

    def close(self):
        try:
            self.chunks.close()
        finally:
            self.slot.release()


def bounded(request, chunks):
    """`chunks` (a generator) as an export: a slot taken now (or 429), and a write timeout."""
    slot = Slot(request)
    connection = request.META.get("gunicorn.socket")
    if connection is not None and settings.EXPORT_WRITE_TIMEOUT:
        connection.settimeout(settings.EXPORT_WRITE_TIMEOUT)
    return HeldStream(chunks, slot)
