"""Text as search compares it: without accents and case (`López`, `LOPEZ` and `lopez` fold alike).

PostgreSQL folds with its `unaccent` extension (migration 0013's `policy_unaccent`); SQLite and
the excerpts of `/api/v1/search/` with `fold` below, which removes the marks Unicode decomposes
accented letters into (é, ñ, ü, ç, ő …), maps the Latin letters that carry theirs inside (ø, ł, đ, ħ, ß, æ, œ)
as `unaccent` does, and case-folds. Migration 0009 registers `fold` in every SQLite connection
Django opens as the SQL functions `policy_fold` and `policy_fold_json` (the FTS5 indexes' triggers
call them).
"""

import contextlib
import json
import re
import unicodedata
from functools import lru_cache

# Letters Unicode does not decompose, folded as PostgreSQL's unaccent.rules folds them.
LETTERS = str.maketrans(
    {
        "ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ħ": "h", "Ħ": "H", "ı": "i",
        "ß": "ss", "ẞ": "SS", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "þ": "th", "Þ": "TH",
    }
)  # fmt: skip


# The combining diacritical marks (the blocks Latin, Greek and Cyrillic letters decompose into), as
# one regular expression: it runs in C, where a test per character in Python cost 10 times as much
# (SQLite calls `policy_fold` once per row it compares).
ACCENTS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def fold(text):
    """`text` without accents, case-folded: `Peña-LÓPEZ` → `pena-lopez`. Not length-preserving (ß → ss)."""
    if text is None:
        return None
    if text.isascii():
        return text.lower()
    return ACCENTS.sub("", unicodedata.normalize("NFKD", text.translate(LETTERS))).casefold()


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


def folded_positions(text):
    """`text` folded, and for each folded character the index in `text` it came from (to find a match
    in the folded text and mark it in the original)."""
    folded, positions = [], []
    for index, char in enumerate(text):
        part = fold(char)
        folded.append(part)
        positions.extend([index] * len(part))
    return "".join(folded), positions


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
