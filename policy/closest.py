"""The closest passage: where in a source's text an excerpt that is not verbatim was probably meant,
and the first character where the two differ, so an editor (or an API client) can fix it at once.

Both texts are folded — curly quotes to straight, dashes to a hyphen, the ellipsis character to
three dots, any run of whitespace to one space, lower case — keeping a map from each folded
position back to the original text. A folded excerpt found in the folded text is the answer (most
misquotes differ only in such characters). Otherwise, the places the excerpt's longest words
occur vote for where it starts, and the few best windows are scored with rapidfuzz's alignment.
On a 500,000-character source this takes milliseconds (bench/closest.py).
"""

import heapq
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

from .search.folding import FoldedText

SINGLE_QUOTES = "'‘’‚‛′`´"
DOUBLE_QUOTES = '"“”„‟″«»'
DASHES = "-‐‑‒–—―−"
FOLD = str.maketrans(
    {
        **dict.fromkeys(SINGLE_QUOTES, "'"),
        **dict.fromkeys(DOUBLE_QUOTES, '"'),
        **dict.fromkeys(DASHES, "-"),
        **{chr(c): " " for c in range(0x3001) if chr(c).isspace()},  # U+3000 is the last space
    }
)
COLLAPSE = re.compile(r" {2,}|…")
# What each folded character of a needle matches in the original text.
PATTERN = {
    "'": f"[{re.escape(SINGLE_QUOTES)}]",
    '"': f"[{re.escape(DOUBLE_QUOTES)}]",
    "-": f"[{re.escape(DASHES)}]",
    " ": r"\s+",
    "...": r"(?:\.\.\.|…)",
}
WORD = re.compile(r"\w{3,}")
MIN_SCORE = 60  # below this (rapidfuzz's 0–100), the "closest" passage would be a guess, not a hint
ANCHORS, CANDIDATES, MAX_HITS = 8, 12, 400


@dataclass(frozen=True)
class Closest:
    """The passage of the text an excerpt most likely meant, and where the excerpt first leaves it."""

    closest: str
    start: int
    end: int
    differs_at: int  # index in the excerpt (and in `closest`: they agree before it)
    kind: str  # quote, dash, ellipsis, whitespace, case, other
    excerpt_has: str
    source_has: str

    def as_dict(self):
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


def folded(text):
    """`text` folded for comparison (module docstring), with the way back to its offsets."""
    flat = text.translate(FOLD)
    lowered = flat.lower()
    if len(lowered) != len(flat):  # a few characters lower to two (İ): keep those as they are
        lowered = "".join(c if len(c.lower()) != 1 else c.lower() for c in flat)
    spans = ((m.start(), m.end(), " " if m.group()[0] == " " else "...") for m in COLLAPSE.finditer(lowered))
    return FoldedText(lowered, spans)


def closest_passage(text, excerpt):
    """The Closest passage of `text` to `excerpt`, or None when nothing in the text is close enough."""
    needle = folded(excerpt).text.strip()
    if not text or len(needle) < 3:
        return None
    span = folded_match(text, needle) or fuzzy_span(text, needle)
    if span is None:
        return None
    start, end = whole_words(text, *span)
    return difference(excerpt, text[start:end], start, end)


def folded_match(text, needle):
    """The first span of `text` that folds to `needle`: the needle as a pattern (each folded character a
    class of the characters that fold to it), so the text itself is never copied or mapped."""
    parts = re.split(r"(\.\.\.)", needle)  # three dots: themselves or the ellipsis character
    pieces = (
        PATTERN["..."] if part == "..." else "".join(PATTERN.get(c, re.escape(c)) for c in part) for part in parts
    )
    pattern = re.compile("".join(pieces), re.IGNORECASE)
    first = None
    for match in pattern.finditer(text):
        if not cuts_word(text, match.start()) and not cuts_word(text, match.end()):
            return match.span()
        first = first or match.span()
    return first


