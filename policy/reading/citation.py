"""A citation shown in its source: the excerpt highlighted inside the text around it.

The excerpt's offsets are stored on the record (policy.provenance), so only a window of
the source's text is read, never the whole document. The pieces are plain strings: the
templates escape them, because a source's text is untrusted.
"""

import re
from dataclasses import dataclass, field

from django.db.models.functions import Length, Substr

from ..licensing import text_shown
from ..models import Source

CONTEXT = 320  # characters of the source shown on each side of the excerpt


@dataclass
class Citation:
    excerpt: str
    before: str = ""
    after: str = ""
    located: bool = False  # False: the source's text is not held, or no longer holds the excerpt
    more_before: bool = False
    more_after: bool = False
    withheld: bool = False  # the source's licence keeps its text from this reader (policy.licensing)


def excerpt_in_context(record, user, context=CONTEXT):
    """The record's excerpt with up to `context` characters of its source's text on each side (one query),
    if the source's licence lets `user` read its text (None: an anonymous reader); else the excerpt alone."""
    start, end = record.excerpt_start, record.excerpt_end
    if start is None or end is None:
        return Citation(excerpt=record.excerpt)
    low = max(0, start - context)
    found = (
        Source.objects.filter(pk=record.source_id)
        .values_list(Substr("text", low + 1, end + context - low), Length("text"), "text_license")
        .first()
    )
    if found is None:
        return Citation(excerpt=record.excerpt)
    window, total, license = found
    if not text_shown(license, user):
        return Citation(excerpt=record.excerpt, withheld=True)
    inside = window[start - low : end - low]
    if inside != record.excerpt:  # stale offsets: say so rather than highlight the wrong words
        return Citation(excerpt=record.excerpt)
    before, after = window[: start - low], window[end - low :]
    more_before, more_after = low > 0, end + context < total
    if more_before:  # the context starts and ends on whole words
        before = re.sub(r"^\S*\s", "", before, count=1)
    if more_after:
        after = re.sub(r"\s\S*$", "", after, count=1)
    return Citation(record.excerpt, before, after, True, more_before, more_after)


@dataclass
class Mark:
    """A highlighted span of a source's text and the records whose excerpts it covers."""

    start: int
    end: int
    records: list = field(default_factory=list)


def segments(text, spans):
    """Split `text` into (piece, mark-or-None) around the (start, end, record) spans; overlaps merge."""
    marks = []
    for start, end, record in sorted(spans, key=lambda span: (span[0], span[1])):
        if marks and start < marks[-1].end:
            marks[-1].end = max(marks[-1].end, end)
            marks[-1].records.append(record)
        else:
            marks.append(Mark(start, end, [record]))
    pieces, position = [], 0
    for mark in marks:
        pieces.append((text[position : mark.start], None))
        pieces.append((text[mark.start : mark.end], mark))
        position = mark.end
    pieces.append((text[position:], None))
    return [(piece, mark) for piece, mark in pieces if piece]
