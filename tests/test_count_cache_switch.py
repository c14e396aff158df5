"""COUNT_CACHE_SECONDS=0 turns the count cache off (policy.cache): every list request counts afresh, so a
write that bypasses Django's signals shows in the very next count; with the cache on it does not."""

import pytest
from rest_framework.test import APIClient

from policy.models import Country


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize(("seconds", "counted_afresh"), [(300, False), (0, True)])
def test_count_cache_seconds_zero_counts_every_request_afresh(settings, seconds, counted_afresh):
    settings.COUNT_CACHE_SECONDS = seconds
    api = APIClient()
    params = {"page_size": 2}  # not the last page: its count is the (perhaps cached) number
    before = api.get("/api/v1/countries/", params).json()["count"]
    Country.objects.bulk_create([Country(code="ZY", iso3="ZZY", name="Zzyzx")])  # the cache is not told
    for path in ("/api/v1/countries/", "/api/v1/countries/?cursor="):
        after = api.get(path, params).json()["count"]
        assert after == (before + 1 if counted_afresh else before)
