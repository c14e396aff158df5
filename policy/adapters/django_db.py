"""Django's `Atomic._from_testcase`: whether a transaction is one a test case opened around a test.

The replica router (policy.routers) sends reads inside the code's own transactions to the primary;
the transactions TestCase wraps every test in are not the code's, and only this flag tells them
apart (TestCase sets it on the atomic blocks it enters)."""

from django.db import connections


def in_code_transaction(alias):
    """Whether the connection `alias` is inside a transaction the code (not a test case) opened."""
    return any(not block._from_testcase for block in connections[alias].atomic_blocks)
