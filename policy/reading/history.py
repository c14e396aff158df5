"""Reading django-simple-history's tables, for the API's `/history/` and `?as_of=` and for the
pages' history (policy.reading.history_reader builds a type's reader on these): the keys and labels of the
records history points to (KeyLookup), a policy's links at each entry (LinkHistory), and the
entries either side of one (newer_than, older_than). A fixed number of queries, never one per entry.
"""

from django.contrib.auth import get_user_model
from django.db.models import Q

from ..models import Policy, PolicyRelation
from ..records import key_field, label_field

# What a policy link carries beside its target: its citation (policy.models.base.Citation).
LINK_CITATION = ("excerpt", "excerpt_start", "excerpt_end", "notes")


def shown_users(ids, request):
    """{user id: how history names them}: signed-in readers see usernames; anonymous readers a display name
    (first and last name) or nothing, since a username is half of what a password guesser needs."""
    users = get_user_model().objects.filter(pk__in=ids)
    if request.user.is_authenticated:
        return dict(users.values_list("pk", "username"))
    names = users.values_list("pk", "first_name", "last_name")
    return {pk: f"{first} {last}".strip() or None for pk, first, last in names}


class KeyLookup:
    """Collects ids of related records, then resolves them to (key, label) with one query per type."""

    def __init__(self):
        self.wanted = {}
        self.found = {}

    def want(self, model, ids):
        self.wanted.setdefault(model, set()).update(i for i in ids if i is not None)

    def resolve(self):
        for model, ids in self.wanted.items():
            rows = model.objects.filter(pk__in=ids).values_list("pk", key_field(model), label_field(model))
            self.found[model] = {pk: (key, label) for pk, key, label in rows}

    def compact(self, model, pk, urls):
        if pk is None:
            return None
        key, label = self.found[model].get(pk, (None, None))
        if key is None:  # the related record has since been deleted
            return {"id": pk, "deleted": True}
        return {key_field(model): key, label_field(model): label, "url": urls.detail(model, key)}

    def key(self, model, pk):
        return None if pk is None else self.found[model].get(pk, (f"#{pk}",))[0]


class LinkHistory:
    """A policy's `related` links at each of its history entries, from PolicyRelation's own history in one
    query.

    A write saves the policy (its entry) and then its links, so the links an entry stands for are those
    standing just before the next entry of the policy (or now, for the newest): the links a PATCH of
    `related` alone made belong to its entry, and the fixtures' links (loaded after the policies) to each
    policy's creation. A link changed without writing the policy (from the other policy's admin page) is
    shown with the policy's entry before it."""

    def __init__(self, rows, newer, lookup):
        self.ends = [newer["history_date"] if newer else None] + [row["history_date"] for row in rows[:-1]]
        self.lookup = lookup
        changes = PolicyRelation.history.filter(from_policy_id=rows[0]["id"])
        if self.ends[0] is not None:
            changes = changes.filter(history_date__lt=self.ends[0])
        self.changes = list(
            changes.order_by("history_date", "history_id").values_list(
                "id", "history_date", "history_type", "relation", "to_policy_id"
            )
        )
        lookup.want(Policy, [change[4] for change in self.changes])

    def keys(self):
        """`relation:policy-slug` of each entry's links, sorted; call after the lookup resolved."""
        return [
            sorted(f"{rel}:{self.lookup.key(Policy, to)}" for rel, to in self.at(end).values()) for end in self.ends
        ]

    def at(self, end):
        standing = {}
        for link_id, date, kind, relation, to_policy in self.changes:
            if end is not None and date >= end:
                break
            if kind == "-":
                standing.pop(link_id, None)
            else:
                standing[link_id] = (relation, to_policy)
        return standing


def newer_than(entries, row):
    """The entry just after `row` in a newest-first history."""
    return (
        entries.filter(
            Q(history_date__gt=row["history_date"])
            | Q(history_date=row["history_date"], history_id__gt=row["history_id"])
        )
        .order_by("history_date", "history_id")
        .values()
        .first()
    )


def older_than(entries, row):
    """The entry just before `row` in a newest-first history."""
    return (
        entries.filter(
            Q(history_date__lt=row["history_date"])
            | Q(history_date=row["history_date"], history_id__lt=row["history_id"])
        )
        .values()
        .first()
    )
