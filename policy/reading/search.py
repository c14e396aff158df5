"""One search across every record type (`/api/v1/search/` and the `/search/` page).

Each declared type (policy.records) is searched by its own `search=` (policy.search: the same
indexes, accents and case ignored, ranked on PostgreSQL), one `LIMIT`ed query per type for a
page of its matches, plus a count only for a type whose page is full — a fixed number of
queries however many records match. Counts stop at COUNT_LIMIT: counting every match of a
frequent word costs as much as ranking them all. Results come grouped by type, in the
declarations' order; page N holds each type's Nth slice.

Each hit carries an excerpt: a window of the record's own searched text around the match,
found accents and case ignored (policy.search.folding), with the match's offsets in it.
"""

import re
from dataclasses import dataclass, field

from django import forms
from django.conf import settings

from .. import search
from ..filters import SEARCH_MAX_LENGTH, invalid_choice
from ..records import TYPES
from ..search.folding import fold, folded_text, unquoted

COUNT_LIMIT = 1000  # matches counted per type, at most
PAGE_SIZE, MAX_PAGE_SIZE = 5, 50  # matches per type and page
TITLE_LENGTH = 200
CONTEXT = 80  # characters of the text shown on each side of a match
WORD = re.compile(r"[^\W_]+")


@dataclass
class Hit:
    type: object  # the RecordType
    key: str
    title: str
    date: object = None
    date_precision: str | None = None
    excerpt: str = ""
    match: tuple | None = None  # (start, end) of the match in `excerpt`; None when it matched a related name


@dataclass
class Group:
    type: object  # the RecordType
    hits: list = field(default_factory=list)
    count: int = 0
    count_is_exact: bool = True
    has_more: bool = False


class SearchQuery(forms.Form):
    """The search's parameters (the API's schema lists them from here)."""

    q = forms.CharField(
        max_length=SEARCH_MAX_LENGTH,
        help_text="The text to find, accents and case ignored (`lopez` finds “López”), anywhere in a record's "
        "text or its related names. Anonymous clients give at least 3 characters (1 when `type` names only "
        "actors, countries or topics).",
    )
    type = forms.MultipleChoiceField(
        choices=[],  # set below, from the declarations
        required=False,
        help_text="Only these record types; repeat for several (`type=statement&type=statistic`). Default: all.",
    )


PARAMETERS = {"q", "type", "page", "page_size"}


@dataclass
class Query:
    text: str
    types: list
    page: int
    page_size: int


def parse(params, signed_in, known=PARAMETERS):
    """(Query, None) from a QueryDict, or (None, {parameter: [messages]}): unknown or repeated
    parameters, a missing or too short `q`, an unknown type, a page that is not a whole number or too deep."""
    errors = {}
    for name, values in params.lists():
        if name not in known:
            errors[name] = [f"Unknown query parameter. This endpoint accepts: {', '.join(sorted(known))}."]
        elif len(values) > 1 and name != "type":
            errors[name] = ["Given more than once; this parameter takes one value."]
    numbers = {name: whole_number(params.get(name), default, errors, name) for name, default in PAGE_DEFAULTS}
    form = SearchQuery(params)
    errors.update({name: list(messages) for name, messages in (form.errors if not form.is_valid() else {}).items()})
    if errors:
        return None, errors
    query = Query(form.cleaned_data["q"], searchable_types(form.cleaned_data["type"]), numbers["page"], 0)
    query.page_size = min(numbers["page_size"], MAX_PAGE_SIZE)
    shortest = min_length(query.types, signed_in)
    if len(query.text) < shortest:
        return None, {"q": [f"Give at least {shortest} characters to search (shorter searches read every record)."]}
    if (query.page - 1) * query.page_size > settings.MAX_PAGE_OFFSET:
        return None, {"page": ["Too deep: follow a type's full list (`search=` there), which pages by `cursor=`."]}
    return query, None


PAGE_DEFAULTS = (("page", 1), ("page_size", PAGE_SIZE))


