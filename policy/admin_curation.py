"""What the admin adds for curation (issue #14): citing by selecting a span of a source's text, the
excerpt error's one-click "use the source's words", and aliases edited one per line.

A source's change page draws its text as pieces (`<span data-start>`, one per line and one per line
break), so the selection's offsets are computed from the DOM in policy/static/policy/cite.js, in the
text's own code points; the add form of the chosen type opens with `source`, `excerpt`,
`excerpt_start` and `excerpt_end` as GET parameters (Django's admin takes them as initial values).
On save the offsets are kept only where the text holds the excerpt there (policy.provenance).
"""

import re

from django import forms
from django.urls import NoReverseMatch, reverse

from . import records
from .models.actors import repeated_aliases

OFFSETS = ("excerpt_start", "excerpt_end")
LINE_BREAK = re.compile(r"\r\n|\r|\n")
# The HTML parser reads CR and CRLF as LF, so a break's characters travel as a name, not as text.
BREAKS = {"\n": "lf", "\r\n": "crlf", "\r": "cr"}


def text_pieces(text):
    """(start, length, text, break) of each line and line break of `text`: offsets in code points."""
    pieces, at = [], 0
    for match in LINE_BREAK.finditer(text):
        if match.start() > at:
            pieces.append((at, match.start() - at, text[at : match.start()], ""))
        pieces.append((match.start(), len(match.group()), "", BREAKS[match.group()]))
        at = match.end()
    if at < len(text):
        pieces.append((at, len(text) - at, text[at:], ""))
    return pieces


def cite_context(request, source):
    """What a source's change page needs to offer citing by selection: its text's pieces and the add
    form of each cited record type the editor may add."""
    targets = []
    for record_type in records.TYPES:
        model = record_type.model
        if not record_type.cited or not request.user.has_perm(f"{model._meta.app_label}.add_{model._meta.model_name}"):
            continue
        try:
            url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")
        except NoReverseMatch:
            continue
        targets.append({"label": model._meta.verbose_name, "url": url})
    return {"source_id": source.pk, "length": len(source.text), "pieces": text_pieces(source.text), "targets": targets}


class ExcerptWidget(forms.Textarea):
    """The excerpt's textarea and, when it was refused, its source's closest passage with a button that
    puts those words (and their offsets) in its place."""

    template_name = "policy/admin/excerpt_widget.html"
    closest = None  # set on the form's own copy by CitationForm

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["closest"] = self.closest.as_dict() if self.closest else None
        return context


class CitationForm(forms.ModelForm):
    """A cited record's form: the offsets travel with the excerpt (read-only inputs a selection or the
    closest passage fills), and a refused excerpt offers its closest passage."""

    excerpt_start = forms.IntegerField(
        required=False, min_value=0, widget=forms.NumberInput(attrs={"readonly": True, "class": "excerpt-offset"})
    )
    excerpt_end = forms.IntegerField(
        required=False, min_value=0, widget=forms.NumberInput(attrs={"readonly": True, "class": "excerpt-offset"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "excerpt" in self.fields:
            self.fields["excerpt"].widget = ExcerptWidget(attrs=self.fields["excerpt"].widget.attrs)
        if self.instance.pk is not None:
            for name in OFFSETS:
                self.initial.setdefault(name, getattr(self.instance, name))

    def clean(self):
        cleaned = super().clean()
        for name in OFFSETS:  # not editable on the model: the provenance receiver checks them on save
            setattr(self.instance, name, cleaned.get(name))
        return cleaned

    def full_clean(self):
        super().full_clean()
        refused = self.errors.get("excerpt")  # computed by the full_clean above
        found = next((e.closest for e in refused.as_data() if getattr(e, "closest", None)), None) if refused else None
        if found is not None:
            self.fields["excerpt"].widget.closest = found


class AliasesField(forms.CharField):
    """An actor's aliases, one per line: blank lines dropped, a repeated alias refused."""

    widget = forms.Textarea(attrs={"rows": 3})

    def __init__(self, **kwargs):
        kwargs.pop("encoder", None), kwargs.pop("decoder", None)  # a JSONField's, for its own form field
        kwargs.setdefault("help_text", "One per line, e.g. AMLO.")
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value):
        if isinstance(value, list):
            return value
        aliases = [line.strip() for line in (value or "").splitlines() if line.strip()]
        if repeated := repeated_aliases(aliases):
            raise forms.ValidationError(f"Each alias once: {', '.join(repeated)} is repeated.", code="repeated")
        return aliases

    def has_changed(self, initial, data):
        try:
            return self.to_python(data) != (initial or [])
        except forms.ValidationError:
            return True


class ActorForm(forms.ModelForm):
    aliases = AliasesField(required=False)
