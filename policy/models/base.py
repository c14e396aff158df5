"""What every record shares: a public slug, timestamps, and (for cited records) provenance."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.utils import timezone

from ..choices import DatePrecision
from ..history import history  # noqa: F401  (re-exported for the model modules)


class SlugManager(models.Manager):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Record(models.Model):
    """A record with a stable, human-readable public key."""

    slug = models.SlugField(max_length=200, unique=True, help_text="Stable public key, unique per record type.")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)  # created_after=, created_before=
    updated_at = models.DateTimeField(auto_now=True, db_index=True)  # ordering=updated_at

    objects = SlugManager()

    class Meta:
        abstract = True
        ordering = ["slug"]

    def natural_key(self):
        return (self.slug,)


def precision_field():
    return models.CharField(max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY)


def precision_constraint(model_name, field="date_precision"):
    return models.CheckConstraint(
        condition=models.Q(**{f"{field}__in": DatePrecision.values}),
        name=f"{model_name}_valid_{field}",
        violation_error_message="Date precision must be one of: day, month, year.",
    )


def choices_constraint(model_name, field, choices):
    """The database holds a vocabulary too: a value written around the model (raw SQL, COPY) must be one."""
    return models.CheckConstraint(
        condition=models.Q(**{f"{field}__in": choices.values}),
        name=f"{model_name}_valid_{field}",
        violation_error_message=f"{field} is not one of its choices.",
    )


def value_qualifier_field():
    from ..choices import ValueQualifier

    return models.CharField(
        max_length=20,
        choices=ValueQualifier.choices,
        default=ValueQualifier.EXACT,
        db_default=ValueQualifier.EXACT,  # rows written around the ORM (COPY, raw SQL) are exact too
        db_index=True,
        help_text="How exact the figure is, as the source words it (“roughly” is approximately).",
    )


def date_order_constraint(model_name, start, end):
    return models.CheckConstraint(
        condition=models.Q(**{f"{start}__isnull": True})
        | models.Q(**{f"{end}__isnull": True})
        | models.Q(**{f"{end}__gte": models.F(start)}),
        name=f"{model_name}_{end}_not_before_{start}",
        violation_error_message=f"{end} must not be before {start}.",
    )


def validate_date_for_precision(value, precision, field):
    """A date stands for the first day of its period: never invent a day the source does not give."""
    if value is None:
        return
    if precision in (DatePrecision.MONTH, DatePrecision.YEAR) and value.day != 1:
        raise ValidationError({field: f"With {precision} precision the date must be the first day of the {precision}."})
    if precision == DatePrecision.YEAR and value.month != 1:
        raise ValidationError({field: "With year precision the date must be 1 January."})


class Citation(models.Model):
    """What makes a claim cited: the source it comes from and the verbatim excerpt that supports it.

    `excerpt_start`/`excerpt_end` are the excerpt's character offsets in the
    source's text, derived on every save (see policy.provenance) so reads never
    have to load a source's full text to report them. Records (`Cited`) and the
    links between policies (`PolicyRelation`) share it, so one check validates both.
    """

    source = models.ForeignKey("policy.Source", on_delete=models.PROTECT, related_name="+")
    excerpt = models.TextField(help_text="The verbatim span of the source's text that supports this record.")
    excerpt_start = models.PositiveIntegerField(null=True, blank=True, editable=False)
    excerpt_end = models.PositiveIntegerField(null=True, blank=True, editable=False)
    notes = models.TextField(blank=True, help_text="Editorial notes, e.g. what in this record is inferred.")

    # The columns that name a citation in reports (verify_citations, a source's dropped excerpts).
    citation_label = ("slug",)

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        from ..provenance import excerpt_error, unchecking_move

        if self.source_id is not None and self.excerpt:
            error = excerpt_error(self.source_id, self.excerpt)
            if error:
                raise ValidationError({"excerpt": error})  # the error itself: it carries the closest passage
            error = unchecking_move(self)
            if error:
                raise ValidationError({"source": error})


class Cited(Record, Citation):
    """A record drawn from a source (see Citation), with its dates checked against their precision."""

    # Dated fields checked against date_precision by clean(); subclasses name theirs.
    precision_dated_fields = ()
    # (start, end) pairs; the database holds the order too, this names the field in the error.
    date_ranges = ()

    class Meta(Record.Meta):
        abstract = True

    def clean(self):
        super().clean()
        for field in self.precision_dated_fields:
            validate_date_for_precision(getattr(self, field), self.date_precision, field)
        for start, end in self.date_ranges:
            if getattr(self, start) and getattr(self, end) and getattr(self, end) < getattr(self, start):
                raise ValidationError({end: f"{end} must not be before {start}."})


@receiver(pre_save)
def stamp_raw_saves(sender, instance, raw=False, using=None, **kwargs):
    """`loaddata` saves raw, which skips auto_now/auto_now_add: a time the fixture gives is kept; one it
    leaves out is the load time, except an existing record's `created_at`, which stays (a reload is no
    creation: `make fixtures` moved every record's `created_at` to the reload)."""
    if not raw:
        return
    now = timezone.now()
    if getattr(instance, "created_at", now) is None and instance.pk is not None:
        stored = sender._base_manager.using(using).filter(pk=instance.pk).values_list("created_at", flat=True)
        instance.created_at = stored.first()
    for stamp in ("created_at", "updated_at"):  # a suggestion has the first only
        if hasattr(instance, stamp):
            setattr(instance, stamp, getattr(instance, stamp) or now)
