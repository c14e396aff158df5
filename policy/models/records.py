"""The core records: policies, aid packages, statements and statistics."""

import re

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models

from ..choices import (
    CURRENCY_CODES,
    AidKind,
    AidStatus,
    PolicyKind,
    PolicyRelationKind,
    PolicyStatus,
    StatementKind,
    StatisticUnit,
    ValueQualifier,
)
from .base import (
    Citation,
    Cited,
    choices_constraint,
    date_order_constraint,
    history,
    precision_constraint,
    precision_field,
    value_qualifier_field,
)

# Joins the parts of a quote its source splits (“…,” she said. “…”): bracketed like an editor's
# elision, so it cannot be read as the speaker's words, and no part may contain it.
QUOTE_SEPARATOR = " […] "


def quote_error(text, excerpt):
    """Why a quote's text is not the speaker's words as the excerpt prints them, or None: each part
    (the text split at QUOTE_SEPARATOR) must occur verbatim in the excerpt, in order."""
    parts = text.split(QUOTE_SEPARATOR)
    position = 0
    for number, part in enumerate(parts, start=1):
        found = excerpt.find(part, position) if part.strip() else -1
        if found < 0 and len(parts) == 1:
            return "A quote must occur verbatim in its excerpt."
        if found < 0:
            return (
                f"Part {number} of {len(parts)} of the quote (parts are joined by “{QUOTE_SEPARATOR.strip()}”) "
                "does not occur verbatim in the excerpt, after the parts before it."
            )
        position = found + len(part)
    return None


class Policy(Cited):
    title = models.CharField(max_length=500, db_index=True)  # ordering=title
    summary = models.TextField(blank=True)
    kind = models.CharField(max_length=20, choices=PolicyKind.choices, db_index=True)
    status = models.CharField(max_length=20, choices=PolicyStatus.choices, db_index=True)
    jurisdiction = models.ForeignKey(
        "policy.Country", null=True, blank=True, on_delete=models.PROTECT, related_name="issued_policies"
    )
    countries = models.ManyToManyField("policy.Country", blank=True, related_name="policies")
    actors = models.ManyToManyField("policy.Actor", blank=True, related_name="policies")
    start_date = models.DateField(null=True, blank=True, db_index=True)
    end_date = models.DateField(null=True, blank=True, db_index=True)
    date_precision = precision_field()
    related = models.ManyToManyField(
        "self", through="policy.PolicyRelation", symmetrical=False, blank=True, related_name="related_from"
    )
    topics = models.ManyToManyField("policy.Topic", blank=True, related_name="policies")

    history = history(m2m_fields=[countries, actors, topics])
    precision_dated_fields = ("start_date", "end_date")
    date_ranges = (("start_date", "end_date"),)

    class Meta(Cited.Meta):
        verbose_name_plural = "policies"
        constraints = [precision_constraint("policy"), date_order_constraint("policy", "start_date", "end_date")]
        # A country's policies in a date range (migration 0010).
        indexes = [models.Index(fields=["jurisdiction", "start_date"], name="policy_jurisdiction_start")]

    def __str__(self):
        return self.title


class PolicyRelationManager(models.Manager):
    def get_by_natural_key(self, from_slug, relation, to_slug):
        return self.get(from_policy__slug=from_slug, relation=relation, to_policy__slug=to_slug)


class PolicyRelation(Citation):
    """A typed link between two policies: `from_policy` reverses/replaces/extends/implements `to_policy`.

    The link is a claim like any record's, so it cites its source (see Citation).
    """

    from_policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="relations")
    to_policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="inverse_relations")
    relation = models.CharField(max_length=20, choices=PolicyRelationKind.choices)

    objects = PolicyRelationManager()
    history = history()
    citation_label = ("from_policy__slug", "relation", "to_policy__slug")

    class Meta:
        ordering = ["from_policy__slug", "relation", "to_policy__slug"]
        constraints = [
            models.UniqueConstraint(fields=["from_policy", "relation", "to_policy"], name="unique_policy_relation"),
            models.CheckConstraint(
                condition=~models.Q(from_policy=models.F("to_policy")),
                name="policy_relation_not_to_itself",
                violation_error_message="A policy cannot be related to itself.",
            ),
            models.CheckConstraint(
                condition=models.Q(relation__in=PolicyRelationKind.values),
                name="policy_relation_valid_kind",
            ),
        ]

    def __str__(self):
        return f"{self.from_policy.slug} {self.relation} {self.to_policy.slug}"

    def natural_key(self):
        return (self.from_policy.slug, self.relation, self.to_policy.slug)

    natural_key.dependencies = ["policy.policy"]


