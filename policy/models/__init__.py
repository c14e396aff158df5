from .actors import Actor
from .curation import Suggestion
from .events import Event
from .records import AidPackage, Policy, PolicyRelation, Statement, Statistic
from .redaction import Redaction
from .reference import Country, Source, Topic

__all__ = [
    "Actor",
    "AidPackage",
    "Country",
    "Event",
    "Policy",
    "PolicyRelation",
    "Redaction",
    "Source",
    "Statement",
    "Statistic",
    "Suggestion",
    "Topic",
]
