"""One analysed text: what every extractor reads, computed once per run."""

import bisect
from dataclasses import replace
from datetime import date

from .base import Known, KnownCountry
from .mentions import Matcher, new_names
from .names import COUNTRY_SHORT_FORMS, demonyms
from .spans import Spans
from .text import find_quotes, sentences


class Document:
    def __init__(self, text: str, published_on: date | None, known: Known):
        self.text = text
        self.published_on = published_on
        self.known = _with_territory_names(known)
        self._actors = {actor.slug: actor for actor in self.known.actors}
        self.quotes = Spans(find_quotes(text))
        self.sentences = sentences(text, self.quotes)
        self._starts = [start for start, _ in self.sentences]
        self.mentions = Spans(Matcher(self.known).find(text))
        self.mentions_by_start = {mention.start: mention for mention in self.mentions}
        self.country_of_word = self._country_words()
        self.new_names = new_names(text, self.mentions, self.quotes, self.country_of_word)
        self.new_actor_proposals = []
        self._dates = None

    def add_new_actors(self, proposals, actors):
        """Names new to the database, matched from now on like known ones (a surname repeated)."""
        self.new_actor_proposals = proposals
        self.new_slugs = {actor.slug for actor in actors}
        self.known = replace(self.known, actors=(*self.known.actors, *actors))
        self._actors.update({actor.slug: actor for actor in actors})
        self.mentions = Spans(Matcher(self.known).find(self.text))
        self.mentions_by_start = {mention.start: mention for mention in self.mentions}

    def in_quote(self, position):
        """Inside a quotation's marks (after the opening one)."""
        quote = self.quotes.at(position)
        return quote is not None and position > quote.start

    def quote_holding(self, start, end):
        quote = self.quotes.at(start)
        return quote if quote is not None and end <= quote.end else None

    @property
    def dates(self):
        if self._dates is None:
            from .dates import find_dates

            self._dates = Spans(find_dates(self))
        return self._dates

    def sentence_around(self, position):
        index = max(0, bisect.bisect_right(self._starts, position) - 1)
        return self.sentences[index] if self.sentences else (0, len(self.text))

    def sentence_index(self, position):
        return max(0, bisect.bisect_right(self._starts, position) - 1)

    def mentions_in(self, start, end, kind=None):
        return [m for m in self.mentions.within(start, end) if kind is None or m.kind == kind]

    def countries_in(self, start, end):
        codes = []
        for mention in self.mentions_in(start, end, "country"):
            if mention.key not in codes:
                codes.append(mention.key)
        for mention in self.mentions_in(start, end, "actor"):
            actor = self.actor(mention.key)
            if actor and actor.country and actor.kind != "person" and actor.country not in codes:
                codes.append(actor.country)
        return codes

    def actor(self, slug):
        return self._actors.get(slug)

    def _country_words(self):
        table = {}
        for country in self.known.countries:
            for name in (country.name, *country.aliases, *COUNTRY_SHORT_FORMS.get(country.code, ())):
                table.setdefault(name, country.code)
            for demonym in demonyms(country.code):
                table.setdefault(demonym, country.code)
        return table


def _with_territory_names(known):
    """Known countries also answer to their English name in CLDR (babel), e.g. “United Kingdom”."""
    from babel import Locale

    territories = Locale("en").territories
    countries = []
    for country in known.countries:
        extra = territories.get(country.code)
        aliases = country.aliases if not extra or extra == country.name else (*country.aliases, extra)
        countries.append(KnownCountry(country.code, country.name, tuple(aliases)))
    return replace(known, countries=tuple(countries))
