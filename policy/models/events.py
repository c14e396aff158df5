"""Meetings, visits, press conferences and conferences."""

from django.db import models

from ..choices import EventKind, EventStatus
from .base import Cited, choices_constraint, date_order_constraint, history, precision_constraint, precision_field


class Event(Cited):
    title = models.CharField(max_length=500, db_index=True)  # ordering=title
    kind = models.CharField(max_length=20, choices=EventKind.choices, db_index=True)
    status = models.CharField(
        max_length=20,
        choices=EventStatus.choices,
        default=EventStatus.HELD,
        db_default=EventStatus.HELD,  # rows written around the ORM (COPY, raw SQL) too
        db_index=True,
        help_text="As of the source's date: a visit it announces for later is planned.",
    )
    start_date = models.DateField(null=True, blank=True, db_index=True)
    end_date = models.DateField(null=True, blank=True, db_index=True)
    date_precision = precision_field()
    location = models.CharField(max_length=300, blank=True)
    participants = models.ManyToManyField("policy.Actor", blank=True, related_name="events")
    countries = models.ManyToManyField("policy.Country", blank=True, related_name="events")
    topics = models.ManyToManyField("policy.Topic", blank=True, related_name="events")

    history = history(m2m_fields=[participants, countries, topics])
    precision_dated_fields = ("start_date", "end_date")
    date_ranges = (("start_date", "end_date"),)

    class Meta(Cited.Meta):
        constraints = [
            precision_constraint("event"),
            date_order_constraint("event", "start_date", "end_date"),
            choices_constraint("event", "status", EventStatus),
        ]

    def __str__(self):
        return self.title
