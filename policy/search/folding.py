"""Text as search compares it: without accents and case (`López`, `LOPEZ` and `lopez` fold alike).

PostgreSQL folds with its `unaccent` extension (migration 0009's `policy_unaccent`); SQLite and
the excerpts of `/api/v1/search/` with `fold` below, which removes what Unicode decomposes as
accents (é, ñ, ü, ç, ő …), maps the Latin letters that carry theirs inside (ø, ł, đ, ħ, ß, æ, œ)
as `unaccent` does, and case-folds. Migration 0009 registers `fold` in every SQLite connection
Django opens as the SQL functions `policy_fold` and `policy_fold_json` (the FTS5 indexes' triggers
call them).
"""

import contextlib
import json
import unicodedata

# Letters Unicode does not decompose, folded as PostgreSQL's unaccent.rules folds them.
LETTERS = str.maketrans(
    {
        "ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ħ": "h", "Ħ": "H", "ı": "i",
        "ß": "ss", "ẞ": "SS", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "þ": "th", "Þ": "TH",
    }
)  # fmt: skip


def fold(text):
    """`text` without accents, case-folded: `Peña-LÓPEZ` → `pena-lopez`. Not length-preserving (ß → ss)."""
    if text is None:
        return None
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.translate(LETTERS))
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


def fold_json(text):
    """A JSON column's text folded as PostgreSQL's `jsonb::text` spells it: SQLite stores
    `["Peña"]` as `["Pe\\u00f1a"]`, which must fold as `["pena"]`."""
    if text is None:
        return None
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


def register(connection):
    """Make `policy_fold(text)` and `policy_fold_json(text)` callable in this SQLite connection's SQL."""
    connection.create_function("policy_fold", 1, fold, deterministic=True)
    connection.create_function("policy_fold_json", 1, fold_json, deterministic=True)
