"""The text's structure the extractors read: paragraphs, quoted spans and sentences, with offsets.

Sentences never end inside a quotation (“We must act. Now,” she said. is one sentence), so a
quote and its attribution share one. Quotation marks: “…” „…“ «…» "…" and, outside those, ‘…’
and '…' (an apostrophe inside a word, as in don’t, is never a quotation mark). A mark with no
partner in its paragraph opens nothing.
"""

import re
from dataclasses import dataclass

# Pairs of double quotation marks, tried in this order; single quotes only outside them.
DOUBLE_PAIRS = (("“", "”"), ("„", "“"), ("«", "»"), ('"', '"'))
SINGLE_PAIRS = (("‘", "’"), ("'", "'"))
MAX_QUOTE = 3000  # characters: a longer "quotation" is an unbalanced mark, not a quote
MAX_SINGLE_QUOTE = 600

ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "st", "jr", "sr", "gen", "sen", "rep", "gov", "lt", "col", "capt", "sgt",
    "no", "vs", "etc", "inc", "corp", "ltd", "co", "jan", "feb", "mar", "apr", "aug", "sept", "sep",
    "oct", "nov", "dec", "prof", "rev", "hon", "dept", "approx", "est", "fig", "mt", "ft", "pres",
}  # fmt: skip
END = re.compile(r"[.!?…]+[”\"’'»)\]]*(?=\s+[\"“‘'«(\[]?[\w$€£¥])")
WORD_BEFORE = re.compile(r"([\w.]+)[.!?…]*$")


@dataclass(frozen=True)
class Quote:
    start: int  # the opening mark
    end: int  # just after the closing mark
    mark: str

    text_length: int = 0  # of the quoted words, spaces inside the marks left out (« like this »)
    lead: int = 0

    @property
    def inner(self):
        start = self.start + len(self.mark) + self.lead
        return start, (start + self.text_length) if self.text_length else self.end - 1


def paragraphs(text):
    """(start, end) of each non-empty line: articles put a paragraph on a line."""
    for match in re.finditer(r"[^\n]+", text):
        if match.group().strip():
            yield match.start(), match.end()


def find_quotes(text):
    quotes = []
    for start, end in paragraphs(text):
        found = []
        for opening, closing in DOUBLE_PAIRS:
            found += _pairs(text, start, end, opening, closing, found, MAX_QUOTE)
        for opening, closing in SINGLE_PAIRS:
            found += _pairs(text, start, end, opening, closing, found, MAX_SINGLE_QUOTE)
        quotes += sorted(found, key=lambda quote: quote.start)
    return quotes


def _inside(position, spans):
    return any(span.start <= position < span.end for span in spans)


def _opens(text, index, mark):
    before = text[index - 1] if index > 0 else " "
    after = text[index + 1] if index + 1 < len(text) else " "
    if mark in "'\"’":  # a straight mark or ’ opens only at a word's start
        return (before.isspace() or before in "([—–-") and not after.isspace()
    return mark in "«„" or not after.isspace()  # « French spacing »


def _closes(text, index, mark):
    before = text[index - 1]
    after = text[index + 1] if index + 1 < len(text) else " "
    if before.isspace() and mark != "»":
        return False
    if mark in "'’":  # not an apostrophe inside a word (don’t, López’s)
        return not after.isalnum()
    return True


def _pairs(text, start, end, opening, closing, taken, limit):
    pairs, index = [], start
    while True:
        index = text.find(opening, index, end)
        if index < 0:
            return pairs
        if _inside(index, taken) or _inside(index, pairs) or not _opens(text, index, opening):
            index += 1
            continue
        close = index + 1
        while True:
            close = text.find(closing, close, min(end, index + limit))
            if close < 0 or _closes(text, close, closing):
                break
            close += 1
        reopened = text.find(opening, index + 1, close) if opening != closing and close > 0 else -1
        if close < 0 or (reopened >= 0 and not _inside(reopened, taken)):
            index += 1  # unbalanced: this mark opens nothing
            continue
        if not _inside(close, taken):
            words = text[index + 1 : close]
            lead = len(words) - len(words.lstrip())
            pairs.append(Quote(index, close + 1, opening, len(words.strip()), lead))
        index = close + 1


def sentences(text, quotes):
    """(start, end) of each sentence, trailing spaces left out; never splitting inside a quote."""
    result = []
    for start, end in paragraphs(text):
        position = start
        for match in END.finditer(text, start, end):
            cut = match.end()
            quote = quotes.at(cut - 1)
            if (quote is not None and quote.end - 1 != cut - 1) or _abbreviation(text, match.start()):
                continue
            result.append(_trim(text, position, cut))
            position = cut
        if text[position:end].strip():
            result.append(_trim(text, position, end))
    return result


def _abbreviation(text, index):
    word = WORD_BEFORE.search(text, max(0, index - 30), index + 1)
    if not word:
        return False
    token = word.group(1).rstrip(".")
    last = token.split(".")[-1]
    # U.S., U.N., initials (J. Smith) and listed abbreviations (Gen., Sen., Jan.)
    return token.lower() in ABBREVIATIONS or bool(re.fullmatch(r"(?:[A-Z]\.)*[A-Z]", token)) or last.lower() == "e.g"


def _trim(text, start, end):
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
