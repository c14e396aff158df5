"""Bulk import: a table of one record type → suggestions (default) or published records (`publish`).

All or nothing: every row is converted (policy.curation.tabular) and validated by the API's own
serializer first; one error anywhere and nothing is written. A related actor the file names but
no actor answers to becomes an actor suggestion (and the rows naming it suggestions too), not an
error. The result is a Report: per row created / suggested / error, with the column and message.
"""

from dataclasses import dataclass, field

from django.db import transaction
from rest_framework import serializers

from ..batch import existing_keys, many_writes, unique_check_off
from ..models import Actor, Suggestion
from ..slugs import label_of, propose_slug, reserve_slugs
from . import tabular
from .import_writer import Writer
from .queue import BY_NAME, flatten, serializer_class
from .references import References, Unresolved

STAND_IN_SLUG = "slug-proposed-on-acceptance"


@dataclass
class Planned:
    """A row that passed: its API payload, and for a row to publish its validated data."""

    number: int
    payload: dict
    validated: dict | None
    given_slug: bool


@dataclass
class RowResult:
    row: int
    status: str  # created, suggested, error
    key: str = ""
    column: str = ""
    message: str = ""

    def line(self):
        where = f"row {self.row}" + (f", column {self.column}" if self.column else "")
        return (
            f"{where}: {self.status}"
            + (f" {self.key}" if self.key else "")
            + (f": {self.message}" if self.message else "")
        )


@dataclass
class Report:
    record_type: str
    file_name: str
    dry_run: bool
    publish: bool
    rows: list = field(default_factory=list)
    new_actors: dict = field(default_factory=dict)  # name → proposed slug
    queued_actors: set = field(default_factory=set)  # names a pending actor suggestion already proposes

    @property
    def errors(self):
        return [row for row in self.rows if row.status == "error"]

    @property
    def ok(self):
        return not self.errors

    def counts(self):
        counts = {}
        for row in self.rows:
            counts[row.status] = counts.get(row.status, 0) + 1
        return counts

    def summary(self):
        parts = ", ".join(f"{status}: {n}" for status, n in sorted(self.counts().items())) or "no rows"
        text = f"{self.file_name} ({self.record_type}): {parts}"
        if self.new_actors:
            count = len(self.new_actors)
            text += f"; {count} new actor{'s' if count != 1 else ''} suggested ({', '.join(self.new_actors)})"
        if not self.ok:
            return text + ". Nothing was imported: fix the errors and import the file again."
        return text + (". Dry run: nothing was written." if self.dry_run else ".")


class Converter:
    """One row's cells → the payload `POST /api/v1/<resource>/` takes, with errors by column."""

    def __init__(self, record_type, report):
        self.record_type, self.report = record_type, report
        self.columns = tabular.columns(record_type)
        self.main_date = tabular.main_date(record_type)
        self.references = References()

    def convert(self, cells):
        payload, errors, pending = {}, {}, {}
        for name, value in cells.items():
            if value in ("", None, []):
                continue
            try:
                self.put(payload, pending, name, value)
            except (ValueError, TypeError) as error:
                errors[name] = str(error)
        if "text" in self.columns and not payload.get("text") and payload.get("excerpt"):
            payload["text"] = payload["excerpt"]  # a statement's words, left empty: the excerpt's
        if self.main_date in cells and cells.get("date_precision") in ("", None) and "_precision" in payload:
            payload["date_precision"] = payload["_precision"]
        payload.pop("_precision", None)
        return payload, errors, pending

    def put(self, payload, pending, name, value):
        field = self.columns[name]
        many = tabular.is_many(field)
        values = (
            value
            if isinstance(value, list)
            else [v.strip() for v in str(value).split(tabular.SEPARATOR)]
            if many
            else [value]
        )
        values = [v for v in values if v not in ("", None)]
        related = getattr(getattr(field, "child_relation", field), "queryset", None)
        if related is not None:
            values = [self.related_key(related.model, str(v), name, pending) for v in values]
        elif isinstance(field, serializers.DateField):
            values[0], precision = tabular.parse_date(str(values[0]))
            if name == self.main_date:
                payload["_precision"] = precision
        payload[name] = values if many else values[0]

    def related_key(self, model, name, column, pending):
        try:
            return self.references.key(model, name)
        except Unresolved as unresolved:
            if model is not Actor or unresolved.ambiguous:
                raise
        # A name no actor answers to: a new actor, suggested once (unless a pending suggestion has it).
        if name not in self.report.new_actors:
            self.report.new_actors[name] = self.queued_actor(name) or propose_slug(
                Actor, name, taken=self.report.new_actors.values()
            )
        pending[column] = name
        return self.report.new_actors[name]

    def queued_actor(self, name):
        queued = Suggestion.objects.filter(record_type="actor", state="pending", fields__name__iexact=name)
        for fields in queued.values_list("fields", flat=True)[:1]:
            if fields.get("slug"):
                self.report.queued_actors.add(name)
                return fields["slug"]
        return None


