"""A database too busy to take a write now is a 503 with `Retry-After`, never a 500.

On SQLite, writers queue: every transaction begins `IMMEDIATE` (it takes the write lock at BEGIN,
so two writers never both read and then deadlock upgrading their locks) and waits up to
`SQLITE_TIMEOUT` seconds for the lock (settings). A write still waiting after that, and on
PostgreSQL a transaction chosen as a deadlock's victim or refused a lock, is told to come back.
The API answers through its exception handler (policy.api.exceptions); this middleware answers
for everything else (the admin, the pages).
"""

from django.db import OperationalError
from django.http import HttpResponse

RETRY_AFTER = 2  # seconds: a queue of writes drains in about that
MESSAGE = "The database is busy with other writes: try again in a moment."
SQLITE_BUSY = ("database is locked", "database table is locked")
# PostgreSQL: deadlock_detected, serialization_failure, lock_not_available.
POSTGRES_BUSY = {"40P01", "40001", "55P03"}


def is_busy(exc):
    if not isinstance(exc, OperationalError):
        return False
    cause = exc.__cause__
    return str(exc) in SQLITE_BUSY or getattr(cause, "sqlstate", None) in POSTGRES_BUSY


class DatabaseBusyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exc):
        if not is_busy(exc):
            return None
        response = HttpResponse(MESSAGE, status=503, content_type="text/plain; charset=utf-8")
        response["Retry-After"] = str(RETRY_AFTER)
        return response
