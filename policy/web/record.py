"""A record's page: its fields, its citation, the records it links to and from, and its history.

Everything is derived from the model's fields, so a new record type gets a page by being
declared (policy.records). Each part costs a fixed number of queries: the record with its
foreign keys (one), one per many-to-many field, one per reverse relation (LIMITed), one for the
citation's window of text, and the history reader the API's `/history/` reads through too
(policy.reading.history_reader).
"""

from django.db.models import Prefetch, Q
from django.http import Http404
from django.urls import reverse
from django.utils.text import Truncator

from ..licensing import text_shown
from ..models import PolicyRelation, Source
from ..models.base import Cited
from ..reading.citation import excerpt_in_context, segments
from ..reading.history import older_than
from ..records import key_field, label_field
from .formatting import date_with_precision, money, plain_number, quantity
from .resources import BY_MODEL, page_url

# Shown elsewhere on the page: the key in the address, the precision in each date, the citation,
# the policy links and the notes in their own sections, a source's text with its excerpts marked.
HIDDEN = {"id", "slug", "created_at", "updated_at", "date_precision", "related", "notes"}
HIDDEN |= {"source", "excerpt", "excerpt_start", "excerpt_end"}
RELATED_LIMIT = 12
CITATIONS_LIMIT = 200  # excerpts marked in a source's text
HISTORY_LIMIT = 20
INVERSE = {
    "reverses": "reversed by",
    "replaces": "replaced by",
    "extends": "extended by",
    "implements": "implemented by",
}


def label_of(obj):
    return Truncator(str(getattr(obj, label_field(type(obj))))).chars(140)


def link_to(obj):
    return {"href": page_url(type(obj), getattr(obj, key_field(type(obj)))), "label": label_of(obj)}


def shown_fields(resource):
    """The model's own fields, in declaration order, that the page lists (the label is the heading)."""
    fields = sorted(resource.model._meta.fields + resource.model._meta.many_to_many, key=lambda f: f.creation_counter)
    hidden = HIDDEN | {resource.label} | ({"text"} if resource.model is Source else set())
    return [f for f in fields if f.name not in hidden]


def load(resource, key):
    model = resource.model
    fields = shown_fields(resource)
    foreign = [f.name for f in fields if f.many_to_one]
    queryset = model.objects.select_related(*foreign)
    if issubclass(model, Cited):
        # The citation shows the source's title; its text is read as a window (policy.reading.citation).
        queryset = queryset.select_related("source").defer("source__text")
    for f in fields:
        if f.many_to_many:
            target = f.related_model
            queryset = queryset.prefetch_related(
                Prefetch(f.name, queryset=target.objects.only(key_field(target), label_field(target)))
            )
    try:
        return queryset.get(**{resource.key: key})
    except model.DoesNotExist:
        raise Http404(f"No {model._meta.verbose_name} with {resource.key} “{key}”.") from None


def precision_fields(model):
    return getattr(model, "precision_dated_fields", ("published_on",))


def field_rows(resource, record):
    """One row per field that has a value: {label, name} and text, a link, links, a url or prose."""
    rows = []
    for f in shown_fields(resource):
        shown = field_value(f, record)
        if shown:
            rows.append({"label": f.verbose_name[:1].upper() + f.verbose_name[1:], "name": f.name, **shown})
    return rows


def field_value(f, record):
    """How one field reads on the page, or None when it is empty."""
    value = getattr(record, f.name)
    kind = f.get_internal_type()
    if f.many_to_many:
        links = [link_to(obj) for obj in value.all()]
        return {"links": links} if links else None
    if f.many_to_one:
        return {"link": link_to(value)} if value is not None else None
    if value in (None, "", []):
        return None
    if f.choices:
        return {"text": getattr(record, f"get_{f.name}_display")()}
    if kind == "DateField":
        precision = record.date_precision if f.name in precision_fields(type(record)) else "day"
        return {"text": date_with_precision(value, precision)}
    if f.name == "amount":
        shown = money(value, record.currency, record.value_qualifier)
        return {"text": f"{shown} ({plain_number(value)} {record.currency})"}
    if f.name == "value" and hasattr(record, "unit"):
        return {"text": f"{quantity(value, record.unit, record.value_qualifier)} ({plain_number(value)})"}
    if kind == "URLField":
        return {"url": safe_url(value), "text": value}
    if kind == "TextField":
        return {"prose": value}
    return {"text": plain_text(value, kind)}


def plain_text(value, kind):
    if kind == "BooleanField":
        return "Yes" if value else "No"
    if kind == "DecimalField":
        return plain_number(value)
    if isinstance(value, list):  # JSON lists, e.g. an actor's aliases
        return ", ".join(map(str, value))
    return str(value)


def related_rows(rel, other, record):
    """Up to the limit (+1, to know there are more) of the `other` records pointing here through `rel`."""
    related = other.model.objects.filter(**{rel.field.name: record})
    if rel.field.name == "source":
        # Citations in reading order, with the offsets that mark them in the source's text.
        columns, limit = [other.key, other.label, "excerpt", "excerpt_start", "excerpt_end"], CITATIONS_LIMIT
        return related.order_by("excerpt_start", other.key).values(*columns)[: limit + 1], limit
    # No ORDER BY: the database then reads the foreign key's index; ordering by slug lets PostgreSQL
    # walk the whole slug index for a rare key (measured: 1.9 s at a million statements).
    rows = related.order_by().values(other.key, other.label)[: RELATED_LIMIT + 1]
    return sorted(rows, key=lambda row: row[other.key]), RELATED_LIMIT


