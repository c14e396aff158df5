"""The import format: one table per record type, its columns derived from the API's serializer.

- Columns are the fields `POST /api/v1/<resource>/` takes (a policy's nested `related` aside), with
  the citation (`source`, `excerpt`) for cited types. Required columns must be present; a column
  that names no field is refused. An empty cell is "not given".
- Several values in one cell (countries, topics, aliases, …) are separated by `;` (JSON Lines: a list).
- Related records are named by slug, code, name or alias (policy.curation.references).
- Dates take `2021-03-23`, `2021-03` or `2021`; the type's main date sets `date_precision` (day,
  month, year) unless the row gives it. A partial date is its period's first day.

Files are CSV (UTF-8), XLSX (read by tablib/openpyxl) or JSON Lines (one object per line).
"""

import datetime
import io
import json
import re
import zipfile
from pathlib import Path

import tablib
from rest_framework import serializers

from .. import records
from ..days import calendar_problem
from .queue import BY_NAME, serializer_class

FORMATS = {"csv": "csv", "xlsx": "xlsx", "jsonl": "jsonl", "ndjson": "jsonl"}
SEPARATOR = ";"
LEFT_OUT = {"related"}  # a policy's cited links to other policies: written through the API
PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")
WRITTEN_AT = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")
TEMPLATES = Path(__file__).resolve().parent.parent.parent / "fixtures" / "templates"


class FileError(Exception):
    """The file as a whole cannot be read: its encoding, format, type or columns."""


def columns(record_type):
    """{column: serializer field} of a type's import table, in the serializer's order."""
    fields = serializer_class(record_type)().fields
    return {
        name: field
        for name, field in fields.items()
        if not field.read_only and name not in LEFT_OUT and not isinstance(field, serializers.HiddenField)
    }


def required_columns(record_type):
    return [name for name, field in columns(record_type).items() if field.required and name != "slug"]


def is_many(field):
    return isinstance(field, (serializers.ManyRelatedField, serializers.ListField)) or (
        isinstance(field, serializers.JSONField) and field.field_name == "aliases"
    )


def main_date(record_type):
    model = BY_NAME[record_type].model
    dated = getattr(model, "precision_dated_fields", ()) or BY_NAME[record_type].dates
    return dated[0] if dated else None


def detect_type(path_name, given=None):
    """The record type: `given` (a name or a resource), else the file name's first word."""
    by_word = {**{t.name: t.name for t in records.TYPES}, **{t.resource: t.name for t in records.TYPES}}
    by_word.update({name.replace("_", "-"): name for name in BY_NAME})
    if given:
        if given not in by_word:
            raise FileError(f"Unknown type “{given}”. Types: {', '.join(BY_NAME)}.")
        return by_word[given]
    stem = Path(path_name).name.split(".")[0].lower()
    for word in sorted(by_word, key=len, reverse=True):
        if stem == word or re.match(rf"^{re.escape(word)}[-_ ]", stem):
            return by_word[word]
    raise FileError(
        f"Unknown type: the file name “{Path(path_name).name}” names no record type; "
        f"give the type (one of {', '.join(BY_NAME)})."
    )


def file_format(path_name):
    suffix = Path(path_name).suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise FileError(f"Unknown file format “.{suffix}”: use .csv, .xlsx or .jsonl.")
    return FORMATS[suffix]


def read_rows(content, fmt):
    """(headers, [(row number, {column: cell})]) of an uploaded file's bytes. Row numbers count the
    header as row 1 (as a spreadsheet shows them); JSON Lines count lines from 1."""
    if fmt == "jsonl":
        return read_json_lines(content)
    if fmt == "csv":
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise FileError(
                f"The file is not UTF-8 text (byte 0x{content[error.start]:02x} at position {error.start}): "
                "save it as CSV UTF-8."
            ) from None
        data = tablib.Dataset().load(text, format="csv") if text.strip() else tablib.Dataset()
    else:
        try:
            data = tablib.Dataset().load(content, format="xlsx")
        except Exception as error:  # openpyxl raises many kinds for a file that is not a workbook
            raise FileError(f"The file is not an XLSX workbook ({type(error).__name__}).") from None
    headers = [str(h or "").strip() for h in (data.headers or [])]
    rows = []
    for number, values in enumerate(data, start=2):
        cells = {name: cell(value) for name, value in zip(headers, values, strict=False) if name}
        if any(value not in ("", None) for value in cells.values()):
            rows.append((number, cells))
    return headers, rows