def fuzzy_span(text, needle):
    """The best-aligned window among the places the needle's longest words vote for, or None."""
    haystack = text.lower()
    if len(haystack) != len(text):  # a few characters lower to two (İ): search the text as it is
        haystack = text
    votes = Counter()
    width = max(len(needle) // 4, 20)
    words = sorted({(m.group(), m.start()) for m in WORD.finditer(needle)}, key=lambda w: -len(w[0]))
    for word, offset in words[:ANCHORS]:
        hits, at = 0, haystack.find(word)
        while at >= 0 and hits < MAX_HITS:
            votes[max(at - offset, 0) // width] += 1
            hits, at = hits + 1, haystack.find(word, at + 1)
    from rapidfuzz import fuzz  # only when an excerpt is not verbatim: 4 MB a worker need not hold otherwise

    best = None
    for bucket, _ in heapq.nlargest(CANDIDATES, votes.items(), key=lambda item: item[1]):
        low = max(bucket * width - len(needle) // 2, 0)
        window = folded(text[low : bucket * width + width + len(needle) * 3 // 2])
        found = fuzz.partial_ratio_alignment(needle, window.text)
        if found is not None and found.dest_end > found.dest_start and (best is None or found.score > best[0]):
            start, end = fitted_ends(needle, window.text, found.dest_start, found.dest_end)
            best = (found.score, low + window.start(start), low + window.end(end))
    if best is None or best[0] < MIN_SCORE:
        return None
    return best[1], best[2]


def fitted_ends(needle, text, start, end):
    """The alignment's ends moved to where the needle's first and last words fit best: the alignment is
    as long as the needle, but a passage with a word more or less is longer or shorter."""
    from rapidfuzz import fuzz

    edge, slack = min(len(needle), 24), max(len(needle) // 5, 10)
    starts = range(max(start - slack, 0), min(start + slack, len(text)) + 1)
    ends = range(max(end - slack, 1), min(end + slack, len(text)) + 1)
    start = max(starts, key=lambda s: (fuzz.ratio(needle[:edge], text[s : s + edge]), -abs(s - start)))
    end = max(ends, key=lambda e: (fuzz.ratio(needle[-edge:], text[max(e - edge, 0) : e]), -abs(e - end)))
    return (start, end) if end > start else (start, start + 1)


def cuts_word(text, at):
    return 0 < at < len(text) and text[at - 1].isalnum() and text[at].isalnum()


def whole_words(text, start, end):
    """The span without whitespace at its ends, widened to begin and end on word boundaries."""
    while start < end - 1 and text[start].isspace():
        start += 1
    while end > start + 1 and text[end - 1].isspace():
        end -= 1
    while start > 0 and text[start - 1].isalnum() and text[start].isalnum():
        start -= 1
    while end < len(text) and text[end - 1].isalnum() and text[end].isalnum():
        end += 1
    return start, end


def difference(excerpt, closest, start, end):
    at = next((i for i, (a, b) in enumerate(zip(excerpt, closest, strict=False)) if a != b), None)
    if at is None:
        at = min(len(excerpt), len(closest))
    mine, theirs = excerpt[at : at + 3], closest[at : at + 3]
    kind = kind_of(mine, theirs)
    width = 3 if kind == "ellipsis" else 1
    return Closest(closest, start, end, at, kind, mine[:width], theirs[:width])


def kind_of(mine, theirs):
    """What sort of difference begins at these characters (the excerpt's, then the source's)."""
    a, b = mine[:1], theirs[:1]
    if {mine, theirs} & {"..."} and "…" in (a, b):
        return "ellipsis"
    if a and b and {a, b} <= set(SINGLE_QUOTES + DOUBLE_QUOTES):
        return "quote"
    if a and b and {a, b} <= set(DASHES):
        return "dash"
    if not a or not b or a.isspace() or b.isspace():
        return "whitespace"
    if a.lower() == b.lower():
        return "case"
    return "other"


KINDS = {
    "quote": "straight vs curly quote",
    "dash": "hyphen vs en/em dash",
    "ellipsis": "three dots vs ellipsis",
    "whitespace": "spacing",
    "case": "upper vs lower case",
    "other": "a different character",
}


def describe(characters):
    if not characters:
        return "nothing (it ends there)"
    if len(characters) > 1:
        return f"“{characters}”"
    name = unicodedata.name(characters, f"U+{ord(characters):04X}").lower()
    return f"“{characters}” ({name})" if not characters.isspace() else f"a {name}"


def hint_message(found):
    """The sentence that follows the error: the closest passage and the first difference."""
    return (
        f"Closest passage (characters {found.start}–{found.end}): “{found.closest}”. "
        f"First difference at character {found.differs_at + 1}: the excerpt has {describe(found.excerpt_has)} "
        f"where the source has {describe(found.source_has)} ({KINDS[found.kind]})."
    )
