"""Dates of the right shape that name no day of the calendar: 2021-02-30, 2021-13-01, 2021-13, year 0.

Python's and Django's parsers refuse them as they refuse a date of the wrong shape ("Enter a valid
date", "not an ISO 8601 date-time"), which sends the reader to check the format; every place that
reads a date (the filters, `as_of`, the pages' forms, writes, imports) says instead which part is
not in the calendar.
"""

import calendar
import re

from django import forms

# A day (2021-05-07), alone or starting a date-time (2021-05-07T12:00:00Z), or a month (2021-05).
SHAPE = re.compile(r"(\d{4})-(\d{2})(?:-(\d{2}))?(?=$|[T ])")
DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def calendar_problem(text):
    """Why `text` (a day, or a date-time starting with one, or a month) names no day or month of the
    calendar; None when it does, or is not of that shape (whose message is the parser's own)."""
    match = SHAPE.match(text)
    if match is None or (match.group(3) is None and match.end() != len(text)):
        return None
    year, month, day = (int(part) if part else None for part in match.groups())
    if year == 0:
        why = "years run from 0001"
    elif not 1 <= month <= 12:
        why = "months run from 01 to 12"
    elif day is not None and not 1 <= day <= calendar.monthrange(year, month)[1]:
        why = f"{calendar.month_name[month]} {year}'s days run from 01 to {calendar.monthrange(year, month)[1]}"
    else:
        return None
    return f"“{match.group(0)}” is not a {'day' if day is not None else 'month'} of the calendar: {why}."


class CalendarDateField(forms.DateField):
    """A YYYY-MM-DD date (ISO 8601 only: Django's default formats also read 05/07/2021, as 7 May — a
    5 July for half the world); one that names no day says so."""

    default_error_messages = {"invalid": "Not a date: write YYYY-MM-DD (e.g. 2021-05-07)."}

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", ["%Y-%m-%d"])
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str) and value.strip():
            if problem := calendar_problem(value.strip()):
                raise forms.ValidationError(problem, code="invalid")
            if not DAY.fullmatch(value.strip()):  # strptime's %m and %d also read 2021-5-7
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


# A date-time whose offset lost its `+` on the way: a URL's query string reads `+` as a space.
SPACE_FOR_PLUS = re.compile(r"\d \d{2}(?::?\d{2})?$")


def offset_hint(text):
    """What to add to a date-time's refusal when its `+02:00` arrived as ` 02:00`; else ""."""
    return " In a URL, write the offset's + as %2B (…T12:00:00%2B02:00)." if SPACE_FOR_PLUS.search(text) else ""