def cell(value):
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else value if isinstance(value, bool) else str(value).strip()


def read_json_lines(content):
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FileError(f"The file is not UTF-8 text (byte 0x{content[error.start]:02x} at {error.start}).") from None
    headers, rows = [], []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except ValueError as error:
            raise FileError(f"Line {number} is not JSON: {error.msg} (column {error.colno}).") from None
        if not isinstance(row, dict):
            raise FileError(f"Line {number} is not a JSON object.")
        headers += [name for name in row if name not in headers]
        rows.append((number, {name: "" if value is None else value for name, value in row.items()}))
    return headers, rows


def check_headers(record_type, headers):
    known = columns(record_type)
    unknown = [name for name in headers if name not in known]
    missing = [name for name in required_columns(record_type) if name not in headers]
    problems = []
    if missing:
        problems.append(
            f"Missing columns: {', '.join(missing)}. Keep every column of the template, even one whose cells are empty."
        )
    if unknown:
        problems.append(f"Unknown columns: {', '.join(unknown)}. A {record_type} takes: {', '.join(known)}.")
    if problems:
        raise FileError(" ".join(problems))


def parse_date(value):
    """(ISO date, precision) of `2021-03-23`, `2021-03` or `2021`; ValueError otherwise."""
    match = PARTIAL_DATE.match(value)
    if not match:
        raise ValueError(f"“{value}” is not a date: write 2021-03-23, 2021-03 or 2021.")
    if problem := calendar_problem(value):
        raise ValueError(problem)
    year, month, day = match.groups()
    try:
        date = datetime.date(int(year), int(month or 1), int(day or 1))
    except ValueError:  # the year 0 alone
        raise ValueError(f"“{value}” is not a year of the calendar: years run from 0001.") from None
    return date.isoformat(), "day" if day else "month" if month else "year"


def template(record_type, fmt):
    """A header-only table of the type's columns, as bytes of `fmt` (csv or xlsx): the same bytes on
    every run (fixtures/templates/ is committed)."""
    data = tablib.Dataset(headers=list(columns(record_type)))
    data.title = record_type
    exported = data.export(fmt)
    return exported.encode("utf-8") if isinstance(exported, str) else timeless(exported)


def timeless(xlsx):
    """An XLSX without the moment it was written: fixed zip entry times, and fixed created/modified
    properties (openpyxl writes the clock's)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx)) as source, zipfile.ZipFile(out, "w") as target:
        for entry in source.infolist():
            content = source.read(entry)
            if entry.filename == "docProps/core.xml":
                content = WRITTEN_AT.sub(rb"\g<1>2000-01-01T00:00:00Z\g<2>", content)
            fixed = zipfile.ZipInfo(entry.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type, fixed.external_attr = entry.compress_type, entry.external_attr
            target.writestr(fixed, content)
    return out.getvalue()


def describe(record_type):
    """Markdown lines describing each column of the type's table (fixtures/templates/README.md)."""
    required = set(required_columns(record_type))
    date = main_date(record_type)
    lines = []
    for name, field in columns(record_type).items():
        notes = ["**required**" if name in required else "optional"]
        if isinstance(field, serializers.DateField):
            notes.append("a date: 2021-03-23, 2021-03 or 2021" + (" (sets date_precision)" if name == date else ""))
        if isinstance(field, serializers.ChoiceField):
            notes.append("one of " + ", ".join(f"`{value}`" for value in field.choices))
        related = getattr(getattr(field, "child_relation", field), "queryset", None)
        if related is not None:
            meta = related.model._meta
            by = "key, name or alias" if meta.model_name == "actor" else "key or name"
            noun = (
                f"several {meta.verbose_name_plural}"
                if is_many(field)
                else f"{'an' if meta.verbose_name[0] in 'aeiou' else 'a'} {meta.verbose_name}"
            )
            notes.append(f"{noun} by {by}")
        elif is_many(field):
            notes.append("several, separated by `;`")
        if name == "text" and "excerpt" in columns(record_type):
            notes.append("empty: the excerpt's words")
        if name == "slug":
            notes.append("proposed from the " + BY_NAME[record_type].label + " when empty")
        lines.append(f"| `{name}` | {'; '.join(notes)} |")
    return lines
