"""The record types, one declaration each (policy/records/<type>.py; see .base.RecordType).

Layers point one way: models → records → representation, reading → api, web, admin. This
package imports only the models, so every layer above may read it.
"""

from .actor import ACTOR
from .aid_package import AID_PACKAGE
from .base import RecordType, Timeline
from .country import COUNTRY
from .event import EVENT
from .policy import POLICY
from .source import SOURCE
from .statement import STATEMENT
from .statistic import STATISTIC
from .topic import TOPIC

# In the order the API's root and the home page list them.
TYPES = (POLICY, AID_PACKAGE, STATEMENT, STATISTIC, EVENT, ACTOR, COUNTRY, TOPIC, SOURCE)
BY_MODEL = {t.model: t for t in TYPES}
BY_RESOURCE = {t.resource: t for t in TYPES}
BY_MODEL_NAME = {t.model_name: t for t in TYPES}
# The timeline's types, in the order its `type=` choices, its schema and the chart legend list them.
ON_TIMELINE = {t.name: t for t in (EVENT, POLICY, AID_PACKAGE, STATEMENT, STATISTIC)}

__all__ = ["BY_MODEL", "BY_MODEL_NAME", "BY_RESOURCE", "ON_TIMELINE", "TYPES", "RecordType", "Timeline"]


def key_field(model):
    """The public key of a record type: `code` for countries, `slug` for everything else."""
    declared = BY_MODEL.get(model)
    return declared.key if declared else "slug"


def normalise_key(model, value):
    """`value`, a key of `model`'s records, as stored (country codes upper-cased)."""
    declared = BY_MODEL.get(model)
    return declared.normalise_key(value) if declared else value


def label_field(model):
    """The human-readable name a compact representation shows beside the key."""
    declared = BY_MODEL.get(model)
    if declared:
        return declared.label
    names = {f.name for f in model._meta.get_fields()}  # another model (a historical one): its first name-like field
    return next((name for name in ("title", "name", "text") if name in names), key_field(model))
