"""What may be republished: a source's full text only where its licence allows, to anyone; otherwise
to editors only. Excerpts (each a record's field) and the link to the original are always public.

An excerpt that is not verbatim is answered with its source's closest passage: only to who may read
that source's text (policy.representation.base.model_errors).

The API (policy.reading.readers, policy.reading.history_reader), the pages (policy.web.record) and the admin's
"Excerpt in context" ask these two questions, and the data package (policy.datapackage) leaves such
texts out.
"""

from .choices import TextLicense

PUBLIC_TEXT = frozenset({TextLicense.PUBLIC_DOMAIN, TextLicense.OPEN_LICENSE})


def may_read_every_text(user):
    """Editors read every text: staff who may view sources, and whoever may change them."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return user.has_perm("policy.change_source") or (user.is_staff and user.has_perm("policy.view_source"))


def text_shown(license, user):
    """Whether a text under `license` is shown to `user` (None: an anonymous reader)."""
    return license in PUBLIC_TEXT or may_read_every_text(user)


def passage_shown(source_id, user):
    """Whether `user` may read a passage of the source's text (an excerpt's closest passage quotes one)."""
    from .models import Source

    return may_read_every_text(user) or Source.objects.filter(pk=source_id, text_license__in=PUBLIC_TEXT).exists()