def reverse_relations(resource, record):
    """Records of other types that point at this one, a few of each kind, with the API list for all."""
    groups = []
    for rel in resource.model._meta.get_fields(include_hidden=True):
        if not (rel.auto_created and not rel.concrete and rel.related_model in BY_MODEL):
            continue
        if rel.many_to_many and not rel.through._meta.auto_created:
            continue  # a typed link (policy relations) has a section of its own
        other = BY_MODEL[rel.related_model]
        rows, limit = related_rows(rel, other, record)
        rows = list(rows)
        if not rows:
            continue
        citing = rel.field.name == "source"
        groups.append(
            {
                "title": other.verbose_name_plural.capitalize(),
                "as": "citing this source"
                if citing
                else f"{'among' if rel.many_to_many else 'as'} {rel.field.verbose_name}",
                "items": [
                    {
                        "href": other.page_url(row[other.key]),
                        "label": Truncator(str(row[other.label])).chars(140),
                        "type": other.verbose_name,
                        "excerpt": row.get("excerpt"),
                        "start": row.get("excerpt_start"),
                        "end": row.get("excerpt_end"),
                    }
                    for row in rows[:limit]
                ],
                "more": len(rows) > limit,
                "api": other.api_filter_url(rel.field.name, getattr(record, resource.key)),
            }
        )
    return groups


def policy_links(record):
    """Typed links between policies, both directions, each with its citation, in one query."""
    links = (
        PolicyRelation.objects.filter(Q(from_policy=record) | Q(to_policy=record))
        .select_related("from_policy", "to_policy", "source")
        .only(
            *("relation", "excerpt", "notes", "from_policy__slug", "from_policy__title"),
            *("to_policy__slug", "to_policy__title", "source__slug", "source__title"),
        )
        .order_by("relation", "pk")
    )
    result = []
    for link in links:
        outgoing = link.from_policy_id == record.pk
        other = link.to_policy if outgoing else link.from_policy
        verb = link.get_relation_display().lower() if outgoing else INVERSE.get(link.relation, link.relation)
        cited = {"excerpt": link.excerpt, "notes": link.notes, "source": link_to(link.source)}
        result.append({"verb": verb, **link_to(other), **cited})
    return result


def source_segments(record, groups):
    """The source's text cut around every excerpt that cites it, each mark numbered like a footnote."""
    spans = [
        (item["start"], item["end"], item)
        for group in groups
        if group["as"] == "citing this source"
        for item in group["items"]
        if item["start"] is not None
    ]
    pieces = segments(record.text, spans)
    number = 0
    for _, mark in pieces:
        if mark is not None:
            for item in mark.records:
                number += 1
                item["number"] = number
    return pieces


def history(resource, record, request):
    reader = resource.history_reader
    entries = reader.entries(record.pk)
    page = list(entries.values()[:HISTORY_LIMIT])
    older = older_than(entries, page[-1]) if len(page) == HISTORY_LIMIT else None
    changes = reader.changes(page, older, request)
    for entry in changes:
        for change in entry["changes"]:
            change["old"], change["new"] = shown_change(shown(change["old"]), shown(change["new"]))
    return {"entries": changes, "more": len(page) == HISTORY_LIMIT}


def safe_url(url):
    """Only web links become links: a stored `javascript:` URL must never be clickable."""
    return url if url and url.startswith(("https://", "http://")) else None


def shown(value):
    if value in (None, "", []):
        return "—"
    return ", ".join(map(str, value)) if isinstance(value, list) else str(value)


def shown_change(old, new, room=160, lead=60):
    """Both values cut to `room` characters, starting shortly before they differ, so a change at the
    end of a long text is visible."""
    same = next((i for i, (a, b) in enumerate(zip(old, new, strict=False)) if a != b), min(len(old), len(new)))
    if max(len(old), len(new)) > room and same > lead:
        old, new = f"…{old[same - lead :]}", f"…{new[same - lead :]}"
    return Truncator(old).chars(room), Truncator(new).chars(room)


def page_context(resource, key, request):
    record = load(resource, key)
    groups = reverse_relations(resource, record)
    context = {
        "resource": resource,
        "record": record,
        "key": getattr(record, resource.key),
        "heading": str(getattr(record, resource.label)),
        "rows": field_rows(resource, record),
        "relations": groups,
        "history": history(resource, record, request),
        "notes": getattr(record, "notes", ""),
    }
    if request.user.is_staff:
        context["admin_url"] = reverse(f"admin:policy_{resource.name}_change", args=[record.pk])
    if isinstance(record, Cited):
        context["citation"] = excerpt_in_context(record, request.user)
        context["source_url"] = safe_url(record.source.url)
    if resource.model._meta.model_name == "policy":
        context["policy_links"] = policy_links(record)
    if isinstance(record, Source) and record.text and text_shown(record.text_license, request.user):
        context["source_text"] = source_segments(record, groups)
    elif isinstance(record, Source) and record.text:  # its licence keeps the text from this reader: the excerpts
        context["source_excerpts"] = [
            item for group in groups if group["as"] == "citing this source" for item in group["items"]
        ]
        context["source_url"] = safe_url(record.url)
    return context
