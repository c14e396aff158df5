"""An aid package: money or goods a donor country announced for recipients."""

from ..models import AidPackage
from .base import CITATION, TIMESTAMPS, RecordType, Timeline

AID_PACKAGE = RecordType(
    name="aid_package",
    model=AidPackage,
    resource="aid-packages",
    label="title",
    dates=("announced_on", "period_start", "period_end"),
    search_fields=("title", "channel", "announced_by__name", "announced_by__aliases", "excerpt"),
    stored_search=True,
    link_arrays=("recipients", "topics"),
    timeline=Timeline(title="title", country=("donor", "recipients"), actor=("announced_by",)),
    colour="#009E73",
    columns=(
        "url",
        "slug",
        "title",
        "donor",
        "recipients",
        "amount",
        "value_qualifier",
        "currency",
        "kind",
        "status",
        "announced_by",
        "announced_on",
        "date_precision",
        "period_start",
        "period_end",
        "channel",
        "policy",
        "event",
        "topics",
        *CITATION,
        *TIMESTAMPS,
    ),
    facets=("status", "recipient", "donor", "kind", "topic", "year"),
)
