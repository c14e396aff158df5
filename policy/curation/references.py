"""Related records named in an import by key (slug or country code), name or title, or alias.

Each distinct name is looked up once (then remembered): the key first, then the name (any case),
then, for actors, their names and aliases with accents and case ignored (`Lopez Obrador` is the actor
whose alias is “López Obrador”). A name two records answer to is ambiguous: the row must use the key —
an error, never a new actor.
"""

from django.db.models.functions import Lower

from .. import records
from ..models import Actor, Country
from ..search.folding import fold


class Unresolved(ValueError):
    def __init__(self, message, ambiguous=False):
        super().__init__(message)
        self.ambiguous = ambiguous


class References:
    def __init__(self):
        self.known = {}
        self.aliases = None

    def key(self, model, name):
        """The key of the `model` record `name` names; Unresolved (with the reason) if none or several."""
        wanted = (model, name.casefold())
        if wanted not in self.known:
            self.known[wanted] = self.lookup(model, name)
        found = self.known[wanted]
        if isinstance(found, Unresolved):
            raise found
        return found

    def lookup(self, model, name):
        key = records.key_field(model)
        exact = model.objects.filter(**{key: records.normalise_key(model, name)}).values_list(key, flat=True)
        if exact:
            return exact[0]
        keys = set()
        if model is Country:
            keys |= set(Country.objects.filter(iso3=name.upper()).values_list("code", flat=True))
        label = records.label_field(model)
        if label != key:
            labelled = model.objects.annotate(folded=Lower(label)).filter(folded=name.lower())
            keys |= set(labelled.values_list(key, flat=True)[:10])
        if model is Actor and not keys:
            keys |= self.alias_keys(name)
        noun = model._meta.verbose_name
        if len(keys) > 1:
            plural = model._meta.verbose_name_plural
            message = f"“{name}” names {len(keys)} {plural}: use the key ({', '.join(sorted(keys))})."
            return Unresolved(message, ambiguous=True)
        if not keys:
            return Unresolved(f"No {noun} has the key, name or alias “{name}”.")
        return keys.pop()

    def alias_keys(self, name):
        if self.aliases is None:
            self.aliases = {}
            for slug, actor_name, aliases in Actor.objects.values_list("slug", "name", "aliases"):
                for alias in [actor_name, *(aliases or ())]:
                    self.aliases.setdefault(fold(alias.strip()), set()).add(slug)
        return set(self.aliases.get(fold(name.strip()), ()))
