"""People and organisations."""

from django.core.exceptions import ValidationError
from django.db import models

from ..choices import ActorKind
from .base import Record, history


def validate_aliases(value):
    if not isinstance(value, list) or not all(isinstance(alias, str) and alias.strip() for alias in value):
        raise ValidationError("Aliases must be a list of non-empty strings.")


class Actor(Record):
    name = models.CharField(max_length=300, db_index=True)
    kind = models.CharField(max_length=20, choices=ActorKind.choices, db_index=True)
    role = models.CharField(max_length=500, blank=True, help_text="As stated in the source.")
    country = models.ForeignKey(
        "policy.Country", null=True, blank=True, on_delete=models.PROTECT, related_name="actors"
    )
    aliases = models.JSONField(default=list, blank=True, validators=[validate_aliases], help_text='e.g. ["AMLO"]')
    notes = models.TextField(blank=True)

    history = history()

    class Meta(Record.Meta):
        pass

    def __str__(self):
        return self.name
