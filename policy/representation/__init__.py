"""How records look, in and out: one serializer per record type, the single declaration of its
representation, shared by the API (validation, writes, the browsable API, the schema) and the
pages (a record's history lists the same fields as `/history/`). Reads are compiled from the same
declaration by policy.reading.plan.

Layers: models → records → representation, reading → api, web, admin. Modules by concern: base
(what every record's serializer shares), fields (related records by key, strict text),
reference (countries, topics, actors, sources), cited (events, aid packages, statements,
statistics), policy_links (policies and their typed links), history (history entries and
redaction).
"""

from .base import RecordSerializer
from .cited import AidPackageSerializer, EventSerializer, StatementSerializer, StatisticSerializer
from .history import FieldChangeSerializer, HistoryEntrySerializer, RedactionRequestSerializer, RedactionSerializer
from .policy_links import PolicyLinkSerializer, PolicySerializer
from .reference import ActorSerializer, CountrySerializer, SourceSerializer, TopicSerializer

__all__ = [
    "ActorSerializer",
    "AidPackageSerializer",
    "CountrySerializer",
    "EventSerializer",
    "FieldChangeSerializer",
    "HistoryEntrySerializer",
    "PolicyLinkSerializer",
    "PolicySerializer",
    "RecordSerializer",
    "RedactionRequestSerializer",
    "RedactionSerializer",
    "SourceSerializer",
    "StatementSerializer",
    "StatisticSerializer",
    "TopicSerializer",
    "serializer_for",
]


def serializer_for(record_type):
    """A declared type's serializer: `<Model>Serializer`, named as the README's checklist says."""
    return globals()[f"{record_type.model.__name__}Serializer"]
