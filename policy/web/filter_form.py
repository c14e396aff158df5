"""A list's filters as an HTML form, built from the FilterSet the API uses (policy.filtersets).

Every parameter of the FilterSet becomes one control named as the parameter, so the form sends
exactly the query the API understands: the search box; related records as a select where the
type has few (countries, topics: `pick_list`) and as text inputs taking keys otherwise (actors,
sources: thousands at scale); choices as checkboxes (a select when there are many: currencies);
dates as date inputs; numbers as number inputs; `ordering` as "Sort by".
"""

from dataclasses import dataclass, field

import django_filters

from ..filters import ChoicesFilter, MomentFilter, RelatedFilter, StableOrderingFilter
from ..records import BY_MODEL

CHECKBOXES_UP_TO = 8


@dataclass
class Control:
    name: str
    label: str
    kind: str  # search, select, text, checkboxes, date, number
    values: list
    options: list = field(default_factory=list)  # (value, label, chosen)
    multiple: bool = False
    hint: str = ""
    errors: list = field(default_factory=list)
    empty: str = "Any"  # a single select's option for "no filter"

    @property
    def id(self):
        return f"filter-{self.name}"

    @property
    def value(self):
        return self.values[0] if self.values else ""


def label_of(name):
    """`date_after` → "Date from", `amount_min` → "Amount at least", `recipient` → "Recipient"."""
    for suffix, words in (("_after", " from"), ("_before", " to"), ("_min", " at least"), ("_max", " at most")):
        if name.endswith(suffix):
            name = name[: -len(suffix)] + words
    return name.replace("_", " ").capitalize()


def control(name, filter_, values):
    if isinstance(filter_, RelatedFilter):
        return related_control(name, filter_, values)
    if isinstance(filter_, ChoicesFilter):
        options = [(value, label, value in values) for value, label in filter_.extra["choices"]]
        kind = "checkboxes" if len(options) <= CHECKBOXES_UP_TO else "select"
        return Control(name, label_of(name), kind, values, options, multiple=kind == "checkboxes" or len(values) > 1)
    if isinstance(filter_, django_filters.DateFilter):
        return Control(name, label_of(name), "date", values)
    if isinstance(filter_, MomentFilter):  # changed since: a day, or a moment a client's script gave
        hint = "A day (YYYY-MM-DD, UTC) or an ISO 8601 date-time"
        return Control(name, label_of(name), "text", values or [""], hint=hint)
    if isinstance(filter_, django_filters.NumberFilter):
        return Control(name, label_of(name), "number", values)
    if isinstance(filter_, StableOrderingFilter):
        options = [
            (f"{prefix}{public}", f"{label_of(public)}, {direction}", f"{prefix}{public}" in values)
            for public in filter_.param_map
            for prefix, direction in (("", "ascending"), ("-", "descending"))
        ]
        return Control(name, "Sort by", "select", values, options, empty="Default (by relevance or key)")
    return Control(name, "Search", "search", values, hint="Words in the records' text and names, in any case.")


def related_control(name, filter_, values):
    model = filter_.queryset.model
    declared = BY_MODEL[model]
    if declared.pick_list:
        rows = model.objects.order_by(declared.label).values_list(declared.key, declared.label)
        chosen = {declared.normalise_key(value) for value in values}
        options = [(key, label, key in chosen) for key, label in rows]
        return Control(name, label_of(name), "select", values, options, multiple=len(values) > 1)
    hint = f"{model._meta.verbose_name.capitalize()} {declared.key}, as in its page's address"
    return Control(name, label_of(name), "text", values or [""], hint=hint)


def controls(filterset_class, query, errors):
    """The form's controls in the FilterSet's order, the search box first, then the type's own
    filters, then changed-since and the sort, each with its current values and the messages the
    API gave for it."""
    built = {
        name: control(name, filter_, [v for v in query.getlist(name) if v])
        for name, filter_ in filterset_class.base_filters.items()
    }
    for name, messages in errors.items():
        if name in built:
            built[name].errors = [str(m) for m in messages]
    first = [built.pop(name) for name in ("search",) if name in built]
    changed_since = [n for n, f in filterset_class.base_filters.items() if isinstance(f, MomentFilter)]
    last = [built.pop(name) for name in (*changed_since, "ordering") if name in built]
    return first + list(built.values()) + last
