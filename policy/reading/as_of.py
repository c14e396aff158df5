"""A record as it was at a moment (`?as_of=` on an API detail): the moment parsed, and the
representation the detail endpoint gives, built from the history row in force then (found by
policy.reading.history_reader.HistoryReader.as_of) with a fixed number of queries."""

from datetime import UTC

from django.utils.dateparse import parse_datetime
from django.utils.timezone import is_naive, make_aware
from rest_framework.exceptions import ValidationError

from ..days import calendar_problem, offset_hint
from ..models import Policy, PolicyRelation, Source
from .history import LINK_CITATION, KeyLookup
from .plan import Compact, CompactMany, ResourceUrls, Url, plain

__all__ = ["parse_as_of", "represent_as_of"]


def parse_as_of(raw):
    if problem := calendar_problem(raw.strip()):
        raise ValidationError({"as_of": [problem]})
    try:
        value = parse_datetime(raw.strip())
        # In UTC now: 9999-12-31T23:59:59-23:59 is past the last moment a date-time can hold, and
        # would overflow (a 500) wherever it was first compared.
        value = value and (make_aware(value) if is_naive(value) else value).astimezone(UTC)
    except (ValueError, OverflowError):
        value = None
    if value is None:
        message = f"“{raw}” is not an ISO 8601 date-time (e.g. 2021-05-07T12:00:00Z).{offset_hint(raw.strip())}"
        raise ValidationError({"as_of": [message]})
    return value


def links_as_of(record_id, moment, lookup):
    """A policy's links as they stood at `moment`, their targets and sources wanted by `lookup`
    (sorted once it has resolved them: `in_link_order`)."""
    links = list(
        PolicyRelation.history.as_of(moment)
        .filter(from_policy_id=record_id)
        .values("relation", "to_policy_id", "source_id", *LINK_CITATION)
    )
    lookup.want(Policy, [link["to_policy_id"] for link in links])
    lookup.want(Source, [link["source_id"] for link in links])
    return links


def in_link_order(links, lookup):
    return sorted(links, key=lambda link: (link["relation"], lookup.key(Policy, link["to_policy_id"]) or ""))


def represent_as_of(reader, row, names, request, moment):
    """The record's representation (as the detail endpoint gives it) from one history row of `reader`'s type."""
    urls = ResourceUrls(request)
    snapshots = reader.snapshots([row["history_id"]])
    lookup = KeyLookup()
    reader.want_keys(lookup, [row], snapshots)
    links = links_as_of(row["id"], moment, lookup) if reader.model is Policy and "related" in names else []
    lookup.resolve()
    result = {}
    for name in names:
        field = reader.plan.readers[name]
        if isinstance(field, Url):
            result[name] = urls.detail(reader.model, row[field.source])
        elif isinstance(field, CompactMany):
            ids = snapshots.get(name, {}).get(row["history_id"], [])
            result[name] = sorted(
                (lookup.compact(field.model, pk, urls) for pk in ids), key=lambda c: str(c.get(field.key))
            )
        elif field.many:  # policy links, as they stood at that moment
            result[name] = [
                {
                    "relation": link["relation"],
                    "policy": lookup.compact(Policy, link["to_policy_id"], urls),
                    "source": lookup.compact(Source, link["source_id"], urls),
                    **{citation: link[citation] for citation in LINK_CITATION},
                }
                for link in in_link_order(links, lookup)
            ]
        elif isinstance(field, Compact):
            result[name] = lookup.compact(field.model, row[f"{field.source}_id"], urls)
        elif name in reader.licensed and reader.withholds([row], request):
            result[name] = None
        else:
            result[name] = plain(row[field.source])
    return result