class AidPackage(Cited):
    title = models.CharField(max_length=500, db_index=True)  # ordering=title
    donor = models.ForeignKey("policy.Country", on_delete=models.PROTECT, related_name="aid_given")
    recipients = models.ManyToManyField("policy.Country", blank=True, related_name="aid_received")
    amount = models.DecimalField(
        max_digits=20,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text="Null where the source gives no amount.",
    )
    currency = models.CharField(
        max_length=3, choices=[(code, code) for code in CURRENCY_CODES], default="USD", db_index=True
    )
    kind = models.CharField(max_length=20, choices=AidKind.choices, db_index=True)
    status = models.CharField(max_length=20, choices=AidStatus.choices, db_index=True)
    announced_by = models.ForeignKey(
        "policy.Actor", null=True, blank=True, on_delete=models.PROTECT, related_name="aid_announced"
    )
    announced_on = models.DateField(null=True, blank=True, db_index=True)
    date_precision = precision_field()
    period_start = models.DateField(null=True, blank=True, db_index=True)
    period_end = models.DateField(null=True, blank=True, db_index=True)
    value_qualifier = value_qualifier_field()
    channel = models.CharField(max_length=300, blank=True, help_text="How the money is delivered.")
    policy = models.ForeignKey(
        "policy.Policy", null=True, blank=True, on_delete=models.SET_NULL, related_name="aid_packages"
    )
    event = models.ForeignKey(
        "policy.Event", null=True, blank=True, on_delete=models.SET_NULL, related_name="aid_packages"
    )
    topics = models.ManyToManyField("policy.Topic", blank=True, related_name="aid_packages")

    history = history(m2m_fields=[recipients, topics])
    precision_dated_fields = ("announced_on",)
    date_ranges = (("period_start", "period_end"),)

    class Meta(Cited.Meta):
        constraints = [
            precision_constraint("aidpackage"),
            date_order_constraint("aidpackage", "period_start", "period_end"),
            models.CheckConstraint(
                condition=models.Q(amount__isnull=True) | models.Q(amount__gte=0),
                name="aidpackage_amount_not_negative",
                violation_error_message="Amount must not be negative.",
            ),
            models.CheckConstraint(
                condition=models.Q(currency__in=CURRENCY_CODES),
                name="aidpackage_currency_iso4217",
                violation_error_message="Currency must be an ISO 4217 code.",
            ),
            choices_constraint("aidpackage", "value_qualifier", ValueQualifier),
        ]
        indexes = [
            models.Index(fields=["amount"], name="aidpackage_amount_idx"),
            # A donor's packages in a date range (migration 0010).
            models.Index(fields=["donor", "announced_on"], name="aid_donor_announced"),
        ]

    def __str__(self):
        return self.title


# A well-formed BCP 47 tag (RFC 5646 2.1, `langtag` and private use; not the grandfathered irregular
# tags): language (with extended subtags), script, region, variants, extensions, private use. The
# language is ISO 639's 2 or 3 letters: the 4–8 letter subtags the syntax reserves are registered to
# none, and would take `english` or `spanish` for tags.
LANGUAGE_TAG = re.compile(
    r"(?:[a-z]{2,3}(?:-[a-z]{3}){0,3}"  # language
    r"(?:-[a-z]{4})?"  # script
    r"(?:-(?:[a-z]{2}|[0-9]{3}))?"  # region
    r"(?:-(?:[a-z0-9]{5,8}|[0-9][a-z0-9]{3}))*"  # variants
    r"(?:-[0-9a-wy-z](?:-[a-z0-9]{2,8})+)*"  # extensions
    r"(?:-x(?:-[a-z0-9]{1,8})+)?"  # private use
    r"|x(?:-[a-z0-9]{1,8})+)",
    re.IGNORECASE,
)


