"""A country: reference data, keyed by its ISO 3166-1 alpha-2 `code`, upper-cased wherever a
key is read (`/countries/us/` is `/countries/US/`)."""

from ..models import Country
from .base import TIMESTAMPS, RecordType

COUNTRY = RecordType(
    name="country",
    model=Country,
    resource="countries",
    key="code",
    upper_case_key=True,
    label="name",
    search_fields=("code", "iso3", "name"),
    columns=("url", "code", "iso3", "name", *TIMESTAMPS),
    pick_list=True,
)
