"""Every cache a process keeps is listed in policy.cache.PROCESS_CACHES with its bound, and no client
can grow one past it: 10,000 details, each asking for a different set of fields, leave every listed
cache within its bound."""

import itertools

import pytest
from django.test import Client

from policy.cache import LRU, PROCESS_CACHES
from policy.models import Statement
from policy.querying.prepared import Prepared
from policy.reading.plan import read_plan
from policy.representation import StatementSerializer

from .api_support import API

COMBINATIONS = 10_000


def test_every_listed_cache_is_found_and_bounded():
    for cache in PROCESS_CACHES:
        assert cache.size() <= cache.bound, cache.where


def test_an_lru_forgets_the_least_recently_used():
    lru = LRU(2)
    lru["a"], lru["b"] = 1, 2
    assert lru.get("a") == 1  # "a" is now the most recently used
    lru["c"] = 3
    assert ("a" in lru, "b" in lru, "c" in lru, len(lru)) == (True, False, True, 2)


def field_combinations(names, count):
    """`count` distinct comma-separated subsets of `names`, in the representation's order."""
    subsets = (combo for size in range(1, len(names) + 1) for combo in itertools.combinations(names, size))
    return [",".join(combo) for combo in itertools.islice(subsets, count)]


@pytest.mark.django_db
def test_ten_thousand_field_combinations_leave_every_cache_bounded():
    plan = read_plan(StatementSerializer)
    # Single-valued fields: each combination selects its own columns, a shape of its own to compile.
    names = [name for name in plan.detail_names if not plan.readers[name].many]
    combinations = field_combinations(names, COMBINATIONS)
    assert len(set(combinations)) == COMBINATIONS, "the statement has fields enough for as many combinations"
    shapes = {tuple(plan.columns(fields.split(","))) for fields in combinations}
    assert len(shapes) > Prepared.compiled.size, "more shapes than the detail's SQL cache keeps"
    url = f"{API}statements/{Statement.objects.order_by('slug').values_list('slug', flat=True).first()}/"
    client = Client()
    for fields in combinations:
        response = client.get(url, {"fields": fields})
        assert response.status_code == 200, response.content
    for cache in PROCESS_CACHES:
        assert cache.size() <= cache.bound, cache.where
