"""The app as production runs it (DJANGO_ENV=production from the bench's environment), plus the
floor views under /floor/. Only `make bench` uses this module."""

from policy.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"

# gunicorn's master warms the floor as it warms the API (policy/warmup.py), so neither side of a ratio
# pays a new process's first requests: the floor's views that need no record's key.
WARM_UP_ALSO = [
    "/floor/statements/",
    "/floor/statements/search/?search=zqxjkv",
    "/floor/statements/where/?date_after=2000-01-01&date_before=2000-01-31&ordering=-said_on",
    "/floor/timeline/",
]
