"""Direct quotes, with their speaker from the attribution around them.

- After the quote: “…,” AMLO said / “…,” said Maria Ortiz / “…,” Harris told AMLO (addressee) /
  “…,” he said (the last person named before it) / “…,” the minister said (the actor whose role
  that is).
- Before it: the nearest actor the sentence names before the quote (“AMLO acknowledged that
  “…””, “Biden …, trumpeting the message “America is back.””).
- A quote its source splits with its attribution (“…,” she said. “…”) is one statement whose parts
  are joined by “ […] ” (policy.models.records.QUOTE_SEPARATOR).
- A quote inside the writer's own sentence (“criticized “overcrowded facilities””) is partial:
  its rule is quotes.partial and its notes say so.
Single quoted words (scare quotes) and titles (“author of “Traitor: …””) are not quotes.
"""

import regex

from .base import Proposal
from .context import excerpt_fields
from .dates import dates_in
from .models_compat import SEPARATOR

SAY = (
    r"said|says|told|tells|added|adds|stated|warned|warns|argued|argues|insisted|noted|explained|wrote|writes|"
    r"tweeted|declared|asked|replied|responded|recalled|continued|acknowledged|admitted|conceded|claimed|"
    r"stressed|emphasised|emphasized|urged|cautioned|predicted|promised|vowed|pledged|announced|remarked|observed"
)
AFTER_VERB_FIRST = regex.compile(rf"\s*[,—–-]?\s*(?:{SAY})\s+")
AFTER_WHO_FIRST = regex.compile(rf"\s+(?P<verb>{SAY})\b(?:\s+(?P<to>\S))?")
PRONOUN = regex.compile(rf"\s*[,—–-]?\s*(?:he|she)\s+(?:{SAY})\b")
DESCRIPTOR = regex.compile(rf"\s*[,—–-]?\s*(?:the|a|an)\s+(?P<role>[\p{{Ll}}\s-]{{3,40}}?)\s+(?:{SAY})\b")
TITLE_CUE = regex.compile(
    r"(?i)\b(?:author of|book|novel|film|movie|titled|entitled|headlined|documentary|album|song|report|essay|op-ed)\s*$"
)


class Draft:
    def __init__(self, quote, speaker, rule, confidence, attribution_end, addressee=None):
        self.parts, self.speaker, self.rule, self.confidence = [quote], speaker, rule, confidence
        self.attribution_end, self.addressee = attribution_end, addressee


def extract(document):
    drafts, previous = [], None
    for quote in document.quotes:
        if not _is_quote(document, quote):
            continue
        if previous and _continues(document, previous, quote):
            previous.parts.append(quote)
            previous.attribution_end = max(previous.attribution_end, quote.end)
            continue
        draft = _attribute(document, quote)
        if draft:
            drafts.append(draft)
        previous = draft
    return [_proposal(document, draft) for draft in drafts]


def _is_quote(document, quote):
    text = document.text
    start, end = quote.inner
    words = text[start:end].split()
    if len(words) < 2 and not text[start:end].rstrip().endswith((".", "!", "?", ",")):
        return False  # a scare quote: “respecting”
    sentence_start = document.sentence_around(quote.start)[0]
    if TITLE_CUE.search(text, max(sentence_start, quote.start - 30), quote.start):
        return False
    long_words = [word for word in words if len(word) > 3]
    capitalised = [word for word in long_words if word[:1].isupper()]
    return not (len(words) >= 3 and long_words and len(capitalised) / len(long_words) >= 0.6)


def _continues(document, draft, quote):
    """The quote goes on after its attribution: “…,” she said. “…” or “…,” she said, “…”."""
    text = document.text
    last = draft.parts[-1]
    between = text[draft.attribution_end : quote.start]
    same_paragraph = "\n" not in text[last.end : quote.start]
    if not same_paragraph or draft.attribution_end <= last.end:
        return False
    if regex.fullmatch(r"[\s.,;:—–-]*", between) is None:
        return False
    # Its own sentence must not name another speaker.
    own = _after_attribution(document, quote)
    return own is None or own[0] == draft.speaker


def _attribute(document, quote):
    found = _after_attribution(document, quote)
    if found:
        speaker, addressee, end, rule, confidence = found
        return Draft(quote, speaker, rule, confidence, end, addressee)
    sentence_start, _ = document.sentence_around(quote.start)
    before = [m for m in document.mentions_in(sentence_start, quote.start, "actor") if not _in_quote(document, m.start)]
    if before:
        partial = _partial(document, quote)
        rule = "quotes.partial" if partial else "quotes.before"
        return Draft(quote, before[-1].key, rule, 0.6 if partial else 0.7, quote.end)
    return None


