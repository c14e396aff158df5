"""Reading change history: `/<resource>/<key>/history/` and `?as_of=` on a detail.

Both read django-simple-history's tables with a fixed number of queries: the page
of history rows, their many-to-many snapshots (one query per relation), and the keys
of the records they point to (one query per related type) — never one per entry.
"""

from datetime import UTC

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.dateparse import parse_datetime
from django.utils.timezone import is_naive, make_aware
from rest_framework.exceptions import NotFound, ValidationError

from ..models import Policy, PolicyRelation, Source
from ..records import key_field, label_field
from .reading import Compact, CompactMany, ResourceUrls, Url, plain

CHANGE_KINDS = {"+": "created", "~": "changed", "-": "deleted"}
UNTRACKED = {"created_at", "updated_at", "excerpt_start", "excerpt_end"}
# What a policy link carries beside its target: its citation (policy.models.base.Citation).
LINK_CITATION = ("excerpt", "excerpt_start", "excerpt_end", "notes")


def parse_as_of(raw):
    try:
        value = parse_datetime(raw.strip())
        # In UTC now: 9999-12-31T23:59:59-23:59 is past the last moment a date-time can hold, and
        # would overflow (a 500) wherever it was first compared.
        value = value and (make_aware(value) if is_naive(value) else value).astimezone(UTC)
    except (ValueError, OverflowError):
        value = None
    if value is None:
        raise ValidationError({"as_of": [f"“{raw}” is not an ISO 8601 date-time (e.g. 2021-05-07T12:00:00Z)."]})
    return value


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


