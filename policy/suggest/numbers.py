"""Reading amounts: digits with a scale (“$4 billion”, “£300m”), currencies (babel's CLDR symbols and
names), qualifiers (“roughly”, “more than”) and the noun phrase a figure measures."""

from decimal import Decimal, InvalidOperation
from functools import lru_cache

import regex

NUMBER = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
SCALES = {"thousand": 10**3, "k": 10**3, "million": 10**6, "mn": 10**6, "m": 10**6, "mln": 10**6,
          "billion": 10**9, "bn": 10**9, "b": 10**9, "trillion": 10**12, "tn": 10**12}  # fmt: skip
SCALE = r"(?:\s?(?:thousand|million|billion|trillion)|(?:mn|bn|tn|mln|m|b|k))\b"
WORDED_SCALE = r"\s(?:thousand|million|billion|trillion)\b"
QUALIFIERS = (
    ("approximately", r"roughly|about|around|approximately|nearly|almost|some|close to|an estimated|estimated|circa|~"),
    ("more_than", r"more than|over|above|upwards of|in excess of|exceeding|greater than"),
    ("less_than", r"less than|under|below|fewer than|short of"),
    ("at_least", r"at least|no fewer than|no less than|a minimum of"),
    ("at_most", r"at most|up to|no more than|a maximum of"),
)
QUALIFIER_BEFORE = [(name, regex.compile(rf"(?i)\b(?:{words})\s+$")) for name, words in QUALIFIERS]
# Where a noun phrase ends: punctuation, or a word that starts a clause or a verb phrase.
NP_STOP = {
    "according", "that", "which", "who", "while", "as", "because", "per", "is", "are", "was", "were", "has", "have",
    "had", "will", "would", "could", "should", "to", "from", "by", "rather", "than", "during", "when", "after",
    "before", "since", "with", "without", "over", "largely", "mostly", "but", "in", "on", "at", "for", "this",
    "last", "next", "amid", "into", "across", "through", "rose", "rises", "fell", "falls", "grew", "grows", "shrank",
    "reached", "hit", "stood",
}  # fmt: skip
LEADING = {"as", "while", "and", "but", "when", "because", "since", "though", "although", "if", "so", "yet"}
QUALIFIER_WORDS = regex.compile(r"(?i)roughly|about|around|approximately|nearly|almost|some|more|less|over|under")
WORD = regex.compile(r"[\p{L}\p{N}’'\-.$%]+|[,;:–—()]")


@lru_cache(maxsize=1)
def currency_symbols():
    """{symbol or name: ISO code} from babel's English CLDR data, the unambiguous ones first."""
    from babel import Locale
    from babel.numbers import get_currency_name

    locale = Locale("en")
    table = {}
    for code, symbol in locale.currency_symbols.items():
        if symbol != code and not symbol.isalpha():
            table.setdefault(symbol, code)
    table.update({"$": "USD", "US$": "USD", "¥": "JPY", "£": "GBP", "€": "EUR", "₹": "INR", "₽": "RUB"})
    for code in ("USD", "EUR", "GBP", "JPY", "CNY", "MXN", "CAD", "AUD", "CHF", "INR", "BRL", "RUB", "KRW", "ZAR"):
        for count in (1, 2):
            table.setdefault(get_currency_name(code, count, locale).lower(), code)
    # Bare names where one currency is meant in English news.
    for name, code in {"dollars": "USD", "dollar": "USD", "euros": "EUR", "euro": "EUR", "yen": "JPY",
                       "yuan": "CNY", "renminbi": "CNY", "pesos": "MXN", "rupees": "INR",
                       "pounds sterling": "GBP", "pounds": "GBP"}.items():  # fmt: skip
        table.setdefault(name, code)
    return table


@lru_cache(maxsize=1)
def money_pattern():
    table = currency_symbols()
    symbols = sorted((s for s in table if not s[0].isalpha()), key=len, reverse=True)
    codes = sorted(set(table.values()), key=len, reverse=True)
    names = sorted((s for s in table if s[0].isalpha()), key=len, reverse=True)
    prefix = "|".join(regex.escape(symbol) for symbol in symbols)
    code_words = "|".join(codes)
    name_words = "|".join(regex.escape(name) for name in names)
    return regex.compile(
        rf"(?:(?P<symbol>{prefix})\s?|\b(?P<code>{code_words})\s)(?P<number>{NUMBER})(?P<scale>{SCALE})?"
        rf"|\b(?P<number2>{NUMBER})(?P<scale2>{WORDED_SCALE})?\s(?P<name>{name_words}|{code_words})\b",
    )


def amount(number, scale=None):
    try:
        value = Decimal(number.replace(",", ""))
    except InvalidOperation:
        return None
    if scale:
        value *= SCALES[scale.strip().lower()]
    return value


def currency_of(match):
    table = currency_symbols()
    if match.group("symbol"):
        return table[match.group("symbol")]
    if match.group("code"):
        return match.group("code")
    name = match.group("name")
    return name if name.isupper() and len(name) == 3 else table.get(name.lower())


def qualifier_before(text, start):
    before = text[max(0, start - 30) : start]
    for name, pattern in QUALIFIER_BEFORE:
        if pattern.search(before):
            return name
    return "exact"


def noun_phrase(text, start, end, limit=9):
    """The words from `start` up to the first stop word or punctuation (at most `limit`)."""
    words = []
    for match in WORD.finditer(text, start, end):
        word = match.group()
        if not words and word.lower() in LEADING:
            continue
        verb = words and len(word) > 4 and word.endswith(("ing", "ed"))  # a participle starts a verb phrase
        if word in ",;:–—()" or word.lower() in NP_STOP or verb or len(words) >= limit:
            break
        words.append(match)
    if not words:
        return ""
    while words and words[-1].group().lower() in ("and", "or", "the", "a", "an", "of"):
        words.pop()
    while words and QUALIFIER_WORDS.fullmatch(words[0].group()):
        words.pop(0)
    if not words:
        return ""
    phrase = text[words[0].start() : words[-1].end()].rstrip(".")
    return phrase[:1].lower() + phrase[1:] if phrase.split()[0] in ("The", "A", "An") else phrase


def decimal_text(value):
    """A Decimal as the API writes it: no exponent, no trailing zeros."""
    text = format(value.normalize(), "f")
    return text
