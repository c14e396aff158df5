"""Provenance: every cited record's excerpt must occur verbatim in its source's text.

An excerpt is at least MIN_EXCERPT characters and whole words: where the text is held, it must
begin and end on word boundaries there (a letter or digit never continues it on either side).
Offsets are stored on the record. A pre_save receiver (not `save()`) derives them
because `loaddata` saves raw and never calls `save()` — fixtures get offsets too.

Every check reads the cited source's row with a lock (`SELECT … FOR UPDATE`, held until the
write's transaction ends), the source's own writes included: a write that changes a source's
text and a write that cites it cannot both validate against the state the other is changing.
"""

from django.db import router, transaction
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

MIN_EXCERPT = 10


def locate_excerpt(text, excerpt):
    """(start, end) of the excerpt's first occurrence in text that cuts no word, or None."""
    if not text or not excerpt:
        return None
    start = text.find(excerpt)
    while start >= 0:
        end = start + len(excerpt)
        if not cuts_word(text, start) and not cuts_word(text, end):
            return start, end
        start = text.find(excerpt, start + 1)
    return None


def cuts_word(text, at):
    """Whether a span's edge at `at` falls between two letters or digits."""
    return 0 < at < len(text) and text[at - 1].isalnum() and text[at].isalnum()


def excerpt_error(source, excerpt):
    """A reader-facing message when the excerpt is too short or not in the source's text, else None.

    `source` is a Source or its id; its text is read afresh, under the lock. A source whose text we do
    not hold cannot be checked for the words, so only the length counts.
    """
    if len(excerpt.strip()) < MIN_EXCERPT:
        return f"An excerpt must be at least {MIN_EXCERPT} characters: enough of the source's words to find."
    slug, text = locked_source(getattr(source, "pk", source))
    if not text or locate_excerpt(text, excerpt) is not None:
        return None
    if excerpt in text:
        return f"The excerpt cuts a word in the text of source “{slug}”: begin and end it on whole words."
    return f"The excerpt does not occur verbatim in the text of source “{slug}”."


def locked_source(source_id):
    """(slug, text) of a source, its row locked until the transaction ends (where one is open)."""
    from .models import Source

    sources = Source.objects.filter(pk=source_id)
    if transaction.get_connection(router.db_for_write(Source)).in_atomic_block:  # a write's transaction
        sources = sources.select_for_update()  # and so read on the primary
    return sources.values_list("slug", "text").first() or (None, "")


def lock_cited_source(model, **lookup):
    """Before a write locks a cited record's row, lock the source it cites: a source's write locks the
    source and then rewrites its citations' offsets, so every writer takes the two locks in that order
    and two writers never wait for each other."""
    from .models.base import Citation

    if issubclass(model, Citation):
        source_id = model.objects.filter(**lookup).values_list("source_id", flat=True).first()
        if source_id is not None:
            locked_source(source_id)


def unchecking_move(record):
    """A message when a record whose excerpt its source's text vouches for would move to a source
    without text (where nothing can check it), else None."""
    if record.pk is None or locked_source(record.source_id)[1]:
        return None
    current = type(record).objects.filter(pk=record.pk).values_list("source_id", "source__text").first()
    if current is None or current[0] == record.source_id or not current[1]:
        return None
    return "This source has no text to check the excerpt against: a checked citation cannot move to it."


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
    """Slugs of the records whose excerpt a new text for `source` would no longer contain (all of them,
    for no text: a cited source cannot lose its text and switch their checks off)."""
    if source.pk is None:
        return []
    locked_source(source.pk)
    return sorted(slug for _, _, slug, excerpt in citations_of(source) if locate_excerpt(text, excerpt) is None)


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
