"""Events the dates belong to: a meeting, visit, press conference or conference the text dates
(“a virtual meeting Friday”, “a March 23 press conference”, “a meeting June 7-8”, “the Conference
on Americas this week”, “when he first met with Biden in March”, “traveled to Washington”).
An event after the publication date, or one the text calls planned, scheduled or upcoming, is
`planned`; one it calls cancelled is `cancelled`; any other is `held`. One event per kind and date."""

import regex

from .base import Proposal
from .dates import dates_in

NOUNS = {
    "meeting": "meeting", "talks": "meeting", "call": "meeting", "phone call": "meeting", "chat": "meeting",
    "negotiations": "meeting", "session": "meeting", "visit": "visit", "trip": "visit", "tour": "visit",
    "state visit": "visit", "press conference": "press_conference", "news conference": "press_conference",
    "briefing": "press_conference", "conference": "conference", "summit": "conference", "forum": "conference",
    "congress": "conference", "election": "other", "referendum": "other", "ceremony": "other", "rally": "other",
}  # fmt: skip
NOUN = "|".join(sorted((regex.escape(n) for n in NOUNS), key=len, reverse=True))
BEFORE = regex.compile(
    rf"(?i)(?P<np>\b(?:(?:a|an|the|his|her|their|its)\s+)?(?:[\p{{L}}-]+\s+){{0,3}}?(?P<noun>{NOUN})"
    rf"(?:\s+(?:with|between|of|on|in|at)\s+[^,.;:]{{0,80}}?)?)\s+(?:in|on|this|of|for|set for|scheduled for)?\s*$"
)
AFTER = regex.compile(rf"(?i)(?:’s|'s)?\s+(?P<np>(?:[\p{{L}}-]+\s+){{0,2}}?(?P<noun>{NOUN}))\b")
VERBS = regex.compile(
    r"\b(?P<verb>met|meets|meet|traveled|travelled|travels|travel|visited|visits|visit|flew)"
    r"\b(?:\s+(?:with|to)\s+(?P<place>\p{Lu}[\p{L}.]*(?:\s\p{Lu}[\p{L}.]*)*))?"
)
PLANNED = regex.compile(r"(?i)\b(?:planned|scheduled|upcoming|proposed|future|expected|next)\b")
CANCELLED = regex.compile(r"(?i)\b(?:cancell?ed|called off|postponed)\b")


def extract(document):
    proposals, seen = [], set()
    for start, end in document.sentences:
        for mention in dates_in(document, start, end):
            if document.quotes.at(mention.start):
                continue
            found = _event_at(document, mention, start, end)
            if not found:
                continue
            kind, phrase, location, rule = found
            key = (kind, mention.value, mention.end_value)
            if key in seen:
                continue
            seen.add(key)
            proposals.append(_proposal(document, mention, kind, phrase, location, rule, start, end))
    return proposals


def _event_at(document, mention, start, end):
    text = document.text
    before = BEFORE.search(text, max(start, mention.start - 140), mention.start)
    if before:
        return NOUNS[before.group("noun").lower()], before.group("np"), "", "events.noun_before_date"
    after = AFTER.match(text, mention.end, end)
    if after:
        phrase = text[mention.start : after.end()]
        return NOUNS[after.group("noun").lower()], phrase, "", "events.date_before_noun"
    verb = VERBS.search(text, start, end)
    if verb and not BEFORE.search(text, start, end) and abs(verb.start() - mention.start) < 160:
        kind = "meeting" if verb.group("verb").endswith(("met", "meet", "meets")) else "visit"
        place = verb.group("place") or ""
        location = place if kind == "visit" else ""
        return kind, text[verb.start() : verb.end()], location, "events.verb"
    return None


def sentence_title(sentence, longest=120):
    """A sentence as an event's title, without a dateline, cut at a word within `longest`."""
    text = regex.sub(r"^\p{Lu}[\p{Lu}\s.,'-]*\s[—–-]+\s", "", " ".join(sentence.split()))  # a dateline: MEXICO CITY —
    words = regex.split(r"(?<=[.;:!?])\s", text)[0].rstrip(".;:!?,")
    return words if len(words) <= longest else words[: words.rfind(" ", 0, longest)]


def _proposal(document, mention, kind, phrase, location, rule, start, end):
    text = document.text
    sentence = text[start:end]
    published = document.published_on
    if CANCELLED.search(sentence):
        status = "cancelled"
    elif (published and mention.value > published) or PLANNED.search(phrase):
        status = "planned"
    else:
        status = "held"
    articles = list(regex.finditer(r"(?i)\b(?:a|an|the|his|her|their|its)\s+", phrase))
    title = phrase[articles[-1].end() :] if articles and rule != "events.date_before_noun" else phrase
    title = regex.sub(r"(?i)^(?:(?:in|and|during|at|on|to|with|of|for|remarks|after|before)\s+)+", "", title.strip())
    if rule == "events.verb":  # the verb alone (“Met”, “Visit”) names nothing: the sentence says who and where
        title = sentence_title(sentence)
    title = title[:1].upper() + title[1:]
    participants = []
    for actor_mention in document.mentions_in(start, end, "actor"):
        actor = document.actor(actor_mention.key)
        quoted = document.in_quote(actor_mention.start)
        if actor and actor.kind == "person" and actor.slug not in participants and not quoted:
            participants.append(actor.slug)
    if "virtual" in phrase.lower():
        location = "virtual"
    fields = {
        "title": title[:500],
        "kind": kind,
        "status": status,
        "location": location[:300],
        "participants": participants,
        "countries": document.countries_in(start, end),
    }
    fields.update(mention.as_fields("start_date", "end_date"))
    return Proposal("event", fields, sentence, start, end, 0.6, rule)
