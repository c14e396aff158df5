"""One FilterSet per record type, every public parameter declared by name (see policy.filters)."""

from . import choices
from .filters import ChoicesFilter, RecordFilterSet, RelatedFilter, after, at_least, at_most, before, ordering
from .models import Actor, AidPackage, Country, Event, Policy, Source, Statement, Statistic, Topic

COUNTRIES = Country.objects.all()
ACTORS = Actor.objects.all()
TOPICS = Topic.objects.all()


class CountryFilterSet(RecordFilterSet):
    ordering = ordering("code", "iso3", "name", "updated_at")
    search_fields = ("code", "iso3", "name")
    anonymous_search_min_length = 1  # a small table: any search is cheap

    class Meta:
        model = Country
        fields = []


class TopicFilterSet(RecordFilterSet):
    ordering = ordering("slug", "name", "updated_at")
    search_fields = ("slug", "name", "description")
    anonymous_search_min_length = 1  # a small table: any search is cheap

    class Meta:
        model = Topic
        fields = []


class ActorFilterSet(RecordFilterSet):
    kind = ChoicesFilter("kind", choices.ActorKind.choices)
    country = RelatedFilter("country", COUNTRIES)
    ordering = ordering("slug", "name", "kind", "updated_at")
    search_fields = ("name", "aliases", "role")
    anonymous_search_min_length = 1  # a small table: any search is cheap

    class Meta:
        model = Actor
        fields = []


class SourceFilterSet(RecordFilterSet):
    kind = ChoicesFilter("kind", choices.SourceKind.choices)
    publisher = RelatedFilter("publisher", ACTORS)
    date_after = after("published_on")
    date_before = before("published_on")
    ordering = ordering("slug", "title", "published_on", "updated_at")
    search_fields = ("title", "publisher__name", "notes")

    class Meta:
        model = Source
        fields = []


class CitedFilterSet(RecordFilterSet):
    source = RelatedFilter("source", Source.objects.all())


class EventFilterSet(CitedFilterSet):
    kind = ChoicesFilter("kind", choices.EventKind.choices)
    status = ChoicesFilter("status", choices.EventStatus.choices)
    actor = RelatedFilter("participants", ACTORS)
    country = RelatedFilter("countries", COUNTRIES)
    topic = RelatedFilter("topics", TOPICS)
    date_after = after("start_date")
    date_before = before("start_date")
    end_date_after = after("end_date")
    end_date_before = before("end_date")
    ordering = ordering("slug", "title", "start_date", "end_date", "updated_at")
    search_fields = ("title", "location", "participants__name", "participants__aliases", "excerpt")

    class Meta:
        model = Event
        fields = []


class PolicyFilterSet(CitedFilterSet):
    kind = ChoicesFilter("kind", choices.PolicyKind.choices)
    status = ChoicesFilter("status", choices.PolicyStatus.choices)
    jurisdiction = RelatedFilter("jurisdiction", COUNTRIES)
    country = RelatedFilter("countries", COUNTRIES)
    actor = RelatedFilter("actors", ACTORS)
    topic = RelatedFilter("topics", TOPICS)
    date_after = after("start_date")
    date_before = before("start_date")
    end_date_after = after("end_date")
    end_date_before = before("end_date")
    ordering = ordering("slug", "title", "status", "start_date", "end_date", "updated_at")
    search_fields = ("title", "summary", "actors__name", "actors__aliases", "excerpt")

    class Meta:
        model = Policy
        fields = []


class AidPackageFilterSet(CitedFilterSet):
    kind = ChoicesFilter("kind", choices.AidKind.choices)
    status = ChoicesFilter("status", choices.AidStatus.choices)
    donor = RelatedFilter("donor", COUNTRIES)
    recipient = RelatedFilter("recipients", COUNTRIES)
    actor = RelatedFilter("announced_by", ACTORS)
    policy = RelatedFilter("policy", Policy.objects.all())
    event = RelatedFilter("event", Event.objects.all())
    topic = RelatedFilter("topics", TOPICS)
    currency = ChoicesFilter("currency", [(code, code) for code in choices.CURRENCY_CODES])
    value_qualifier = ChoicesFilter("value_qualifier", choices.ValueQualifier.choices)
    amount_min = at_least("amount")
    amount_max = at_most("amount")
    date_after = after("announced_on")
    date_before = before("announced_on")
    period_start_after = after("period_start")
    period_start_before = before("period_start")
    period_end_after = after("period_end")
    period_end_before = before("period_end")
    ordering = ordering("slug", "title", "amount", "status", "announced_on", "updated_at")
    search_fields = ("title", "channel", "announced_by__name", "announced_by__aliases", "excerpt")

    class Meta:
        model = AidPackage
        fields = []


class StatementFilterSet(CitedFilterSet):
    kind = ChoicesFilter("kind", choices.StatementKind.choices)
    speaker = RelatedFilter("speaker", ACTORS)
    addressee = RelatedFilter("addressee", ACTORS)
    event = RelatedFilter("event", Event.objects.all())
    policy = RelatedFilter("policies", Policy.objects.all())
    country = RelatedFilter("countries", COUNTRIES)
    topic = RelatedFilter("topics", TOPICS)
    date_after = after("said_on")
    date_before = before("said_on")
    ordering = ordering("slug", "said_on", "updated_at")
    search_fields = ("text", "speaker__name", "speaker__aliases", "addressee__name")

    class Meta:
        model = Statement
        fields = []


class StatisticFilterSet(CitedFilterSet):
    unit = ChoicesFilter("unit", choices.StatisticUnit.choices)
    value_qualifier = ChoicesFilter("value_qualifier", choices.ValueQualifier.choices)
    publisher = RelatedFilter("publisher", ACTORS)
    country = RelatedFilter("countries", COUNTRIES)
    topic = RelatedFilter("topics", TOPICS)
    value_min = at_least("value")
    value_max = at_most("value")
    date_after = after("period_start")
    date_before = before("period_start")
    period_end_after = after("period_end")
    period_end_before = before("period_end")
    ordering = ordering("slug", "title", "indicator", "value", "period_start", "updated_at")
    search_fields = ("title", "indicator", "publisher__name", "notes")

    class Meta:
        model = Statistic
        fields = []
