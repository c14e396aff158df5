"""Reading a record type's change history: the API's `/<resource>/<key>/history/` (and the record
found for `?as_of=`, policy.reading.as_of) and the history on a record's page (policy.web.record).

All read django-simple-history's tables with a fixed number of queries: the page
of history rows, their many-to-many snapshots (one query per relation), and the keys
of the records they point to (one query per related type) — never one per entry.
"""

from functools import lru_cache

from rest_framework.exceptions import NotFound

from ..licensing import PUBLIC_TEXT, may_read_every_text
from .history import KeyLookup, LinkHistory, shown_users
from .plan import RECORD_TYPES, Compact, CompactMany, Url, plain, read_plan
from .readers import LicensedText

__all__ = ["HistoryReader", "TrackedFields", "history_reader"]
CHANGE_KINDS = {"+": "created", "~": "changed", "-": "deleted"}
UNTRACKED = {"created_at", "updated_at", "excerpt_start", "excerpt_end"}
WITHHELD = "[withheld]"  # a text its licence keeps from this reader, in a change's old or new value


@lru_cache(maxsize=RECORD_TYPES)
def history_reader(serializer_class):
    """The history reader of a serializer class's record type, built once (the API's and the pages')."""
    return HistoryReader(read_plan(serializer_class))


class TrackedFields:
    """The fields of a read plan whose values history keeps, and their values in history rows."""

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
        # Texts served by licence (a source's): withheld in history from readers it keeps them from.
        self.licensed = {name: reader for name, reader in plan.readers.items() if isinstance(reader, LicensedText)}
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

    def withholds(self, rows, request):
        """Whether the licensed texts of `rows` (entries of one record) are withheld from this reader: unless
        the reader is an editor, they are, if the record's licence now (or at its last entry) or any
        of theirs keeps them from the public."""
        if not self.licensed or not rows or may_read_every_text(getattr(request, "user", None)):
            return False
        column = next(iter(self.licensed.values())).license_column
        record_id = rows[0]["id"]
        now = self.model.objects.filter(pk=record_id).values_list(column, flat=True).first()
        if now is None:
            now = self.entries(record_id).values_list(column, flat=True).first()
        return any(license not in PUBLIC_TEXT for license in [now, *(row[column] for row in rows)])

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


class HistoryReader(TrackedFields):
    """History of one record type, read in bulk: which record a key names, its entries, and a page of
    its changes."""

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
        withheld = self.withholds(rows, request)
        return [
            {
                "history_id": row["history_id"],
                "timestamp": row["history_date"],
                "user": users.get(row["history_user_id"]),
                "change": CHANGE_KINDS[row["history_type"]],
                "changes": self.shown(
                    changed_fields(CHANGE_KINDS[row["history_type"]], states[index], states[index + 1 :]), withheld
                ),
            }
            for index, row in enumerate(page)
        ]

    def shown(self, changes, withheld):
        """The changes as this reader may see them: licensed texts withheld from readers they are kept from."""
        if not withheld:
            return changes
        return [
            {**change, "old": change["old"] and WITHHELD, "new": change["new"] and WITHHELD}
            if change["field"] in self.licensed
            else change
            for change in changes
        ]


def changed_fields(kind, new, older_states):
    """{field, old, new} for each value an entry of `kind` set (created) or changed, against the state
    before it (the first of `older_states`; none before a record's first entry)."""
    if kind == "deleted":
        return []
    old = older_states[0] if older_states else {}
    return [
        {"field": name, "old": old.get(name), "new": value}
        for name, value in new.items()
        if (kind == "created" and value not in (None, "", [])) or (kind != "created" and old.get(name) != value)
    ]
