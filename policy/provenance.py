"""Provenance: every cited record's excerpt must occur verbatim in its source's text.

Offsets are stored on the record. A pre_save receiver (not `save()`) derives them
because `loaddata` saves raw and never calls `save()` — fixtures get offsets too.
"""

from django.db.models.signals import pre_save
from django.dispatch import receiver


def locate_excerpt(text, excerpt):
    """(start, end) of the excerpt's first occurrence in text, or None."""
    if not text or not excerpt:
        return None
    start = text.find(excerpt)
    if start < 0:
        return None
    return start, start + len(excerpt)


def excerpt_error(source, excerpt):
    """A reader-facing message when the excerpt is not in the source's text, else None.

    A source whose text we do not hold cannot be checked, so it passes.
    """
    if not source.text:
        return None
    if locate_excerpt(source.text, excerpt) is None:
        return f"The excerpt does not occur verbatim in the text of source “{source.slug}”."
    return None


@receiver(pre_save)
def set_excerpt_offsets(sender, instance, raw=False, **kwargs):
    from .models.base import Cited

    if not isinstance(instance, Cited):
        return
    from .models import Source

    text = Source.objects.filter(pk=instance.source_id).values_list("text", flat=True).first()
    span = locate_excerpt(text, instance.excerpt)
    instance.excerpt_start, instance.excerpt_end = span if span else (None, None)
