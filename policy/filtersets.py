"""One FilterSet per record type, every public parameter declared by name (see policy.filters).

`search=` and `date_after`/`date_before` read the type's declaration (policy.records): its search
fields and its main date."""

from . import choices
from .filters import ChoicesFilter, RecordFilterSet, RelatedFilter, after, at_least, at_most, before, ordering
from .models import Actor, AidPackage, Country, Event, Policy, Source, Statement, Statistic, Topic
from .records import ACTOR, AID_PACKAGE, COUNTRY, EVENT, POLICY, SOURCE, STATEMENT, STATISTIC, TOPIC

COUNTRIES = Country.objects.all()
ACTORS = Actor.objects.all()
TOPICS = Topic.objects.all()


class CountryFilterSet(RecordFilterSet):
    ordering = ordering("code", "iso3", "name", "updated_at")
    search_fields = COUNTRY.search_fields
    anonymous_search_min_length = 1  # a small table: any search is cheap

    class Meta:
        model = Country
        fields = []


class TopicFilterSet(RecordFilterSet):
    ordering = ordering("slug", "name", "updated_at")
    search_fields = TOPIC.search_fields
    anonymous_search_min_length = 1  # a small table: any search is cheap

    class Meta:
        model = Topic
        fields = []


class ActorFilterSet(RecordFilterSet):
    kind = ChoicesFilter("kind", choices.ActorKind.choices)
    country = RelatedFilter("country", COUNTRIES)
    ordering = ordering("slug", "name", "kind", "updated_at")
    search_fields = ACTOR.search_fields
    anonymous_search_min_length = 1  # a small table: any search is cheap

    class Meta:
        model = Actor
        fields = []


class SourceFilterSet(RecordFilterSet):
    kind = ChoicesFilter("kind", choices.SourceKind.choices)
    publisher = RelatedFilter("publisher", ACTORS)
    date_after = after(SOURCE.main_date)
    date_before = before(SOURCE.main_date)
    ordering = ordering("slug", "title", "published_on", "updated_at")
    search_fields = SOURCE.search_fields

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
    date_after = after(EVENT.main_date)
    date_before = before(EVENT.main_date)
    end_date_after = after("end_date")
    end_date_before = before("end_date")
    ordering = ordering("slug", "title", "start_date", "end_date", "updated_at")
    search_fields = EVENT.search_fields

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
    date_after = after(POLICY.main_date)
    date_before = before(POLICY.main_date)
    end_date_after = after("end_date")
    end_date_before = before("end_date")
    ordering = ordering("slug", "title", "status", "start_date", "end_date", "updated_at")
    search_fields = POLICY.search_fields

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
    date_after = after(AID_PACKAGE.main_date)
    date_before = before(AID_PACKAGE.main_date)
    period_start_after = after("period_start")
    period_start_before = before("period_start")
    period_end_after = after("period_end")
    period_end_before = before("period_end")
    ordering = ordering("slug", "title", "amount", "status", "announced_on", "updated_at")
    search_fields = AID_PACKAGE.search_fields

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
    date_after = after(STATEMENT.main_date)
    date_before = before(STATEMENT.main_date)
    ordering = ordering("slug", "said_on", "updated_at")
    search_fields = STATEMENT.search_fields

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
    date_after = after(STATISTIC.main_date)
    date_before = before(STATISTIC.main_date)
    period_end_after = after("period_end")
    period_end_before = before("period_end")
    ordering = ordering("slug", "title", "indicator", "value", "period_start", "updated_at")
    search_fields = STATISTIC.search_fields

    class Meta:
        model = Statistic
        fields = []


def filterset_for(record_type):
    """The type's FilterSet: the one written above (`<Model>FilterSet`), else one derived from its
    declaration alone — `search=`, `date_after`/`date_before` on its main date, `source=` if cited,
    ordering by key, dates and `updated_at`. A new type starts with that and writes a class when
    it needs more parameters."""
    written = globals().get(f"{record_type.model.__name__}FilterSet")
    return written or derived_filterset(record_type)


def derived_filterset(record_type):
    attrs = {
        "search_fields": record_type.search_fields,
        "ordering": ordering(record_type.key, *record_type.dates, "updated_at"),
        "Meta": type("Meta", (), {"model": record_type.model, "fields": []}),
    }
    if record_type.main_date:
        attrs |= {"date_after": after(record_type.main_date), "date_before": before(record_type.main_date)}
    base = CitedFilterSet if record_type.cited else RecordFilterSet
    return type(f"{record_type.model.__name__}FilterSet", (base,), attrs)
