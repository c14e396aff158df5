"""Provenance: every cited record's excerpt must occur verbatim in its source's text.

Offsets are stored on the record. A pre_save receiver (not `save()`) derives them
because `loaddata` saves raw and never calls `save()` — fixtures get offsets too.
"""

from django.db.models.signals import post_save, pre_save
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


def cited_models():
    """Every concrete model that cites a source: the records, and the links between policies."""
    from django.apps import apps

    from .models.base import Citation

    return [model for model in apps.get_app_config("policy").get_models() if issubclass(model, Citation)]


def citation_name(values):
    """How reports name a citation: a record by its slug, a policy link as “from relation to”."""
    return " ".join(str(value) for value in values)


def citations_of(source):
    """(model, pk, name, excerpt) of every citation of the source."""
    for model in cited_models():
        rows = model.objects.filter(source=source).values_list("pk", "excerpt", *model.citation_label)
        yield from ((model, pk, citation_name(label), excerpt) for pk, excerpt, *label in rows)


def dropped_citations(source, text):
    """Slugs of the records whose excerpt a new text for `source` would no longer contain."""
    if source.pk is None or not text:
        return []
    return sorted(slug for _, _, slug, excerpt in citations_of(source) if excerpt not in text)


@receiver(pre_save, sender="policy.Source")
def remember_old_text(sender, instance, raw=False, **kwargs):
    old = sender.objects.filter(pk=instance.pk).values_list("text", flat=True).first() if instance.pk else None
    instance._text_changed = instance.pk is not None and old != instance.text


@receiver(post_save, sender="policy.Source")
def move_excerpt_offsets(sender, instance, **kwargs):
    """A source's new text moves its citations' excerpts: their stored offsets follow."""
    if not getattr(instance, "_text_changed", False):
        return
    for model, pk, _, excerpt in list(citations_of(instance)):  # read all before writing (SQLite cursors)
        start, end = locate_excerpt(instance.text, excerpt) or (None, None)
        model.objects.filter(pk=pk).update(excerpt_start=start, excerpt_end=end)


@receiver(pre_save)
def set_excerpt_offsets(sender, instance, raw=False, **kwargs):
    from .models.base import Citation

    if not isinstance(instance, Citation):
        return
    from .models import Source

    text = Source.objects.filter(pk=instance.source_id).values_list("text", flat=True).first()
    span = locate_excerpt(text, instance.excerpt)
    instance.excerpt_start, instance.excerpt_end = span if span else (None, None)
