"""Text as search compares it: without accents and case (`López`, `LOPEZ` and `lopez` fold alike),
typographic punctuation as typed on a keyboard (`Mexico’s` as `Mexico's`, “…” as "…", — as -).

PostgreSQL folds with its `unaccent` extension (migration 0013's `policy_unaccent`); SQLite and
the excerpts of `/api/v1/search/` with `fold` below, which maps the punctuation `unaccent` maps
(PUNCTUATION) and the Latin letters that carry their accent inside (ø, ł, đ, ħ, ß, æ, œ) as it
does, removes the marks Unicode decomposes accented letters into (é, ñ, ü, ç, ő …), case-folds,
and makes any run of whitespace one space (`Lopez  Obrador` as `Lopez Obrador`; PostgreSQL's full
text ignores whitespace anyway). Migration 0009 registers `fold` in every SQLite connection
Django opens as the SQL functions `policy_fold` and `policy_fold_json` (the FTS5 indexes'
triggers call them); migration 0016 folded the FTS5 indexes' contents again with this table.
"""

import bisect
import contextlib
import json
import re
import unicodedata
from functools import lru_cache

# Letters Unicode does not decompose, folded as PostgreSQL's unaccent.rules folds them.
LETTERS = {
    "ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ħ": "h", "Ħ": "H", "ı": "i",
    "ß": "ss", "ẞ": "SS", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "þ": "th", "Þ": "TH",
}  # fmt: skip

# Every character PostgreSQL 15's unaccent.rules maps to ASCII punctuation (none of its rules map to
# a space), grouped by what it becomes: derived once from /usr/share/postgresql/15/tsearch_data/
# unaccent.rules, the rules whose replacement holds no letter or digit, but for the combining marks
# (ACCENTS removes those). tests/test_search.py checks it against the server's `policy_unaccent`.
PUNCTUATION = {
    "'": "ʹʻʼʽˈ‘’‛′＇", '"': "ʺ“”‟″〝〞＂", "`": "ˋ｀", ",": "‚、︐︑﹐﹑，､", ",,": "„",
    "-": "\xad˗‐‑‒–—―−︱︲﹘﹣－", ".": "․。︒﹒．｡", "..": "‥︰", "...": "…︙",
    "!": "¡︕﹗！", "!!": "‼", "?": "¿︖﹖？", "??": "⁇", "?!": "⁈", "!?": "⁉",
    ":": "ː︓﹕：", ";": "︔﹔；", "<<": "«≪《︽", ">>": "»≫》︾", "<": "˂‹〈︿﹤＜", ">": "˃›〉﹀﹥＞",
    "(": "︵﹙（", ")": "︶﹚）", "((": "⦅｟", "))": "⦆｠", "[": "⁅〔〘〚︹﹇﹝［", "]": "⁆〕〙〛︺﹈﹞］",
    "{": "︷﹛｛", "}": "︸﹜｝", "+": "˖﹢＋", "+/-": "±", "*": "×⁎﹡＊", "/": "÷⁄∕／", "\\": "∖﹨＼",
    "|": "∣｜", "||": "‖∥", "^": "˄ˆ＾", "~": "˜～", "=": "﹦＝", "==": "⩵", "===": "⩶", "::=": "⩴",
    "#": "﹟＃", "&": "﹠＆", "$": "﹩＄", "%": "﹪％", "@": "﹫＠", "_": "＿", "<-": "￩", "->": "￫",
}  # fmt: skip
FOLDS = str.maketrans({**LETTERS, **{char: typed for typed, chars in PUNCTUATION.items() for char in chars}})


# The combining diacritical marks (the blocks Latin, Greek and Cyrillic letters decompose into), as
# one regular expression: it runs in C, where a test per character in Python cost 10 times as much
# (SQLite calls `policy_fold` once per row it compares).
ACCENTS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
# A run of whitespace, or one whitespace character that is not a space (a tab, a newline).
SPACES = re.compile(r"\s{2,}|[^\S ]")


