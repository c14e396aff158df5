"""How records look, in and out: one serializer per record type, the single declaration of its
representation, shared by the API (validation, writes, the browsable API, the schema) and the
pages (a record's history lists the same fields as `/history/`). Reads are compiled from the same
declaration by policy.reading.plan.

A type whose representation is its declared `columns` and its model's own validation has no
written class: its `<Model>Serializer` is derived from the declaration (`serializer_for`), as
policy.filtersets derives FilterSets and policy.api.urls ViewSets. A type writes one when it needs
more (countries' ISO codes, sources' licensed text, policies' typed links).

Layers: models → records → representation, reading → api, web, admin. Modules by concern: base
(what every record's serializer shares), fields (related records by key, strict text),
reference (countries, sources), policy_links (policies and their typed links), history (history
entries and redaction).
"""

from .. import records
from .base import RecordSerializer, derived_serializer
from .history import FieldChangeSerializer, HistoryEntrySerializer, RedactionRequestSerializer, RedactionSerializer
from .policy_links import PolicyLinkSerializer, PolicySerializer
from .reference import CountrySerializer, SourceSerializer

__all__ = [
    "CountrySerializer",
    "FieldChangeSerializer",
    "HistoryEntrySerializer",
    "PolicyLinkSerializer",
    "PolicySerializer",
    "RecordSerializer",
    "RedactionRequestSerializer",
    "RedactionSerializer",
    "SourceSerializer",
    "serializer_for",
]

WRITTEN = {cls.Meta.model: cls for cls in (CountrySerializer, SourceSerializer, PolicySerializer)}
# One class per type, made once: the read plan and the schema know a serializer by its class.
SERIALIZERS = {t.name: WRITTEN.get(t.model) or derived_serializer(t) for t in records.TYPES}
BY_CLASS_NAME = {serializer.__name__: serializer for serializer in SERIALIZERS.values()}


def serializer_for(record_type):
    """A declared type's serializer: the one written here, else the one derived from its declaration."""
    return SERIALIZERS[record_type.name]


def __getattr__(name):
    """`<Model>Serializer` of every declared type, written or derived (`representation.StatementSerializer`)."""
    if name in BY_CLASS_NAME:
        return BY_CLASS_NAME[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