def validate_language_tag(value):
    if not LANGUAGE_TAG.fullmatch(value or ""):
        raise ValidationError(
            "“%(value)s” is not a BCP 47 language tag (e.g. en, es-MX, zh-Hant).",
            code="invalid",
            params={"value": value},
        )


class Statement(Cited):
    speaker = models.ForeignKey("policy.Actor", on_delete=models.PROTECT, related_name="statements")
    text = models.TextField(help_text="The exact words (for a paraphrase, the source's wording of them).")
    kind = models.CharField(max_length=20, choices=StatementKind.choices, db_index=True)
    said_on = models.DateField(null=True, blank=True, db_index=True)
    date_precision = precision_field()
    event = models.ForeignKey(
        "policy.Event", null=True, blank=True, on_delete=models.SET_NULL, related_name="statements"
    )
    addressee = models.ForeignKey(
        "policy.Actor", null=True, blank=True, on_delete=models.PROTECT, related_name="statements_received"
    )
    language = models.CharField(
        # Ten characters hold language, script and region (zh-Hant-TW, sr-Latn-RS, de-CH-1996). Longer would
        # rebuild the table on SQLite, and its full-text index with it (policy.search.sqlite).
        max_length=10,
        default="en",
        validators=[validate_language_tag],
        help_text="Language of `text`: a BCP 47 tag (e.g. en, es-MX, zh-Hant).",
    )
    is_translation = models.BooleanField(default=False)
    policies = models.ManyToManyField("policy.Policy", blank=True, related_name="statements")
    countries = models.ManyToManyField("policy.Country", blank=True, related_name="statements")
    topics = models.ManyToManyField("policy.Topic", blank=True, related_name="statements")

    history = history(m2m_fields=[policies, countries, topics])
    precision_dated_fields = ("said_on",)

    class Meta(Cited.Meta):
        constraints = [precision_constraint("statement")]
        # One speaker's statements in a date range, newest first (migration 0010).
        indexes = [models.Index(fields=["speaker", "said_on"], name="stmt_speaker_said_on")]

    def __str__(self):
        return f"{self.speaker}: {self.text[:80]}"

    def clean(self):
        super().clean()
        if self.kind == StatementKind.QUOTE and self.text and self.excerpt:
            error = quote_error(self.text, self.excerpt)
            if error:
                raise ValidationError({"text": error})


class Statistic(Cited):
    title = models.CharField(max_length=500, db_index=True)  # ordering=title
    indicator = models.SlugField(max_length=200, db_index=True, help_text="Stable machine name of what is measured.")
    value = models.DecimalField(max_digits=24, decimal_places=4)
    value_qualifier = value_qualifier_field()
    unit = models.CharField(max_length=20, choices=StatisticUnit.choices, db_index=True)
    period_start = models.DateField(null=True, blank=True, db_index=True)
    period_end = models.DateField(null=True, blank=True, db_index=True)
    date_precision = precision_field()
    countries = models.ManyToManyField("policy.Country", blank=True, related_name="statistics")
    publisher = models.ForeignKey(
        "policy.Actor", null=True, blank=True, on_delete=models.PROTECT, related_name="statistics_published"
    )
    is_derived = models.BooleanField(default=False, help_text="Computed from another figure rather than reported.")
    topics = models.ManyToManyField("policy.Topic", blank=True, related_name="statistics")

    history = history(m2m_fields=[countries, topics])
    precision_dated_fields = ("period_start",)
    date_ranges = (("period_start", "period_end"),)

    class Meta(Cited.Meta):
        constraints = [
            precision_constraint("statistic"),
            date_order_constraint("statistic", "period_start", "period_end"),
            choices_constraint("statistic", "value_qualifier", ValueQualifier),
        ]
        indexes = [models.Index(fields=["value"], name="statistic_value_idx")]

    def __str__(self):
        return self.title
