"""The app as production runs it (DJANGO_ENV=production from the bench's environment), plus the
floor views under /floor/. Only `make bench` uses this module."""

from policy.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
