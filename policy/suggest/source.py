"""Suggestions for a source held in the database: its text read by policy.suggest, the proposals
written into the review queue (policy.curation.queue) — all of a run in one transaction, or none.

The management command `suggest`, the admin's "Suggest records" action and
`POST /api/v1/sources/<slug>/suggest/` all call `suggest_for_source`.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction

from . import MAX_TEXT, Known, KnownActor, KnownCountry, TextRefused, suggest


class SuggestRefused(Exception):
    """Nothing was written; the message says why, and `field` what it is about (`text`, `replace`)."""

    def __init__(self, message, field="text"):
        super().__init__(message)
        self.field = field


@dataclass
class Run:
    source: object
    created: int
    replaced: int
    by_type: dict

    @property
    def message(self):
        kinds = ", ".join(f"{count} {name}" for name, count in sorted(self.by_type.items())) or "nothing"
        replaced = f" (replacing {self.replaced} pending)" if self.replaced else ""
        return f"{self.source.slug}: {self.created} suggestions{replaced}: {kinds}."


def known_from_database():
    from ..models import Actor, Country

    actors = tuple(
        KnownActor(slug, name, kind, role or "", country, tuple(a for a in (aliases or ()) if isinstance(a, str)))
        for slug, name, kind, role, country, aliases in Actor.objects.values_list(
            "slug", "name", "kind", "role", "country__code", "aliases"
        ).iterator()
    )
    countries = tuple(KnownCountry(code, name) for code, name in Country.objects.values_list("code", "name"))
    return Known(actors, countries)


def pending_from_extractor(source):
    from ..models import Suggestion

    return Suggestion.objects.filter(source=source, origin=Suggestion.Origin.EXTRACTOR, state=Suggestion.State.PENDING)


def not_yet_recorded(source, proposals):
    """`proposals` without what this source already has, and without what an editor rejected for it:
    - a record of the same type with the same words (a statement's text, a title), cited by hand;
    - a record of the same type citing an overlapping passage and saying the same thing there
      (`said_field`): a statistic the same value, a statement the same speaker, another type the same
      main date to the proposal's precision (a proposed "June 2021" is a record of June 7, 2021);
    - a rejected suggestion of the same type, passage and words (a `replace` run brings back only
      what nobody has turned down)."""
    from ..models import Suggestion
    from ..records import ON_TIMELINE

    recorded = {}
    for name in {proposal.record_type for proposal in proposals} & set(ON_TIMELINE):
        record_type = ON_TIMELINE[name]
        column, field = said_field(record_type)
        columns = (record_type.label, column, "excerpt_start", "excerpt_end")
        recorded[name] = field, list(record_type.model.objects.filter(source=source).values_list(*columns))
    rejected = {
        (row.record_type, row.excerpt_start, row.excerpt_end, words(label_of(row.record_type, row.fields)))
        for row in Suggestion.objects.filter(source=source, state=Suggestion.State.REJECTED)
    }
    kept = []
    for proposal in proposals:
        label = words(label_of(proposal.record_type, proposal.fields))
        if (proposal.record_type, proposal.start, proposal.end, label) in rejected:
            continue
        if proposal.record_type in recorded:
            field, records = recorded[proposal.record_type]
            if any(already(proposal, label, field, record) for record in records):
                continue
        kept.append(proposal)
    return kept


def words(text):
    return " ".join(str(text or "").split()).casefold()


def label_of(record_type, fields):
    from ..records import ON_TIMELINE

    declared = ON_TIMELINE.get(record_type)
    return fields.get(declared.label) if declared is not None and isinstance(fields, dict) else None


def said_field(record_type):
    """(the record's column, the proposal's field) for what a record says in its passage beside its words."""
    return {"statistic": ("value", "value"), "statement": ("speaker__slug", "speaker")}.get(
        record_type.name, (record_type.main_date, record_type.main_date)
    )


def already(proposal, label, field, record):
    """Whether `record` (label, said, excerpt start and end) is what `proposal` proposes (not_yet_recorded)."""
    recorded_label, said, start, end = record
    if words(recorded_label) == label:
        return True
    overlaps = start is not None and end is not None and proposal.start < end and start < proposal.end
    proposed = proposal.fields.get(field)
    if not overlaps or said is None or proposed in (None, ""):
        return False
    if isinstance(said, Decimal):
        try:
            return Decimal(str(proposed)) == said
        except InvalidOperation:
            return False
    if isinstance(said, datetime.date):
        width = {"year": 4, "month": 7}.get(proposal.fields.get("date_precision"), 10)
        return str(said)[:width] == str(proposed)[:width]
    return said == proposed


def suggest_for_source(source, *, replace=False, user=None):
    """Add the machine's suggestions for `source` to the review queue. Raises SuggestRefused (nothing
    written) for a source without text, a text too long, or pending suggestions without `replace`."""
    from ..curation.queue import propose
    from ..models import Suggestion

    if not source.text or not source.text.strip():
        raise SuggestRefused(f"The source “{source.slug}” holds no text to suggest records from.")
    if len(source.text) > MAX_TEXT:
        raise SuggestRefused(
            f"The source's text has {len(source.text):,} characters; suggestions read at most {MAX_TEXT:,}."
        )
    try:
        proposals = suggest(source.text, source.published_on, known_from_database())
    except TextRefused as refused:
        raise SuggestRefused(str(refused)) from None
    proposals = not_yet_recorded(source, proposals)
    rows = [
        propose(
            proposal.record_type,
            proposal.fields,
            source=source,
            excerpt=proposal.excerpt,
            excerpt_start=proposal.start,
            excerpt_end=proposal.end,
            origin=Suggestion.Origin.EXTRACTOR,
            origin_detail=proposal.rule,
            confidence=round(proposal.confidence, 2),
            created_by=user if user is not None and user.is_authenticated else None,
        )
        for proposal in proposals
    ]
    with transaction.atomic():
        pending = pending_from_extractor(source).select_for_update()
        count = pending.count()
        if count and not replace:
            raise SuggestRefused(
                f"The source “{source.slug}” already has {count} pending suggestions from the extractor: "
                "review them, or replace them (--replace; replace=true in the API).",
                "replace",
            )
        replaced = pending.delete()[0] if count else 0
        Suggestion.objects.bulk_create(rows)
    by_type = {}
    for row in rows:
        by_type[row.record_type] = by_type.get(row.record_type, 0) + 1
    return Run(source, len(rows), replaced, by_type)
