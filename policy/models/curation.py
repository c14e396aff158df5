"""The review queue: proposed records not yet vetted, kept apart from the published ones.

A suggestion is not a published record: it has no history, no public key, and nothing public
(the API's resources, the pages, counts, the timeline, search, exports) reads this table.
Editors review suggestions in the admin or through `/api/v1/suggestions/`; accepting one creates
the real record through the API's own validation (policy.curation.queue).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models


class Suggestion(models.Model):
    class Origin(models.TextChoices):
        IMPORT = "import", "import"
        PERSON = "person", "person"
        EXTRACTOR = "extractor", "extractor"

    class State(models.TextChoices):
        PENDING = "pending", "pending"
        ACCEPTED = "accepted", "accepted"
        REJECTED = "rejected", "rejected"

    record_type = models.CharField(max_length=32, help_text="The proposed record's type, e.g. statement.")
    fields = models.JSONField(
        default=dict, blank=True, help_text="The proposed record as the API's POST takes it (without its citation)."
    )
    source = models.ForeignKey("policy.Source", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    excerpt = models.TextField(blank=True)
    excerpt_start = models.PositiveIntegerField(null=True, blank=True)
    excerpt_end = models.PositiveIntegerField(null=True, blank=True)
    origin = models.CharField(max_length=16, choices=Origin.choices)
    origin_detail = models.CharField(
        max_length=300, blank=True, help_text='Where it came from: "file.csv row 12", an extractor rule.'
    )
    confidence = models.FloatField(null=True, blank=True, validators=[MinValueValidator(0.0), MaxValueValidator(1.0)])
    state = models.CharField(max_length=16, choices=State.choices, default=State.PENDING, db_index=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True, help_text="Why it was rejected, or why accepting it failed.")
    record_key = models.CharField(max_length=200, blank=True, help_text="The created record's key, once accepted.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["source", "state"], name="suggestion_source_state_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(confidence__isnull=True) | models.Q(confidence__gte=0, confidence__lte=1),
                name="suggestion_confidence_in_0_1",
                violation_error_message="Confidence must be between 0 and 1.",
            ),
        ]

    def __str__(self):
        return f"#{self.pk} {self.record_type} ({self.state})"

    def clean(self):
        # The admin's JSON box takes any JSON; accepting reads the fields as an object (queue.payload).
        if not isinstance(self.fields, dict):
            message = 'Must be an object: the proposed record\'s fields, e.g. {"kind": "quote"}.'
            raise ValidationError({"fields": message})

    @property
    def summary(self):
        """A line naming what it proposes: its title, name or text."""
        for name in ("title", "name", "text"):
            value = self.fields.get(name) if isinstance(self.fields, dict) else None
            if isinstance(value, str) and value:
                return value
        return self.excerpt[:120]
