"""Provenance: every cited record's excerpt must occur verbatim in its source's text.

An excerpt is at least MIN_EXCERPT characters and whole words: where the text is held, it must
begin and end on word boundaries there (a letter or digit never continues it on either side).
Offsets are stored on the record. A pre_save receiver (not `save()`) derives them
because `loaddata` saves raw and never calls `save()` — fixtures get offsets too.

Every check reads the cited source's row with a lock (`SELECT … FOR UPDATE`, held until the
write's transaction ends), the source's own writes included: a write that changes a source's
text and a write that cites it cannot both validate against the state the other is changing.
"""

from django.core.exceptions import ValidationError
from django.db import router, transaction
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from .closest import closest_passage, hint_message

MIN_EXCERPT = 10


def locate_excerpt(text, excerpt, near=None):
    """(start, end) of the excerpt's occurrence in text that cuts no word, or None: the first, or with
    `near` the one that starts nearest to it (an excerpt edited after selecting, a text edited around it)."""
    if not text or not excerpt:
        return None
    found, start = [], text.find(excerpt)
    while start >= 0:
        if holds(text, excerpt, start, start + len(excerpt)):
            if near is None:
                return start, start + len(excerpt)
            found.append((abs(start - near), start))
        start = text.find(excerpt, start + 1)
    return (min(found)[1], min(found)[1] + len(excerpt)) if found else None


def holds(text, excerpt, start, end):
    """Whether the text holds the excerpt, as whole words, at exactly these offsets (a selection's)."""
    return (
        isinstance(start, int)
        and isinstance(end, int)
        and 0 <= start < end <= len(text)
        and text[start:end] == excerpt
        and not cuts_word(text, start)
        and not cuts_word(text, end)
    )


def excerpt_offsets(text, excerpt, start=None, end=None):
    """Where a citation's excerpt stands: at the offsets given when the text holds it there (an editor's
    selection of one of several occurrences), else at the occurrence nearest to them (or the first)."""
    if text and holds(text, excerpt, start, end):
        return start, end
    return locate_excerpt(text, excerpt, near=start)


def cuts_word(text, at):
    """Whether a span's edge at `at` falls between two letters or digits."""
    return 0 < at < len(text) and text[at - 1].isalnum() and text[at].isalnum()


def excerpt_error(source, excerpt):
    """A ValidationError for a reader when the excerpt is too short or not in the source's text, else None.

    `source` is a Source or its id; its text is read afresh, under the lock. A source whose text we do
    not hold cannot be checked for the words, so only the length counts. An excerpt that is not there
    as whole words is answered with the closest passage and the first difference (policy.closest): the
    message says it, and the error's `closest` carries it for the API's body and the admin's button.
    """
    if len(excerpt.strip()) < MIN_EXCERPT:
        return ValidationError(
            f"An excerpt must be at least {MIN_EXCERPT} characters: enough of the source's words to find.",
            code="too_short",
        )
    slug, text = locked_source(getattr(source, "pk", source))
    if not text or locate_excerpt(text, excerpt) is not None:
        return None
    if excerpt in text:
        message = f"The excerpt cuts a word in the text of source “{slug}”: begin and end it on whole words."
    else:
        message = f"The excerpt does not occur verbatim in the text of source “{slug}”."
    found = closest_passage(text, excerpt)
    error = ValidationError(f"{message} {hint_message(found)}" if found else message, code="not_verbatim")
    error.closest = found
    # The passage is the source's own words: for who may not read its text, the message alone
    # (policy.representation.base.model_errors, policy.licensing).
    error.source_id, error.without_passage = (
        getattr(source, "pk", source),
        ValidationError(message, code="not_verbatim"),
    )
    return error


def locked_source(source_id):
    """(slug, text) of a source, its row locked until the transaction ends (where one is open)."""
    from . import batch
    from .models import Source

    writing = batch.current()
    if writing is not None and source_id in writing.sources:  # locked by the batch's first read
        return writing.sources[source_id]
    sources = Source.objects.filter(pk=source_id)
    if transaction.get_connection(router.db_for_write(Source)).in_atomic_block:  # a write's transaction
        sources = sources.select_for_update()  # and so read on the primary
    found = sources.values_list("slug", "text").first() or (None, "")
    if writing is not None:
        writing.sources[source_id] = found
    return found


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
    """(model, pk, name, excerpt, excerpt_start) of every citation of the source."""
    for model in cited_models():
        rows = model.objects.filter(source=source).values_list("pk", "excerpt", "excerpt_start", *model.citation_label)
        yield from ((model, pk, citation_name(label), excerpt, at) for pk, excerpt, at, *label in rows)


def dropped_citations(source, text):
    """Slugs of the records whose excerpt a new text for `source` would no longer contain (all of them,
    for no text: a cited source cannot lose its text and switch their checks off)."""
    if source.pk is None:
        return []
    locked_source(source.pk)
    return sorted(slug for _, _, slug, excerpt, _ in citations_of(source) if locate_excerpt(text, excerpt) is None)


@receiver(pre_save, sender="policy.Source")
def remember_old_text(sender, instance, raw=False, **kwargs):
    from . import batch

    if batch.current() is not None:  # the text a batch remembers is about to change
        batch.current().sources.pop(instance.pk, None)
    old = sender.objects.filter(pk=instance.pk).values_list("text", flat=True).first() if instance.pk else None
    instance._text_changed = instance.pk is not None and old != instance.text


@receiver(post_save, sender="policy.Source")
def move_excerpt_offsets(sender, instance, **kwargs):
    """A source's new text moves its citations' excerpts: their stored offsets follow."""
    if not getattr(instance, "_text_changed", False):
        return
    for model, pk, _, excerpt, at in list(citations_of(instance)):  # read all before writing (SQLite cursors)
        start, end = locate_excerpt(instance.text, excerpt, near=at) or (None, None)
        model.objects.filter(pk=pk).update(excerpt_start=start, excerpt_end=end)


@receiver(pre_save)
def set_excerpt_offsets(sender, instance, raw=False, **kwargs):
    from . import batch
    from .models.base import Citation

    if not isinstance(instance, Citation):
        return
    from .models import Source

    if batch.current() is not None:  # the text the batch locked and checked the excerpt against
        text = locked_source(instance.source_id)[1]
    else:
        text = Source.objects.filter(pk=instance.source_id).values_list("text", flat=True).first()
    span = excerpt_offsets(text, instance.excerpt, instance.excerpt_start, instance.excerpt_end)
    instance.excerpt_start, instance.excerpt_end = span if span else (None, None)