def whole_number(raw, default, errors, name):
    if raw is None:
        return default
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 9) or int(raw) < 1:
        errors[name] = [f"“{raw}” is not a whole number from 1."]
        return default
    return int(raw)


def searchable_types(names=None):
    """The types a search reaches (every declared type, or those named), in the declarations' order."""
    return [t for t in TYPES if t.search_fields and (not names or t.name in names)]


def min_length(record_types, signed_in):
    """The shortest text an anonymous client may search these types for (policy.filters' rule)."""
    from ..filtersets import filterset_for

    if signed_in:
        return 1
    return max(filterset_for(t).anonymous_search_min_length for t in record_types)


def search_types(text, record_types, page, page_size):
    """One Group per type that has matches on this page or before it (see the module docstring)."""
    offset = (page - 1) * page_size
    groups = []
    for record_type in record_types:
        records = record_type.model.objects.order_by(record_type.key)
        matches = search.find(records, record_type.search_fields, text, ranked=True)
        columns = {record_type.key, record_type.label, *record_type.own_search_fields}
        if record_type.main_date:
            columns |= {record_type.main_date, "date_precision"}
        rows = list(matches.values(*columns)[offset : offset + page_size + 1])
        if rows and len(rows) <= page_size:
            count, exact = offset + len(rows), True
        elif rows or offset:
            known = search.more_than(matches)  # the search's own index counted past the limit already
            count = (
                COUNT_LIMIT if known and known >= COUNT_LIMIT else matches.order_by().values("pk")[:COUNT_LIMIT].count()
            )
            exact = count < COUNT_LIMIT
        else:
            continue
        if count == 0:
            continue
        hits = [hit(record_type, row, text) for row in rows[:page_size]]
        groups.append(Group(record_type, hits, count, exact, has_more=len(rows) > page_size))
    return groups


def hit(record_type, row, text):
    date_field = record_type.main_date
    excerpt, match = excerpt_of([row[name] for name in record_type.own_search_fields], text)
    return Hit(
        type=record_type,
        key=row[record_type.key],
        title=shorten(str(row[record_type.label] or ""), TITLE_LENGTH),
        date=row[date_field] if date_field else None,
        date_precision=row["date_precision"] if date_field and row[date_field] else None,
        excerpt=excerpt,
        match=match,
    )


def shorten(text, length):
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def as_text(value):
    if isinstance(value, list):  # aliases
        return ", ".join(map(str, value))
    return "" if value is None else str(value)


def excerpt_of(values, text):
    """A window of the first of `values` that contains `text` (else one of its words) around that
    match, accents and case ignored, and the match's offsets in the window; else the start of the
    first non-empty value and None."""
    texts = [as_text(value) for value in values]
    needles = [fold(text), unquoted(fold(text)), *(fold(word) for word in WORD.findall(text))]
    for needle in filter(None, needles):
        for value in texts:
            folded = folded_text(value)
            found = folded.text.find(needle)
            if found >= 0:
                return window(value, folded.start(found), folded.end(found + len(needle)))
    first = next((value for value in texts if value), "")
    return shorten(first, 2 * CONTEXT), None


def window(value, start, end):
    """`value` cut to CONTEXT characters either side of [start, end), at spaces, with … where cut."""
    low, high = max(0, start - CONTEXT), min(len(value), end + CONTEXT)
    if low > 0:
        space = value.find(" ", low, start)
        low = space + 1 if space >= 0 else low
    if high < len(value):
        space = value.rfind(" ", end, high)
        high = space if space >= 0 else high
    prefix = "…" if low > 0 else ""
    suffix = "…" if high < len(value) else ""
    excerpt = prefix + value[low:high] + suffix
    return excerpt, (start - low + len(prefix), end - low + len(prefix))


SearchQuery.base_fields["type"].choices = [(t.name, t.name) for t in searchable_types()]
SearchQuery.base_fields["type"].error_messages |= invalid_choice([t.name for t in searchable_types()])
