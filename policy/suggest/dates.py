"""Dates the text gives, resolved against its publication date, with their precision.

Candidates are found by the patterns below; dateparser (which ships its language data) reads
each one relative to the publication date. A date without a year is the one nearest to the
publication date (“March 23” in an article of May 2021 is 2021-03-23, “June 7” is 2021-06-07); a
weekday is the nearest such day on or before it, or on or after it when its sentence speaks of
the future (“will … Friday”); “this week” has no day, so it is its month; a season (“last summer”)
only its year. Dates are stored as the first day of their period (see the README).
Without a publication date only dates that state their year are read.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

import regex as re

from .base import first_of_period

MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan\.|Feb\.|Mar\.|Apr\.|Jun\.|Jul\.|Aug\.|Sept?\.|Oct\.|Nov\.|Dec\.)"
)
DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
YEAR = r"(?:19|20)\d\d"
DASH = r"\s?[-–]\s?"
WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
SEASON = r"(?:summer|winter|spring|fall|autumn)"
UNIT = r"(?:day|week|month|year)"
NUMBER_WORDS = r"(?:\d+|two|three|four|five|six|seven|eight|nine|ten|a|one)"

# (rule, pattern), the longest forms first; a later pattern never overlaps an earlier match.
PATTERNS = [
    ("iso", rf"\b{YEAR}-[01]\d-[0-3]\d\b"),
    ("day_range", rf"\b{MONTH}\s{DAY}{DASH}{DAY}(?:,?\s{YEAR})?\b"),
    ("day_range", rf"\b{DAY}{DASH}{DAY}\s{MONTH}(?:,?\s{YEAR})?\b"),
    ("day", rf"\b{MONTH}\s{DAY}(?:,?\s{YEAR})?\b(?!\s?%)"),
    ("day", rf"\b{DAY}\s(?:of\s)?{MONTH}(?:,?\s{YEAR})?\b"),
    ("month_range", rf"\b{MONTH}{DASH}{MONTH}(?:\s{YEAR})?\b"),
    ("month", rf"\b{MONTH}\s{YEAR}\b"),
    ("season", rf"\b(?:(?i:last|this|next)\s{SEASON}|(?:(?:the\s)?{SEASON}\s(?:of\s)?{YEAR}))\b"),
    ("relative", rf"\b(?:today|yesterday|tomorrow|(?:earlier|later)\sthis\s{UNIT}|(?:this|last|next)\s{UNIT}"
     rf"|{NUMBER_WORDS}\s{UNIT}s?\sago)\b"),
    ("weekday", rf"\b(?:(?:last|next|this|on)\s)?{WEEKDAY}\b"),
    ("year_range", rf"(?<![\d,.$€£¥])\b{YEAR}{DASH}(?:{YEAR}|\d\d)\b(?![\d,%])"),
    ("year", rf"(?<![\d,.$€£¥-])\b{YEAR}\b(?!\d|,\d|\s?%|\s?percent)"),
    ("month", rf"(?<=\b(?:[Ii]n|[Ss]ince|by|until|through|[Ll]ast|[Nn]ext|this|[Ee]arly|[Ll]ate|mid-|from|to|during|of|before|after|[Aa]|an|[Tt]he)\s){MONTH}\b"),  # noqa: E501
]  # fmt: skip
COMPILED = [(rule, re.compile(pattern)) for rule, pattern in PATTERNS]
FUTURE = re.compile(
    r"\b(?:will|’ll|'ll|shall|(?:is|are) (?:set |due |scheduled |expected )?to|scheduled|planned|plans? to|upcoming|next)\b"  # noqa: E501
)
DOCUMENT_AFTER = re.compile(
    r"\s+(?:report|study|survey|poll|paper|article|book|memo|letter|census|edition|issue|data)\b"
)
SEASONS = {"summer": 7, "winter": 1, "spring": 4, "fall": 10, "autumn": 10}


@dataclass(frozen=True)
class DateMention:
    start: int
    end: int
    value: date
    precision: str
    end_value: date | None = None
    rule: str = ""
    attaches: bool = True  # False for a document's date (“a June report”): it dates no figure

    def as_fields(self, start_field, end_field=None):
        fields = {start_field: self.value.isoformat(), "date_precision": self.precision}
        if end_field and self.end_value:
            fields[end_field] = self.end_value.isoformat()
        return fields


def find_dates(document):
    text, published = document.text, document.published_on
    taken, found = bytearray(len(text) + 1), []
    for rule, pattern in COMPILED:
        for match in pattern.finditer(text):
            if taken.find(1, match.start(), match.end()) >= 0:
                continue
            mention = _resolve(rule, match.group(), published, document, match.start())
            if mention is None:
                continue
            value, precision, end_value = mention
            attaches = not DOCUMENT_AFTER.match(text, match.end())
            rule_name = f"dates.{rule}"
            found.append(DateMention(match.start(), match.end(), value, precision, end_value, rule_name, attaches))
            taken[match.start() : match.end()] = b"\x01" * (match.end() - match.start())
    return sorted(found, key=lambda mention: mention.start)


def _resolve(rule, expression, published, document, position):
    has_year = bool(re.search(YEAR, expression))
    if not has_year and published is None:
        return None  # nothing to resolve it against: no guess
    if rule == "season":
        return _season(expression, published)
    if rule == "weekday":
        start, end = document.sentence_around(position)
        return _weekday(expression, published, bool(FUTURE.search(document.text[start:end]))), "day", None
    if rule in ("day_range", "month_range", "year_range"):
        return _range(rule, expression, published)
    parsed = _parse(expression, published, has_year or rule == "relative")
    if parsed is None:
        return None
    value, period = parsed
    if period == "week":  # no day is given: its month, or its year if the week straddles two months
        monday = value - timedelta(days=value.weekday())
        same_month = monday.month == (monday + timedelta(days=6)).month
        return first_of_period(value, "month" if same_month else "year"), "month" if same_month else "year", None
    precision = {"day": "day", "month": "month", "year": "year"}.get(period, "day")
    return first_of_period(value, precision), precision, None


def _season(expression, published):
    year = re.search(YEAR, expression)
    if year:
        return date(int(year.group()), 1, 1), "year", None
    shift = {"last": -1, "next": 1}.get(expression.split()[0].lower(), 0)
    # “last summer” said in March is the summer of the year before last year's spring… keep it simple:
    # the previous such season's year, the current year's for “this”.
    month = SEASONS[expression.split()[-1].lower()]
    year = published.year + shift
    if shift == -1 and published.month > month + 2:
        year = published.year
    return date(year, 1, 1), "year", None


WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


def _weekday(expression, published, future):
    words = expression.lower().split()
    target = WEEKDAYS.index(words[-1])
    back = (published.weekday() - target) % 7
    ahead = (target - published.weekday()) % 7
    if words[0] == "last":
        return published - timedelta(days=back or 7)
    if words[0] == "next":
        return published + timedelta(days=ahead or 7)
    return published + timedelta(days=ahead) if future else published - timedelta(days=back)


def _range(rule, expression, published):
    if rule == "year_range":
        first, second = re.split(DASH, expression)
        second = first[:2] + second if len(second) == 2 else second
        if int(second) < int(first):
            return None
        return date(int(first), 1, 1), "year", date(int(second), 1, 1)
    year = re.search(YEAR, expression)
    year = year.group() if year else ""
    body = re.sub(rf",?\s{YEAR}$", "", expression)
    months = re.findall(MONTH, body)
    first, second = re.split(DASH, body)
    if rule == "month_range":
        start, end = (
            _parse(f"{first} {year}".strip(), published, bool(year)),
            _parse(f"{second} {year}".strip(), published, bool(year)),
        )
        precision = "month"
    else:
        day_first = re.sub(MONTH, "", first).strip() or re.sub(MONTH, "", second).strip()
        day_second = re.sub(MONTH, "", second).strip()
        start = _parse(f"{months[0]} {day_first} {year}".strip(), published, bool(year))
        end = _parse(f"{months[0]} {day_second} {year}".strip(), published, bool(year))
        precision = "day"
    if not start or not end:
        return None
    start_value, end_value = first_of_period(start[0], precision), first_of_period(end[0], precision)
    if end_value < start_value:
        return None
    return start_value, precision, end_value


@lru_cache(maxsize=4096)
def _parse(expression, published, absolute):
    """(date, period) from dateparser; without a year, the reading nearest to `published`."""
    base = datetime.combine(published or date(2000, 1, 1), datetime.min.time())
    past = _parser(base, "past").get_date_data(expression)
    if past.date_obj is None:
        return None
    if absolute:
        return past.date_obj.date(), past.period
    future = _parser(base, "future").get_date_data(expression)
    candidates = [data for data in (past, future) if data.date_obj is not None]
    best = min(candidates, key=lambda data: abs(data.date_obj - base))
    return best.date_obj.date(), best.period


@lru_cache(maxsize=32)
def _parser(base, prefer):
    from dateparser.date import DateDataParser

    settings = {"RELATIVE_BASE": base, "PREFER_DATES_FROM": prefer, "PREFER_DAY_OF_MONTH": "first"}
    return DateDataParser(languages=["en"], settings=settings)


def dates_in(document, start, end, attaching=True):
    return [m for m in document.dates.within(start, end) if m.attaches or not attaching]
