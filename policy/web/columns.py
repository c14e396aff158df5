"""The columns a reader needs in each record type's list, and how their cells read.

A column names the `.values()` columns it reads, how a row becomes its cell, and the `ordering=`
value that sorts by it (one of its FilterSet's, or none). Many-to-many cells (an aid package's
recipients) are read for a whole page in one query per column. Dates read at their precision
("March 2021", "2020"), amounts and figures as exact as their source ("≈ 80%", "> $677 billion").
"""

from dataclasses import dataclass

from django.utils.text import Truncator

from .. import choices
from .formatting import date_with_precision, money, quantity
from .resources import BY_MODEL

TEXT_LENGTH = 220


@dataclass(frozen=True)
class Column:
    label: str
    fields: tuple = ()  # the `.values()` columns it reads
    cell: object = None  # row → {"text", "href"?} or a list of them
    sort: str | None = None  # the `ordering=` value that sorts by it
    many: str | None = None  # a many-to-many field, read per page (`cell` then gets the list)
    main: bool = False  # the record's own link


def record_link(resource, name, sort=None, length=TEXT_LENGTH):
    """The record's label, linking to its page."""
    label = resource.label

    def cell(row):
        return {"text": Truncator(str(row[label])).chars(length), "href": resource.page_url(row[resource.key])}

    return Column(name, (resource.key, label), cell, sort=sort, main=True)


def related(model_field, name, other):
    """A foreign key, as the related record's name linking to its page."""
    key, label = f"{model_field}__{other.key}", f"{model_field}__{other.label}"

    def cell(row):
        return {"text": row[label], "href": other.page_url(row[key])} if row[key] else None

    return Column(name, (key, label), cell)


def many(model_field, name, other):
    def cell(items):
        return [{"text": label, "href": other.page_url(key)} for key, label in items]

    return Column(name, cell=cell, many=model_field)


def choice(model_field, name, options, sort=None):
    labels = dict(options)
    return Column(name, (model_field,), lambda row: {"text": labels.get(row[model_field], row[model_field])}, sort=sort)


def plain(model_field, name, sort=None, length=120):
    return Column(
        name, (model_field,), lambda row: {"text": Truncator(row[model_field] or "").chars(length)}, sort=sort
    )


def dates(start, name, end=None, sort=None):
    """A date, or a range, at the record's precision."""

    def cell(row):
        first = date_with_precision(row[start], row["date_precision"])
        last = date_with_precision(row[end], row["date_precision"]) if end else ""
        return {"text": f"{first} – {last}" if last and last != first else first or (f"until {last}" if last else "")}

    return Column(name, (start, "date_precision", *((end,) if end else ())), cell, sort=sort)


def amount(name):
    def cell(row):
        return {"text": money(row["amount"], row["currency"], row["value_qualifier"])}

    return Column(name, ("amount", "currency", "value_qualifier"), cell, sort="amount")


def figure(name):
    def cell(row):
        return {"text": quantity(row["value"], row["unit"], row["value_qualifier"])}

    return Column(name, ("value", "unit", "value_qualifier"), cell, sort="value")


def columns_for(resource):
    """The columns of a type's list (by its declaration's name); a type not listed shows its label."""
    types = {r.type.name: r for r in BY_MODEL.values()}
    actor, country = types["actor"], types["country"]
    written = {
        "statement": lambda t: [
            related("speaker", "Speaker", actor),
            dates("said_on", "Date", sort="said_on"),
            choice("kind", "Kind", choices.StatementKind.choices),
            record_link(t, "Text"),
        ],
        "aid_package": lambda t: [
            record_link(t, "Title", sort="title"),
            related("donor", "Donor", country),
            many("recipients", "Recipients", country),
            amount("Amount"),
            choice("status", "Status", choices.AidStatus.choices, sort="status"),
            dates("announced_on", "Date", sort="announced_on"),
        ],
        "policy": lambda t: [
            record_link(t, "Title", sort="title"),
            choice("status", "Status", choices.PolicyStatus.choices, sort="status"),
            related("jurisdiction", "Jurisdiction", country),
            dates("start_date", "Dates", end="end_date", sort="start_date"),
        ],
        "statistic": lambda t: [
            record_link(t, "Title", sort="title"),
            figure("Value"),
            dates("period_start", "Period", end="period_end", sort="period_start"),
            related("publisher", "Publisher", actor),
        ],
        "event": lambda t: [
            record_link(t, "Title", sort="title"),
            choice("kind", "Kind", choices.EventKind.choices),
            choice("status", "Status", choices.EventStatus.choices),
            dates("start_date", "Dates", end="end_date", sort="start_date"),
        ],
        "actor": lambda t: [
            record_link(t, "Name", sort="name"),
            choice("kind", "Kind", choices.ActorKind.choices, sort="kind"),
            related("country", "Country", country),
            plain("role", "Role"),
        ],
        "country": lambda t: [record_link(t, "Name", sort="name"), plain("code", "Code", sort="code")],
        "topic": lambda t: [record_link(t, "Name", sort="name"), plain("description", "Description")],
        "source": lambda t: [
            record_link(t, "Title", sort="title"),
            related("publisher", "Publisher", actor),
            choice("kind", "Kind", choices.SourceKind.choices),
            dates("published_on", "Published", sort="published_on"),
        ],
    }
    build = written.get(resource.type.name)
    return build(resource) if build else [record_link(resource, resource.label.capitalize())]


def value_columns(columns, resource):
    """Every `.values()` column a page of these columns reads (its key and row id too)."""
    names = ["id", resource.key]
    for column in columns:
        names += [name for name in column.fields if name not in names]
    return names


def many_values(resource, field_name, ids):
    """{record id: [(key, label)]} of a many-to-many field, for a page of records: one query."""
    model_field = resource.model._meta.get_field(field_name)
    through = model_field.remote_field.through
    owner, target = model_field.m2m_field_name(), model_field.m2m_reverse_field_name()
    other = BY_MODEL[model_field.related_model]
    links = through.objects.filter(**{f"{owner}_id__in": ids}).order_by(f"{target}__{other.label}")
    found = {}
    for owner_id, key, label in links.values_list(f"{owner}_id", f"{target}__{other.key}", f"{target}__{other.label}"):
        found.setdefault(owner_id, []).append((key, label))
    return found


def table_rows(resource, columns, rows):
    """Each row's cells, in the columns' order."""
    ids = [row["id"] for row in rows]
    linked = {c.many: many_values(resource, c.many, ids) for c in columns if c.many}
    return [
        [
            {"label": c.label, "main": c.main, "many": bool(c.many)}
            | {"content": c.cell(linked[c.many].get(row["id"], [])) if c.many else c.cell(row)}
            for c in columns
        ]
        for row in rows
    ]
