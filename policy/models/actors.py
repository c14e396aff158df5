"""People and organisations."""

from django.core.exceptions import ValidationError
from django.db import models

from ..choices import ActorKind
from .base import Record, history


def validate_aliases(value):
    """The API's and the admin's rule alike: a list of names, each once (case aside), each of two
    characters or more — a one-letter alias would name the actor wherever a text says "a"."""
    if not isinstance(value, list) or not all(isinstance(alias, str) and alias.strip() for alias in value):
        raise ValidationError("Aliases must be a list of non-empty strings.")
    short = [alias for alias in value if len(alias.strip()) < 2]
    if short:
        raise ValidationError(f"An alias has two characters or more: {', '.join(short)} is too short.")
    if repeated := repeated_aliases(value):
        raise ValidationError(f"Each alias once: {', '.join(repeated)} is repeated.")


def repeated_aliases(aliases):
    """The aliases that repeat an earlier one, case and surrounding spaces aside (the admin's form asks too)."""
    seen, repeated = set(), []
    for alias in aliases:
        folded = alias.strip().casefold()
        if folded in seen:
            repeated.append(alias)
        seen.add(folded)
    return repeated


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
