"""Every invariant rejects bad data twice: `full_clean()` with a readable message (what the admin
and the API show), and the database itself when validation is bypassed."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction

from policy.models import Actor, AidPackage, Country, Event, Policy, PolicyRelation, Source, Statement, Statistic, Topic

pytestmark = pytest.mark.django_db

TEXT = "On 8 June 2021 the two leaders met. The United States pledged $130 million. Apprehensions rose 28 percent."


# Valid records of each type, made here so the cases do not depend on the fixtures' content.
# The country and slugs are reserved for user assignment (ISO 3166 QZ), so they never collide.
@pytest.fixture
def country():
    return Country.objects.create(code="QZ", iso3="QZZ", name="Testland")


@pytest.fixture
def topic():
    return Topic.objects.create(slug="test-topic", name="Test topic")


@pytest.fixture
def actor(country):
    return Actor.objects.create(slug="test-actor", name="Test Actor", kind="person", country=country, aliases=["TA"])


@pytest.fixture
def source():
    return Source.objects.create(slug="test-source", title="Test source", kind="news_article", text=TEXT)


@pytest.fixture
def event(source):
    return Event.objects.create(
        slug="test-event",
        title="Meeting",
        kind="meeting",
        source=source,
        excerpt="the two leaders met",
        start_date=datetime.date(2021, 6, 8),
        end_date=datetime.date(2021, 6, 8),
    )


@pytest.fixture
def policy(source, country):
    return Policy.objects.create(
        slug="test-policy",
        title="Policy",
        kind="programme",
        status="announced",
        jurisdiction=country,
        source=source,
        excerpt="The United States pledged",
        start_date=datetime.date(2021, 6, 1),
        date_precision="month",
    )


@pytest.fixture
def other_policy(source):
    return Policy.objects.create(
        slug="test-other-policy", title="Other policy", kind="law", status="in_effect", source=source, excerpt="pledged"
    )


@pytest.fixture
def aid_package(source, country):
    return AidPackage.objects.create(
        slug="test-aid",
        title="Aid",
        donor=country,
        amount=Decimal("130000000"),
        currency="USD",
        kind="development",
        status="pledged",
        source=source,
        excerpt="pledged $130 million",
        period_start=datetime.date(2021, 1, 1),
        period_end=datetime.date(2023, 12, 31),
    )


@pytest.fixture
def statement(source, actor):
    return Statement.objects.create(
        slug="test-statement",
        speaker=actor,
        text="the two leaders met",
        kind="paraphrase",
        source=source,
        excerpt="the two leaders met",
        said_on=datetime.date(2021, 6, 8),
    )


@pytest.fixture
def statistic(source):
    return Statistic.objects.create(
        slug="test-statistic",
        title="Apprehensions",
        indicator="apprehensions-change",
        value=Decimal("28"),
        unit="percent",
        source=source,
        excerpt="Apprehensions rose 28 percent",
        period_start=datetime.date(2021, 4, 1),
        period_end=datetime.date(2021, 4, 30),
        date_precision="month",
    )


def link(policy, other, relation="extends", **citation):
    """A policy link, cited like a record: it needs its source and an excerpt of it."""
    return PolicyRelation(
        from_policy=policy,
        relation=relation,
        to_policy=other,
        source=policy.source,
        excerpt="The United States pledged",
        **citation,
    )


@pytest.fixture
def self_relation(policy):
    return link(policy, policy)


@pytest.fixture
def relation(policy, other_policy):
    return link(policy, other_policy, notes="Inference, noted.")


@pytest.fixture
def quote(statement):
    statement.kind = "quote"
    return statement


RECORDS = ["country", "topic", "actor", "source", "event", "policy", "aid_package", "statement", "statistic"]
RECORDS += ["relation", "quote"]


@pytest.mark.parametrize("record", RECORDS)
def test_valid_records_pass(request, record):
    request.getfixturevalue(record).full_clean()


INVALID = {
    "negative-aid-amount": ("aid_package", {"amount": Decimal("-1")}, "amount", "greater than or equal to 0"),
    "currency-not-iso4217": ("aid_package", {"currency": "XYZ"}, "currency", "Value 'XYZ' is not a valid choice."),
    "currency-lower-case": ("aid_package", {"currency": "usd"}, "currency", "Value 'usd' is not a valid choice."),
    "event-ends-before-start": (
        "event",
        {"end_date": datetime.date(2021, 6, 7)},
        "end_date",
        "end_date must not be before start_date",
    ),
    "policy-ends-before-start": (
        "policy",
        {"end_date": datetime.date(2021, 5, 1)},
        "end_date",
        "end_date must not be before start_date",
    ),
    "aid-period-ends-before-start": (
        "aid_package",
        {"period_end": datetime.date(2020, 12, 31)},
        "period_end",
        "period_end must not be before period_start",
    ),
    "statistic-period-ends-before-start": (
        "statistic",
        {"period_end": datetime.date(2021, 3, 31)},
        "period_end",
        "period_end must not be before period_start",
    ),
    "invalid-precision": ("event", {"date_precision": "week"}, "date_precision", "Value 'week' is not a valid choice."),
    "source-invalid-precision": ("source", {"date_precision": "decade"}, "date_precision", "not a valid choice"),
    "month-precision-not-on-the-1st": (
        "policy",
        {"start_date": datetime.date(2021, 6, 15)},
        "start_date",
        "With month precision the date must be the first day of the month.",
    ),
    "year-precision-not-1-january": (
        "statistic",
        {"date_precision": "year"},
        "period_start",
        "With year precision the date must be 1 January.",
    ),
    "statement-month-precision-not-on-the-1st": (
        "statement",
        {"said_on": datetime.date(2021, 6, 8), "date_precision": "month"},
        "said_on",
        "must be the first day of the month",
    ),
    "source-year-precision-not-on-the-1st": (
        "source",
        {"published_on": datetime.date(2021, 6, 8), "date_precision": "year"},
        "published_on",
        "must be the first day of the year",
    ),
    "country-lower": ("country", {"code": "qz"}, NON_FIELD_ERRORS, "two upper-case letters (ISO 3166-1 alpha-2)"),
    "country-digit": ("country", {"code": "Q1"}, NON_FIELD_ERRORS, "two upper-case letters (ISO 3166-1 alpha-2)"),
    "iso3-short": ("country", {"iso3": "QZ"}, NON_FIELD_ERRORS, "three upper-case letters (ISO 3166-1 alpha-3)"),
    "policy-related-to-itself": ("self_relation", {}, NON_FIELD_ERRORS, "A policy cannot be related to itself."),
    "relation-excerpt-not-in-text": ("relation", {"excerpt": "pledged twice"}, "excerpt", "does not occur verbatim"),
    "relation-without-excerpt": ("relation", {"excerpt": ""}, "excerpt", "This field cannot be blank."),
    "relation-without-source": ("relation", {"source": None}, "source", "This field cannot be null."),
    "event-status-unknown": ("event", {"status": "rumoured"}, "status", "Value 'rumoured' is not a valid choice."),
    "qualifier-unknown": ("statistic", {"value_qualifier": "roughly"}, "value_qualifier", "not a valid choice"),
    "aid-qualifier-unknown": ("aid_package", {"value_qualifier": "roughly"}, "value_qualifier", "not a valid choice"),
    # A quote is the speaker's words as the excerpt prints them; a split one, its parts in order.
    "quote-not-in-excerpt": ("quote", {"text": "the leaders met"}, "text", "must occur verbatim in its excerpt"),
    "quote-joined-without-separator": (
        "quote",
        {"text": "the two, leaders met"},
        "text",
        "must occur verbatim in its excerpt",
    ),
    "split-quote-out-of-order": ("quote", {"text": "leaders met […] the two"}, "text", "Part 2 of 2 of the quote"),
    "split-quote-empty-part": ("quote", {"text": "the two […] "}, "text", "Part 2 of 2 of the quote"),
    "excerpt-not-in-text": ("event", {"excerpt": "the leaders never met"}, "excerpt", "does not occur verbatim"),
    "excerpt-error-names-the-source": ("statement", {"excerpt": "two  leaders"}, "excerpt", "“test-source”"),
    "excerpt-too-short": ("statistic", {"excerpt": "28"}, "excerpt", "at least 10 characters"),
    "excerpt-cuts-a-word": ("event", {"excerpt": "wo leaders met"}, "excerpt", "cuts a word"),
    "excerpt-cuts-a-word-at-its-end": ("policy", {"excerpt": "The United States pledg"}, "excerpt", "cuts a word"),
    "aliases-a-string": ("actor", {"aliases": "TA"}, "aliases", "Aliases must be a list of non-empty strings."),
    "aliases-with-empty-one": ("actor", {"aliases": ["TA", ""]}, "aliases", "list of non-empty strings"),
    "aliases-a-dict": ("actor", {"aliases": {"short": "TA"}}, "aliases", "list of non-empty strings"),
}


@pytest.mark.parametrize("record, changes, field, message", INVALID.values(), ids=INVALID)
def test_full_clean_rejects(request, record, changes, field, message):
    obj = request.getfixturevalue(record)
    for name, value in changes.items():
        setattr(obj, name, value)
    with pytest.raises(ValidationError) as excinfo:
        obj.full_clean()
    assert any(message in error for error in excinfo.value.message_dict.get(field, [])), excinfo.value.message_dict


@pytest.mark.parametrize("model, make", [(Topic, "topic"), (Event, "event"), (Statistic, "statistic")])
def test_duplicate_slug_is_rejected(request, model, make):
    existing = request.getfixturevalue(make)
    duplicate = model.objects.get(pk=existing.pk)
    duplicate.pk = None
    with pytest.raises(ValidationError) as excinfo:
        duplicate.full_clean()
    assert excinfo.value.message_dict["slug"] == [
        f"{model._meta.verbose_name.capitalize()} with this Slug already exists."
    ]
    with pytest.raises(IntegrityError, match="slug"), transaction.atomic():
        duplicate.save()


def test_duplicate_country_code_is_rejected(country):
    with pytest.raises(ValidationError) as excinfo:
        Country(code="QZ", iso3="QZY", name="Testland again").full_clean()
    assert excinfo.value.message_dict["code"] == ["Country with this Code already exists."]


# Bypassing validation (QuerySet.update, a plain save) must still not store bad data.
DB_REJECTS = [
    ("aid_package", {"amount": Decimal("-1")}, "aidpackage_amount_not_negative"),
    ("aid_package", {"currency": "XYZ"}, "aidpackage_currency_iso4217"),
    ("aid_package", {"period_end": datetime.date(2020, 12, 31)}, "aidpackage_period_end_not_before_period_start"),
    ("event", {"end_date": datetime.date(2021, 6, 7)}, "event_end_date_not_before_start_date"),
    ("policy", {"end_date": datetime.date(2021, 5, 1)}, "policy_end_date_not_before_start_date"),
    ("statistic", {"period_end": datetime.date(2021, 3, 31)}, "statistic_period_end_not_before_period_start"),
    ("event", {"date_precision": "week"}, "event_valid_date_precision"),
    ("policy", {"date_precision": "week"}, "policy_valid_date_precision"),
    ("aid_package", {"date_precision": "week"}, "aidpackage_valid_date_precision"),
    ("statement", {"date_precision": "week"}, "statement_valid_date_precision"),
    ("statistic", {"date_precision": "week"}, "statistic_valid_date_precision"),
    ("source", {"date_precision": "week"}, "source_valid_date_precision"),
    ("country", {"code": "qz"}, "country_code_is_alpha2"),
    ("country", {"iso3": "qzz"}, "country_iso3_is_alpha3"),
    ("event", {"status": "rumoured"}, "event_valid_status"),
    ("statistic", {"value_qualifier": "roughly"}, "statistic_valid_value_qualifier"),
    ("aid_package", {"value_qualifier": "roughly"}, "aidpackage_valid_value_qualifier"),
]


@pytest.mark.parametrize("record, changes, constraint", DB_REJECTS, ids=[case[2] for case in DB_REJECTS])
def test_database_rejects_update(request, record, changes, constraint):
    obj = request.getfixturevalue(record)
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        type(obj).objects.filter(pk=obj.pk).update(**changes)


def test_database_rejects_policy_related_to_itself(self_relation):
    with pytest.raises(IntegrityError, match="policy_relation_not_to_itself"), transaction.atomic():
        self_relation.save()


def test_database_rejects_unknown_relation_kind(policy, other_policy):
    with pytest.raises(IntegrityError, match="policy_relation_valid_kind"), transaction.atomic():
        link(policy, other_policy, "ignores").save()


def test_duplicate_policy_relation_is_rejected(policy, other_policy):
    link(policy, other_policy).save()
    duplicate = link(policy, other_policy)
    with pytest.raises(ValidationError, match="already exists"):
        duplicate.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_excerpt_outside_the_text_is_stored_only_without_offsets(event):
    """The database cannot check provenance: a write that skips validation keeps no offsets,
    and `verify_citations` (tests/test_verify_citations.py) reports it."""
    Event.objects.filter(pk=event.pk).update(excerpt="the leaders never met")
    event.refresh_from_db()
    event.save()
    assert (event.excerpt_start, event.excerpt_end) == (None, None)


def test_excerpt_offsets_are_derived_on_save(event):
    assert TEXT[event.excerpt_start : event.excerpt_end] == "the two leaders met"