def import_file(name, content, *, record_type=None, dry_run=False, publish=False, user=None):
    """Import one file's bytes; a Report. Raises tabular.FileError when the file cannot be read."""
    fmt = tabular.file_format(name)
    record_type = tabular.detect_type(name, record_type)
    headers, rows = tabular.read_rows(content, fmt)
    if not headers:
        raise tabular.FileError("The file is empty: it needs a header row naming the columns.")
    tabular.check_headers(record_type, headers)
    if not rows:
        raise tabular.FileError("The file has columns but no rows.")
    report = Report(record_type, name, dry_run, publish)
    with transaction.atomic(), many_writes():
        planned = Planner(record_type, report, publish).plan(rows)
        if report.ok and not dry_run:
            Writer(record_type, report, user).write(planned)
    return report


class Planner:
    """Converts and validates every row, in memory; proposes the slugs published rows will get."""

    def __init__(self, record_type, report, publish):
        self.record_type, self.report, self.publish = record_type, report, publish
        self.declared = BY_NAME[record_type]
        self.converter = Converter(record_type, report)
        self.validator = serializer_class(record_type)()  # its related keys: once per file (policy.batch)
        self.unique_message = unique_check_off(self.validator, self.declared.key)
        self.seen_keys, self.taken, self.in_database = {}, set(), set()
        self.stand_in = Actor.objects.values_list("slug", flat=True).first()

    def plan(self, rows):
        planned, converted = [], [(number, *self.converter.convert(cells)) for number, cells in rows]
        if self.publish and "slug" in self.converter.columns:  # one query per 500 rows, not one a row
            unnamed = [label_of(self.declared, payload) for _, payload, _, _ in converted if not payload.get("slug")]
            reserve_slugs(self.declared.model, unnamed)
        if self.unique_message:
            keys = [payload.get(self.declared.key) for _, payload, _, _ in converted]
            self.in_database = existing_keys(self.declared.model, self.declared.key, keys)
        for number, payload, errors, pending in converted:
            self.check_key(number, payload, errors)
            publish = self.publish and not pending
            given_slug = bool(payload.get("slug"))
            if publish and not given_slug and "slug" in self.converter.columns:
                payload["slug"] = propose_slug(self.declared.model, label_of(self.declared, payload), taken=self.taken)
                self.taken.add(payload["slug"])
            validated = None
            if not errors:
                validated, errors = self.validate(payload, pending)
            for column, message in errors.items():
                self.report.rows.append(RowResult(number, "error", column=column, message=message))
            if errors:
                continue
            key = str(payload.get(self.declared.key, ""))
            status = "created" if publish else "suggested"
            self.report.rows.append(RowResult(number, status, key=key))
            planned.append(Planned(number, payload, validated if publish else None, given_slug))
        return planned

    def check_key(self, number, payload, errors):
        key = payload.get(self.declared.key)
        if not key:
            return
        key = self.declared.normalise_key(key)
        if key in self.seen_keys:
            errors[self.declared.key] = f"“{key}” is also the {self.declared.key} of row {self.seen_keys[key]}."
        elif key in self.in_database:
            errors[self.declared.key] = self.unique_message
        self.seen_keys.setdefault(key, number)
        self.taken.add(key)

    def validate(self, payload, pending):
        checked = dict(payload)
        if "slug" in self.converter.columns and not checked.get("slug"):
            checked["slug"] = STAND_IN_SLUG  # a suggestion's slug is proposed when it is accepted
        for column in pending:  # a new actor: check the rest of the row with an existing one in its place
            checked[column] = [self.stand_in] if isinstance(checked[column], list) else self.stand_in
        try:
            return self.validator.run_validation(checked), {}
        except serializers.ValidationError as error:
            detail = error.detail if isinstance(error.detail, dict) else {"": error.detail}
            return None, {
                ("" if column == "non_field_errors" else column): "; ".join(flatten(messages))
                for column, messages in detail.items()
                if not (column in pending and self.stand_in is None)
            }
