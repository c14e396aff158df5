"""What a selection already tells the add form (cite by selecting, issue #14): beyond the source, the
excerpt and its offsets, a statement's speaker, words, kind and date, proposed so the editor checks
them rather than types them.

The paragraphs the selection touches are read by the machine suggestions (policy.suggest, the same
rules `suggest SOURCE` uses): a quote the selection holds gives its speaker (named, or "she" for the
person last named), its quoted words and `quote`; otherwise the words are the excerpt's and the kind
`paraphrase`, with the actor the paragraph names nearest the selection as the speaker. The date is
the one the sentence gives, else the source's own (with its precision). Every value stays editable.
"""

import re

from ..models import Actor, Source, Statement
from ..models.records import quote_error

PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


def proposed_fields(model, source_id, excerpt, start, end):
    """{form field: initial value} proposed for a new `model` record citing this span, or {}."""
    if model is not Statement or not excerpt or not str(source_id or "").isdigit():
        return {}
    source = Source.objects.filter(pk=source_id).only("text", "published_on", "date_precision").first()
    if source is None or not source.text:
        return {}
    if not (isinstance(start, int) and isinstance(end, int) and source.text[start:end] == excerpt):
        start = source.text.find(excerpt)
        if start < 0:
            return {}
        end = start + len(excerpt)
    fields = statement_fields(source, excerpt, start, end)
    speaker = Actor.objects.filter(slug=fields.pop("speaker", None)).values_list("pk", flat=True).first()
    if speaker is not None:
        fields["speaker"] = speaker
    return fields


def statement_fields(source, excerpt, start, end):
    from ..suggest import suggest
    from ..suggest.source import known_from_database

    offset, paragraphs = around(source.text, start, end)
    known = known_from_database()
    proposals = suggest(paragraphs, source.published_on, known)
    start, end = start - offset, end - offset
    quotes = [p for p in proposals if p.record_type == "statement" and p.start < end and start < p.end]
    fields = {"text": excerpt, "kind": "paraphrase"}
    if quotes:
        best = max(quotes, key=lambda p: min(end, p.end) - max(start, p.start))
        words = best.fields["text"]
        if quote_error(words, excerpt) is None:  # its parts in the selection (“…,” he said. “…” joined by […])
            fields.update(text=words, kind="quote")
        fields["speaker"] = best.fields["speaker"]
        if best.fields.get("said_on"):
            fields.update(said_on=best.fields["said_on"], date_precision=best.fields["date_precision"])
    else:
        fields["speaker"] = nearest_person(known, paragraphs, start, end)
    if "said_on" not in fields and source.published_on:
        fields.update(said_on=source.published_on, date_precision=source.date_precision)
    return fields


def around(text, start, end):
    """(offset, the paragraphs holding text[start:end])."""
    breaks = [(m.start(), m.end()) for m in PARAGRAPH_BREAK.finditer(text)]
    first = max((e for s, e in breaks if e <= start), default=0)
    last = min((s for s, e in breaks if s >= end), default=len(text))
    return first, text[first:last]


def nearest_person(known, paragraph, start, end):
    """The slug of the known actor named nearest the span (before it first), or None."""
    named = []
    for actor in known.actors:
        for name in (actor.name, *actor.aliases):
            for match in re.finditer(rf"\b{re.escape(name)}\b", paragraph):
                distance = start - match.end() if match.end() <= start else match.start() - end + 0.5
                named.append((abs(distance), actor.slug))
    return min(named)[1] if named else None
