"""Suggestions from a source's text: proposals of records, each with its excerpt, offsets,
confidence and the rule that produced it (see the README, “Suggestions from a source's text”).

`suggest(text, published_on, known)` is pure: no database, no network, the same proposals for
the same input. One module per kind: quotes, figures, money, dates (and the events they date),
mentions (new actors). Heavy libraries (dateparser, babel, text2num) are imported here, on the
first suggestion, never when Django starts.
"""

from .base import Known, KnownActor, KnownCountry, Proposal

__all__ = ["MAX_TEXT", "Known", "KnownActor", "KnownCountry", "Proposal", "TextRefused", "suggest"]

MAX_TEXT = 1_000_000  # characters (about 160,000 words, ~25 s here): a longer text is refused, not cut


class TextRefused(ValueError):
    """The text cannot be read for suggestions; the message says why."""


NOTHING_KNOWN = Known()
# The fields by which a proposal names actors (by slug).
ACTOR_FIELDS = ("speaker", "addressee", "publisher", "announced_by", "participants")


def actors_named(fields):
    for name in ACTOR_FIELDS:
        value = fields.get(name)
        yield from value if isinstance(value, list) else [value] if value else []


def suggest(text, published_on=None, known=NOTHING_KNOWN):
    """The proposals for `text`, ordered by position; new actors first, as others may name them."""
    if not isinstance(text, str) or not text.strip():
        raise TextRefused("The source has no text to suggest records from.")
    if len(text) > MAX_TEXT:
        raise TextRefused(
            f"The source's text has {len(text):,} characters; suggestions read at most {MAX_TEXT:,}. "
            "Split it into several sources."
        )
    from . import events, figures, money, quotes
    from .document import Document
    from .mentions import actor_proposals

    document = Document(text, published_on, known)
    actors, new_known = actor_proposals(document, document.new_names)
    document.add_new_actors(actors, new_known)
    proposals = []
    for module in (quotes, figures, money, events):
        proposals += module.extract(document)
    for proposal in proposals:  # a record naming a new actor in any field needs that actor first
        named = [slug for slug in actors_named(proposal.fields) if slug in document.new_slugs]
        proposal.needs = list(dict.fromkeys(named))
    used = {slug for proposal in proposals for slug in proposal.needs}
    # A new actor is proposed when a record names it, or when the text introduces it with a role.
    actors = [p for p in actors if p.fields["slug"] in used or p.fields["role"]]
    unique, seen = [], set()
    for proposal in sorted(proposals, key=lambda p: (p.start, p.end, p.record_type, p.rule)):
        if proposal.key() not in seen:
            seen.add(proposal.key())
            unique.append(proposal)
    return actors + unique