def _after_attribution(document, quote):
    text = document.text
    _, sentence_end = document.sentence_around(quote.start)
    position = quote.end
    verb_first = AFTER_VERB_FIRST.match(text, position)
    if verb_first and "\n" not in verb_first.group():
        mention = _mention_at(document, verb_first.end())
        if mention and mention.start < sentence_end:
            return mention.key, None, _clause_end(text, mention.end, sentence_end), "quotes.said_after", 0.85
    mention = _speaker_after(document, position)
    if mention and mention.start < sentence_end:
        said = AFTER_WHO_FIRST.match(text, mention.end)
        if said:
            addressee = None
            if said.group("verb") in ("told", "tells") and said.group("to"):
                target = _speaker_after(document, said.start("to"))
                addressee = target.key if target else None
            return mention.key, addressee, _clause_end(text, said.end(), sentence_end), "quotes.said_after", 0.85
    if position >= sentence_end:
        return None
    pronoun = PRONOUN.match(text, position)
    if pronoun:
        person = _last_person(document, quote.start)
        if person:
            return person, None, _clause_end(text, pronoun.end(), sentence_end), "quotes.pronoun", 0.6
    descriptor = DESCRIPTOR.match(text, position)
    if descriptor:
        actor = _by_role(document, descriptor.group("role"), quote.start)
        if actor:
            return actor, None, _clause_end(text, descriptor.end(), sentence_end), "quotes.descriptor", 0.6
    return None


def _speaker_after(document, position):
    """The actor named right after the quote, past a title of up to four words (“, Foreign Secretary X”)."""
    text = document.text
    at = position + regex.match(r"[ \t]*[,—–-]?[ \t]*", text[position:]).end()
    for _ in range(5):
        mention = _mention_at(document, at)
        if mention:
            return mention
        word = regex.match(r"(?:\p{Lu}[\p{L}.’'-]*|of|for)[ \t]+", text[at:])
        if not word:
            return None
        at += word.end()
    return None


def _clause_end(text, position, sentence_end):
    match = regex.compile(r"[.;!?](?=\s|$)|(?=[“\"«‘])").search(text, position, sentence_end)
    return match.end() if match else sentence_end


def _mention_at(document, position):
    mention = document.mentions_by_start.get(position)
    return mention if mention is not None and mention.kind == "actor" else None


def _in_quote(document, position):
    return document.in_quote(position)


def _last_person(document, position):
    for mention in document.mentions.before(position):
        actor = document.actor(mention.key) if mention.kind == "actor" else None
        if actor and actor.kind == "person" and not _in_quote(document, mention.start):
            return mention.key
    return None


def _by_role(document, role, position):
    """The actor named before `position` whose role is `role` (“the minister”, “the vice president”)."""
    role = role.strip().lower()
    for mention in document.mentions.before(position):
        actor = document.actor(mention.key) if mention.kind == "actor" else None
        if actor and actor.role and (role in actor.role.lower() or actor.role.lower().endswith(role.split()[-1])):
            return mention.key
    return None


def _partial(document, quote):
    text = document.text
    sentence_start, _ = document.sentence_around(quote.start)
    starts_sentence = not text[sentence_start : quote.start].strip()
    first = text[quote.inner[0] : quote.inner[0] + 1]
    introduced = text[max(sentence_start, quote.start - 2) : quote.start].strip().endswith(":")
    ends_like_speech = text[quote.inner[1] - 1 : quote.inner[1]] in ".!?,"
    return not starts_sentence and not introduced and (first.islower() or not ends_like_speech)


def _proposal(document, draft):
    text = document.text
    first, last = draft.parts[0], draft.parts[-1]
    start = document.sentence_around(first.start)[0]
    end = max(document.sentence_around(last.start)[1], document.sentence_around(draft.attribution_end - 1)[1])
    excerpt, start, end = excerpt_fields(document, start, end)
    # “…behind,” she said: the comma is the sentence's, not the speaker's (as citing by selection keeps it).
    quoted = SEPARATOR.join(text[slice(*part.inner)] for part in draft.parts).rstrip(",")
    fields = {"text": quoted, "speaker": draft.speaker, "kind": "quote", "language": "en", "is_translation": False}
    if draft.addressee and draft.addressee != draft.speaker:
        fields["addressee"] = draft.addressee
    fields["countries"] = document.countries_in(start, end)
    outside = [m for m in dates_in(document, start, end) if not any(p.start <= m.start < p.end for p in draft.parts)]
    if outside:
        fields.update(outside[0].as_fields("said_on"))
    else:
        fields["date_precision"] = "year"
    if draft.rule == "quotes.partial":
        fields["notes"] = "Partial quote: the source quotes these words within its own sentence."
    return Proposal("statement", fields, excerpt, start, end, draft.confidence, draft.rule)
