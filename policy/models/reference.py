"""Reference data: countries, topics, and the sources records are drawn from."""

from django.core.exceptions import ValidationError
from django.db import models

from ..choices import SourceKind, TextLicense
from .base import Record, choices_constraint, history, precision_constraint, precision_field


class CountryManager(models.Manager):
    def get_by_natural_key(self, code):
        return self.get(code=code)


class Country(models.Model):
    code = models.CharField(max_length=2, unique=True, help_text="ISO 3166-1 alpha-2 code, e.g. MX.")
    iso3 = models.CharField(max_length=3, unique=True, help_text="ISO 3166-1 alpha-3 code, e.g. MEX.")
    name = models.CharField(max_length=200, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)  # created_after=, created_before=
    updated_at = models.DateTimeField(auto_now=True, db_index=True)  # ordering=updated_at

    objects = CountryManager()
    history = history()

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "countries"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code__regex=r"^[A-Z]{2}$"),
                name="country_code_is_alpha2",
                violation_error_message="Country code must be two upper-case letters (ISO 3166-1 alpha-2).",
            ),
            models.CheckConstraint(
                condition=models.Q(iso3__regex=r"^[A-Z]{3}$"),
                name="country_iso3_is_alpha3",
                violation_error_message="ISO3 code must be three upper-case letters (ISO 3166-1 alpha-3).",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.code})"

    def natural_key(self):
        return (self.code,)


class Topic(Record):
    name = models.CharField(max_length=200, db_index=True)
    description = models.TextField(blank=True)

    history = history()

    class Meta(Record.Meta):
        pass

    def __str__(self):
        return self.name


class Source(Record):
    title = models.CharField(max_length=500, db_index=True)  # ordering=title
    kind = models.CharField(max_length=20, choices=SourceKind.choices, db_index=True)
    publisher = models.ForeignKey(
        "policy.Actor", null=True, blank=True, on_delete=models.PROTECT, related_name="published_sources"
    )
    url = models.URLField(max_length=1000, blank=True)
    published_on = models.DateField(null=True, blank=True, db_index=True)
    date_precision = precision_field()
    text = models.TextField(blank=True, help_text="The source's full text, where we hold it.")
    text_license = models.CharField(
        max_length=20,
        choices=TextLicense.choices,
        # A text is under copyright unless its licence says otherwise: nothing is republished by mistake.
        default=TextLicense.ALL_RIGHTS_RESERVED,
        db_default=TextLicense.ALL_RIGHTS_RESERVED,  # rows written around the ORM (COPY) too
        help_text="The licence of the full text: served publicly only if public domain or open licence "
        "(excerpts always are).",
    )
    notes = models.TextField(blank=True)

    history = history()

    class Meta(Record.Meta):
        constraints = [precision_constraint("source"), choices_constraint("source", "text_license", TextLicense)]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        from ..provenance import dropped_citations
        from .base import validate_date_for_precision

        validate_date_for_precision(self.published_on, self.date_precision, "published_on")
        # Records citing this source must still find their excerpt in its text.
        broken = dropped_citations(self, self.text)
        if broken and not self.text:
            cited_by = ", ".join(broken[:20])
            raise ValidationError({"text": f"A cited source cannot lose its text (nothing would check): {cited_by}."})
        if broken:
            raise ValidationError({"text": f"The text drops the excerpt cited by: {', '.join(broken[:20])}."})
