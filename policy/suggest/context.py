"""What a figure, an amount or a quote takes from the sentence around it: who reported it, its
date, the countries named, the clause it stands in."""

import regex

from .dates import dates_in

ACCORDING = regex.compile(r"\baccording to\b")
REPORTED_AS = regex.compile(r"\s+(?:data|figures|statistics|estimates|report|survey|reported|estimated|found)\b")
CLAUSE_MARKS = regex.compile(r"[,;:–—()]|\s(?:while|whereas|but)\s")


def reporter(document, start, end):
    """Who the sentence says reported its figures: “according to X”, “X data”, “X estimated”."""
    text = document.text
    match = ACCORDING.search(text, start, end)
    if match:
        for mention in document.mentions_in(match.end(), end, "actor"):
            return mention.key
    for mention in document.mentions_in(start, end, "actor"):
        actor = document.actor(mention.key)
        if actor and actor.kind != "person" and REPORTED_AS.match(text, mention.end):
            return mention.key
    return None


def date_near(document, position, start, end):
    """The date of the sentence nearest to `position`, one after it first (“climbed 71% in March”)."""
    candidates = dates_in(document, start, end)
    if not candidates:
        return None
    return min(candidates, key=lambda m: m.start - position if m.start >= position else 2 * (position - m.end))


def clause(document, position, start, end):
    """(start, end) of the clause around `position` within the sentence (start, end)."""
    text = document.text
    left = start
    for match in CLAUSE_MARKS.finditer(text, start, position):
        left = match.end()
    right = end
    match = CLAUSE_MARKS.search(text, position, end)
    if match:
        right = match.start()
    return left, right


def excerpt_fields(document, start, end):
    return document.text[start:end], start, end