def fold(text):
    """`text` without accents, case-folded: `Peña–LÓPEZ’s` → `pena-lopez's`. Not length-preserving (ß → ss)."""
    if text is None:
        return None
    if text.isascii():
        folded = text.lower()
    else:
        folded = ACCENTS.sub("", unicodedata.normalize("NFKD", text.translate(FOLDS))).casefold()
    if "  " in folded or not folded.isprintable():  # a test in C first: SPACES costs 5 µs a line
        return SPACES.sub(" ", folded)
    return folded


def fold_json(text):
    """A JSON column's text folded as PostgreSQL's `jsonb::text` spells it: SQLite stores
    `["Peña"]` as `["Pe\\u00f1a"]`, which must fold as `["pena"]`."""
    if text is None:
        return None
    if "\\u" not in text:  # nothing escaped: folds as it is (the common case, and the cheap one)
        return fold(text)
    with contextlib.suppress(ValueError):
        text = json.dumps(json.loads(text), ensure_ascii=False)
    return fold(text)


class FoldedText:
    """A text folded for comparison, with the way back to the original's offsets: find a match in
    `.text`, mark it in the original (search excerpts here; policy.closest's passages).

    Built from the text folded one for one (as long as the original) and `spans`, in order, each
    (start, end, replacement) standing for the original `start`…`end` (a whitespace run, an ellipsis,
    a letter that folds to none or several). `marks` are the folded positions where a stretch
    begins; a stretch either copies the original one for one (`ends` None) or stands for the original
    span `origins`…`ends`.
    """

    def __init__(self, one_for_one, spans=()):
        pieces, self.marks, self.origins, self.ends = [], [0], [0], [None]
        at = folded = 0
        for start, end, replacement in spans:
            pieces.append(one_for_one[at:start])
            folded += start - at
            pieces.append(replacement)
            self.marks += [folded, folded + len(replacement)]
            self.origins += [start, end]
            self.ends += [end, None]
            folded += len(replacement)
            at = end
        pieces.append(one_for_one[at:])
        self.text = "".join(pieces)

    def start(self, position):
        """The original offset where the folded character at `position` begins."""
        i = bisect.bisect_right(self.marks, position) - 1
        return self.origins[i] + (position - self.marks[i] if self.ends[i] is None else 0)

    def end(self, position):
        """The original offset just after the folded character at `position - 1`."""
        i = bisect.bisect_right(self.marks, position - 1) - 1
        return self.ends[i] if self.ends[i] is not None else self.start(position - 1) + 1


def unquoted(folded):
    """A folded search in double quotes, `"america is back"`, as the phrase inside them: PostgreSQL's
    full text ignores the quotes, SQLite's substring search would look for them in the text."""
    inside = folded[1:-1]
    if len(folded) > 2 and folded[0] == folded[-1] == '"' and '"' not in inside and inside.strip():
        return inside
    return folded


def folded_text(text):
    """`text` folded as search folds it (`fold`, a character at a time), with the way back."""
    if text.isascii() and "  " not in text and text.isprintable():
        return FoldedText(text.lower())
    parts = [fold(char) for char in text]
    spans, index = [], 0
    while index < len(parts):  # a span for each character that folds to none or several, each whitespace run
        end = index + 1
        while parts[index] == " " and end < len(parts) and parts[end] == " ":
            end += 1
        if end - index > 1 or len(parts[index]) != 1:
            spans.append((index, end, parts[index]))
        index = end
    return FoldedText("".join(part if len(part) == 1 else " " for part in parts), spans)


SHORT = 200  # characters: texts up to this long are folded once per process (short_folds)


@lru_cache(maxsize=4096)
def short_folds(text, json_text):
    return fold_json(text) if json_text else fold(text)


def sql_fold(text):
    """`policy_fold`: a row-by-row search folds the same names (actors') on every request, a
    Python call each; the short ones are remembered (policy.cache.PROCESS_CACHES lists the LRU)."""
    return short_folds(text, False) if text is not None and len(text) <= SHORT else fold(text)


def sql_fold_json(text):
    return short_folds(text, True) if text is not None and len(text) <= SHORT else fold_json(text)


def register(connection):
    """Make `policy_fold(text)` and `policy_fold_json(text)` callable in this SQLite connection's SQL."""
    connection.create_function("policy_fold", 1, sql_fold, deterministic=True)
    connection.create_function("policy_fold_json", 1, sql_fold_json, deterministic=True)