class HistoryReader:
    """History of one record type, read in bulk; built from the resource's ReadPlan."""

    def __init__(self, plan):
        self.plan = plan
        self.model = plan.model
        self.history_model = self.model.history.model
        snapshot_models = {
            rel.related_model._meta.model_name: rel.related_model
            for rel in self.history_model._meta.get_fields()
            if rel.one_to_many
        }
        prefix = self.history_model._meta.model_name
        self.snapshot_models = {}
        self.fields = []  # (name, reader) pairs whose values history keeps
        self.links = None  # the name of a policy's `related`, whose history PolicyRelation keeps
        for name, reader in plan.readers.items():
            if isinstance(reader, Url) or name in UNTRACKED:
                continue
            if isinstance(reader, CompactMany):
                snapshot = snapshot_models.get(f"{prefix}_{reader.field_name}")
                if snapshot is None:
                    continue
                self.snapshot_models[name] = snapshot
            elif reader.many:  # policy links keep a history of their own (PolicyRelation's): see LinkHistory
                self.links = name
                continue
            self.fields.append((name, reader))

    # Which record ---------------------------------------------------------------------------

    def record_id(self, key_name, key):
        """The id the record has (or had, if deleted) under this key."""
        live = self.model.objects.filter(**{key_name: key}).values_list("pk", flat=True).first()
        if live is not None:
            return live
        past = self.history_model.objects.filter(**{key_name: key}).order_by("-history_date", "-history_id")
        record_id = past.values_list("id", flat=True).first()
        if record_id is None:
            raise NotFound(f"No {self.model._meta.verbose_name} with {key_name} “{key}”, now or in its history.")
        return record_id

    def entries(self, record_id):
        return self.history_model.objects.filter(id=record_id).order_by("-history_date", "-history_id")

    def as_of(self, record_id, moment):
        entry = self.entries(record_id).filter(history_date__lte=moment).values().first()
        if entry is None or entry["history_type"] == "-":
            raise NotFound(f"This {self.model._meta.verbose_name} did not exist at {moment.isoformat()}.")
        return entry

    # Values at one point in history -----------------------------------------------------------

    def snapshots(self, history_ids):
        """{name: {history_id: [target ids]}} for the many-to-many fields history keeps."""
        result = {}
        for name, snapshot in self.snapshot_models.items():
            target = self.plan.readers[name].target_column
            by_entry = {}
            for history_id, target_id in snapshot.objects.filter(history_id__in=history_ids).values_list(
                "history_id", target
            ):
                by_entry.setdefault(history_id, []).append(target_id)
            result[name] = by_entry
        return result

    def want_keys(self, lookup, rows, snapshots):
        for name, reader in self.fields:
            if isinstance(reader, CompactMany):
                for ids in snapshots.get(name, {}).values():
                    lookup.want(reader.model, ids)
            elif isinstance(reader, Compact):
                lookup.want(reader.model, [row[f"{reader.source}_id"] for row in rows])

    # Public: a page of changes, and a record as of a moment ---------------------------------

    def changes(self, page, older, request, newer=None):
        """History entries (newest first) with the fields each changed, old and new values.

        `newer` is the entry just after the page (None on the first page): where the newest entry's
        policy links end (see LinkHistory)."""
        rows = [*page, *([older] if older else [])]
        snapshots = self.snapshots([row["history_id"] for row in rows])
        lookup = KeyLookup()
        self.want_keys(lookup, rows, snapshots)
        links = LinkHistory(rows, newer, lookup) if self.links and rows else None
        users = shown_users({row["history_user_id"] for row in rows} - {None}, request)
        lookup.resolve()
        states = [self.state(row, snapshots, lookup) for row in rows]
        if links:
            for state, related in zip(states, links.keys(), strict=True):
                state[self.links] = related
        result = []
        for index, row in enumerate(page):
            new = states[index]
            old = states[index + 1] if index + 1 < len(states) else {}
            kind = CHANGE_KINDS[row["history_type"]]
            if kind == "deleted":
                changed = []
            else:
                changed = [
                    {"field": name, "old": old.get(name), "new": value}
                    for name, value in new.items()
                    if (kind == "created" and value not in (None, "", []))
                    or (kind != "created" and old.get(name) != value)
                ]
            result.append(
                {
                    "history_id": row["history_id"],
                    "timestamp": row["history_date"],
                    "user": users.get(row["history_user_id"]),
                    "change": kind,
                    "changes": changed,
                }
            )
        return result

    def state(self, row, snapshots, lookup):
        """The record's tracked values in one history row: related records by their keys."""
        values = {}
        for name, reader in self.fields:
            if isinstance(reader, CompactMany):
                ids = snapshots.get(name, {}).get(row["history_id"], [])
                values[name] = sorted(lookup.key(reader.model, pk) for pk in ids)
            elif isinstance(reader, Compact):
                values[name] = lookup.key(reader.model, row[f"{reader.source}_id"])
            else:
                values[name] = plain(row[reader.source])
        return values

    def represent(self, row, names, request, moment):
        """The record's representation (as the detail endpoint gives it) from one history row."""
        urls = ResourceUrls(request)
        snapshots = self.snapshots([row["history_id"]])
        lookup = KeyLookup()
        self.want_keys(lookup, [row], snapshots)
        links = []
        if self.model is Policy and "related" in names:
            links = list(
                PolicyRelation.history.as_of(moment)
                .filter(from_policy_id=row["id"])
                .values("relation", "to_policy_id", "source_id", *LINK_CITATION)
            )
            lookup.want(Policy, [link["to_policy_id"] for link in links])
            lookup.want(Source, [link["source_id"] for link in links])
        lookup.resolve()
        result = {}
        for name in names:
            reader = self.plan.readers[name]
            if isinstance(reader, Url):
                result[name] = urls.detail(self.model, row[reader.source])
            elif isinstance(reader, CompactMany):
                ids = snapshots.get(name, {}).get(row["history_id"], [])
                result[name] = sorted(
                    (lookup.compact(reader.model, pk, urls) for pk in ids), key=lambda c: str(c.get(reader.key))
                )
            elif reader.many:  # policy links, as they stood at that moment
                order = sorted(
                    links, key=lambda link: (link["relation"], lookup.key(Policy, link["to_policy_id"]) or "")
                )
                result[name] = [
                    {
                        "relation": link["relation"],
                        "policy": lookup.compact(Policy, link["to_policy_id"], urls),
                        "source": lookup.compact(Source, link["source_id"], urls),
                        **{field: link[field] for field in LINK_CITATION},
                    }
                    for link in order
                ]
            elif isinstance(reader, Compact):
                result[name] = lookup.compact(reader.model, row[f"{reader.source}_id"], urls)
            else:
                result[name] = plain(row[reader.source])
        return result


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
