"""What the docs (/api/v1/docs/) say about each record type's operations, for the API's users:
what an operation returns, which parameters it takes, an example. Built from the declarations
(policy.records), so a new type is described like the others."""

from ..records import BY_MODEL

SUMMARIES = {
    "list": "List {plural}",
    "retrieve": "One {name}",
    "create": "Create {a} {name}",
    "update": "Replace {a} {name}",
    "partial_update": "Change some fields of {a} {name}",
    "destroy": "Delete {a} {name}",
}


def summary(action, meta):
    """The summary of a model's standard action (`Create an actor`), or None for another action."""
    name = str(meta.verbose_name)
    article = "an" if name[:1].lower() in "aeiou" else "a"
    return (
        SUMMARIES[action].format(a=article, name=name, plural=meta.verbose_name_plural) if action in SUMMARIES else None
    )


def first_sentence(description, longest=80):
    """A summary drawn from a description: its first sentence, without Markdown's backticks, cut at a word."""
    sentence = description.replace("`", "").split("\n", 1)[0].split(". ", 1)[0].split(": ", 1)[0].rstrip(".")
    return sentence if len(sentence) <= longest else sentence[: sentence.rfind(" ", 0, longest)] + "…"


def list_description(record_type, plural):
    base = f"/api/v1/{record_type.resource}/"
    lines = [
        f"The {plural}, 50 a page (`page`, `page_size` up to 1000, or `cursor=` for any depth), as "
        "`{count, next, previous, results}`; each with every field, related records as `{key, name, url}`.",
        "",
        "Every parameter below filters (repeat a related-record or choice filter for OR); an unknown "
        "or malformed one is a 400 naming it. "
        f"`search=` finds text in {', '.join(f'`{f}`' for f in record_type.search_fields)}, accents and case "
        "ignored (on PostgreSQL ranked by relevance unless `ordering=` is given).",
    ]
    if record_type.main_date:
        lines.append(f"`date_after`/`date_before` bound `{record_type.main_date}` (inclusive).")
    lines += [
        "`fields=`/`omit=` choose the fields; `format=csv` (or `Accept: text/csv`) answers CSV, the whole "
        "filtered list streamed when no page is asked for.",
        "",
        f"Example: `{base}?search=mexico&ordering=-updated_at`",
    ]
    return "\n".join(lines)


def describe(view, action):
    """(summary, description) of a record operation, or None for another view."""
    model = getattr(getattr(view, "serializer_class", None), "Meta", None)
    record_type = BY_MODEL.get(getattr(model, "model", None))
    if record_type is None or action not in SUMMARIES:
        return None
    meta = record_type.model._meta
    name, plural = meta.verbose_name, meta.verbose_name_plural
    detail = f"/api/v1/{record_type.resource}/<{record_type.key}>/"
    descriptions = {
        "list": list_description(record_type, plural),
        "retrieve": f"The {name} with this {record_type.key}, every field, related records as `{{key, name, url}}`. "
        "`as_of=` (an ISO date-time) gives it as it was then; `fields=`/`omit=` choose the fields. "
        "The `ETag` header is its version: send it in `If-None-Match` (304 when unchanged) or in `If-Match` "
        f"with a write.\n\nExample: `{detail}`",
        "create": f"Creates a {name} from a JSON body (related records by their key). Needs a token "
        "(`Authorization: Token …`) with the add permission. A cited record's `excerpt` must be words of its "
        "`source`'s text. Answers 201 with the record, its `Location` and `ETag`.",
        "update": f"Replaces every writable field of the {name} (PUT). Send `If-Match` with its `ETag` to write only "
        "if nobody changed it since you read it (else 412). Needs the change permission.",
        "partial_update": "Changes only the fields sent (PATCH); the rest stay. `If-Match` as for PUT. "
        'Example body: `{"notes": "…"}`. Needs the change permission.',
        "destroy": f"Deletes the {name} (204). A record others still refer to is a 409 naming them. "
        "Needs the delete permission.",
    }
    return summary(action, meta), descriptions[action]
