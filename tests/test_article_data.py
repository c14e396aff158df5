"""Spot checks of the article fixtures (fixtures/*.json) against the USA Today article they come from.

The conftest loads every fixture once per session; these tests read the loaded records and assert
the values the article gives (USA Today, “How Biden is navigating his relationship with Mexico’s
President”, published Friday 2021-05-07).
"""

import datetime
import re
from decimal import Decimal
from pathlib import Path

import pytest

from policy.models import (
    Actor,
    AidPackage,
    Country,
    Event,
    Policy,
    PolicyRelation,
    Source,
    Statement,
    Statistic,
    Topic,
)

pytestmark = pytest.mark.django_db

ARTICLE = "usa-today-biden-mexico-2021-05-07"
# CI runs in a fresh clone with a copy of shared/ beside it: <repo>/../shared/seeds/...
SEED = Path(__file__).resolve().parents[1].parent / "shared" / "seeds" / "us-mexico-relations-article.txt"
AMLO = "andres-manuel-lopez-obrador"
NORTHERN_TRIANGLE = {"GT", "HN", "SV"}


def codes(queryset):
    return set(queryset.values_list("code", flat=True))


def slugs(queryset):
    return set(queryset.values_list("slug", flat=True))


@pytest.fixture
def article():
    return Source.objects.get(slug=ARTICLE)


# ---------------------------------------------------------------- the article itself


def test_article_source_metadata(article):
    assert article.kind == "news_article"
    assert article.title == "How Biden is navigating his relationship with Mexico’s President"
    assert article.publisher.slug == "usa-today"
    assert article.published_on == datetime.date(2021, 5, 7)
    assert article.date_precision == "day"
    assert article.url == ""


def test_article_text_is_the_seed_file_exactly(article):
    if not SEED.exists():
        pytest.skip(f"seed file not found at {SEED} (shared/ is expected beside the repository)")
    assert article.text == SEED.read_text(encoding="utf-8")


def test_article_text_keeps_the_duplicated_lead_line(article):
    lead = "When President Joe Biden tapped Vice President Kamala"
    assert article.text.count(lead) == 2
    assert article.text.endswith("in exchange for an eventual six-month U.S. work visa.")


def test_secondary_sources_have_no_text_and_the_right_publishers():
    expected = {
        "cbp-migrant-encounter-data": ("government_data", "us-customs-and-border-protection"),
        "ustr-us-mexico-trade-figures": ("government_data", "office-of-the-united-states-trade-representative"),
        "crs-report-2020-06": ("report", "congressional-research-service"),
        "rothkopf-traitor": ("other", None),
    }
    for slug, (kind, publisher) in expected.items():
        source = Source.objects.get(slug=slug)
        assert source.kind == kind, slug
        assert (source.publisher.slug if source.publisher else None) == publisher, slug
        assert source.text == "", slug
    crs = Source.objects.get(slug="crs-report-2020-06")
    # “a June report”: no year, so no date and no title that prints one (the year is an inference, noted).
    assert crs.title == "A June report by the Congressional Research Service"
    assert (crs.published_on, crs.date_precision) == (None, "year")
    assert "2020" in crs.notes and "infer" in crs.notes.lower()
    book = Source.objects.get(slug="rothkopf-traitor")
    assert book.title == "Traitor: A History of American Betrayal from Benedict Arnold to Donald Trump"


# ---------------------------------------------------------------- provenance


def test_every_cited_record_cites_the_article_with_a_verbatim_excerpt(article):
    count = 0
    for model in (Event, Policy, AidPackage, Statement, Statistic):
        for record in model.objects.select_related("source"):
            count += 1
            assert record.source_id == article.pk, record.slug
            assert record.excerpt, record.slug
            assert record.excerpt in article.text, record.slug
            assert article.text[record.excerpt_start : record.excerpt_end] == record.excerpt, record.slug
    for link in PolicyRelation.objects.select_related("source"):
        count += 1
        assert link.source_id == article.pk and link.excerpt in article.text, str(link)
        assert article.text[link.excerpt_start : link.excerpt_end] == link.excerpt, str(link)
    assert count == 68


def test_quotes_are_the_quoted_segments_of_their_excerpt():
    """A quote's text is one “…” segment of its excerpt, or all of them joined by “ […] ” (a quote the
    article splits with its attribution): words only as the article prints them."""
    for statement in Statement.objects.filter(kind="quote"):
        segments = re.findall(r"“([^”]*)”", statement.excerpt)
        assert statement.text in segments or statement.text == " […] ".join(segments), statement.slug


def test_split_quotes_keep_each_part_as_printed(article):
    split = {s.slug: s.text.split(" […] ") for s in Statement.objects.filter(text__contains=" […] ")}
    assert {slug: len(parts) for slug, parts in split.items()} == {
        "amlo-expectations-better-treatment-of-migrants": 2,
        "harris-bilateral-and-multilateral-approach": 2,
        "rothkopf-amlo-populist-nationalistic-thrust": 2,
    }
    for parts in split.values():
        assert all(f"“{part}”" in article.text for part in parts)
    # The joins the audit found occur nowhere in the article, and no longer in the data.
    for join in ("migrants, And this", "approach, That reaches", "north, And he’s"):
        assert join not in article.text
        assert not Statement.objects.filter(text__contains=join).exists(), join


def test_every_record_passes_full_clean():
    for model in (Country, Topic, Actor, Source, Event, Policy, PolicyRelation, AidPackage, Statement, Statistic):
        for record in model.objects.all():
            record.full_clean()


# ---------------------------------------------------------------- counts


def test_record_counts_are_at_least_what_the_article_yields():
    assert Country.objects.count() >= 7
    assert Topic.objects.count() >= 15
    assert Actor.objects.count() >= 14
    assert Source.objects.count() >= 5
    assert Event.objects.count() >= 7
    assert Policy.objects.count() >= 18
    assert PolicyRelation.objects.count() >= 5
    assert AidPackage.objects.count() >= 4
    assert Statement.objects.count() >= 21
    assert Statistic.objects.count() >= 13


def test_countries_have_iso_codes():
    expected = {
        "US": ("USA", "United States"),
        "MX": ("MEX", "Mexico"),
        "CA": ("CAN", "Canada"),
        "GT": ("GTM", "Guatemala"),
        "HN": ("HND", "Honduras"),
        "SV": ("SLV", "El Salvador"),
        "CN": ("CHN", "China"),
    }
    for code, (iso3, name) in expected.items():
        country = Country.objects.get(code=code)
        assert (country.iso3, country.name) == (iso3, name)


# ---------------------------------------------------------------- actors


def test_amlo_actor():
    amlo = Actor.objects.get(slug=AMLO)
    assert amlo.name == "Andrés Manuel López Obrador"
    assert amlo.kind == "person"
    assert amlo.role == "Mexico’s President"
    assert amlo.country.code == "MX"
    assert amlo.aliases == ["AMLO", "López Obrador"]


def test_actor_roles_and_kinds():
    expected = {
        "joe-biden": ("person", "President", "US"),
        "kamala-harris": ("person", "Vice President", "US"),
        "barack-obama": ("person", "former President", "US"),
        "donald-trump": ("person", "Biden’s predecessor as President", "US"),
        "alejandro-giammattei": ("person", "Guatemalan President", "GT"),
        "us-customs-and-border-protection": ("agency", "", "US"),
        "office-of-the-united-states-trade-representative": ("agency", "", "US"),
        "congressional-research-service": ("agency", "", "US"),
        "usa-today": ("organization", "", "US"),
        "biden-administration": ("government", "", "US"),
    }
    for slug, (kind, role, country) in expected.items():
        actor = Actor.objects.get(slug=slug)
        assert (actor.kind, actor.role, actor.country.code) == (kind, role, country), slug
    rothkopf = Actor.objects.get(slug="david-rothkopf")
    assert rothkopf.role == "author of “Traitor: A History of American Betrayal from Benedict Arnold to Donald Trump”"


# ---------------------------------------------------------------- events


def test_friday_virtual_meeting():
    event = Event.objects.get(slug="harris-amlo-virtual-meeting-2021-05-07")
    assert event.kind == "meeting"
    assert (event.start_date, event.date_precision) == (datetime.date(2021, 5, 7), "day")
    assert event.location == "virtual"
    assert slugs(event.participants) == {"kamala-harris", AMLO}


def test_planned_june_visit_is_one_event_june_7_to_8():
    event = Event.objects.get(slug="harris-planned-visit-2021-06-07")
    assert event.start_date == datetime.date(2021, 6, 7)
    assert event.end_date == datetime.date(2021, 6, 8)
    assert event.date_precision == "day"
    assert event.location == ""
    assert "planned" in event.notes.lower()
    assert not Event.objects.filter(start_date__month=6).exclude(pk=event.pk).exists()


def test_event_dates_and_precisions():
    expected = {
        "amlo-press-conference-2021-03-23": ("press_conference", datetime.date(2021, 3, 23), "day"),
        "amlo-washington-trip-usmca-2020": ("visit", datetime.date(2020, 1, 1), "year"),
        "biden-amlo-first-meeting-2021-03": ("meeting", datetime.date(2021, 3, 1), "month"),
        "harris-giammattei-virtual-meeting-2021-04": ("meeting", datetime.date(2021, 4, 1), "month"),
        "conference-on-americas-2021-05": ("conference", datetime.date(2021, 5, 1), "month"),
    }
    for slug, (kind, start, precision) in expected.items():
        event = Event.objects.get(slug=slug)
        assert (event.kind, event.start_date, event.date_precision) == (kind, start, precision), slug
    assert "last summer" in Event.objects.get(slug="amlo-washington-trip-usmca-2020").notes.lower()
    assert "this week" in Event.objects.get(slug="conference-on-americas-2021-05").notes


# ---------------------------------------------------------------- aid packages


def test_310_million_package():
    aid = AidPackage.objects.get(slug="harris-310-million-northern-triangle-aid-2021-04")
    assert aid.amount == Decimal("310000000.00")
    assert aid.currency == "USD"
    assert aid.status == "announced"
    assert aid.kind == "mixed"
    assert (aid.announced_on, aid.date_precision) == (datetime.date(2021, 4, 1), "month")
    assert aid.announced_by.slug == "kamala-harris"
    assert aid.donor.code == "US"
    assert codes(aid.recipients) == NORTHERN_TRIANGLE
    assert aid.event.slug == "harris-giammattei-virtual-meeting-2021-04"


def test_4_billion_package_is_requested():
    aid = AidPackage.objects.get(slug="biden-4-billion-central-america-aid-request")
    assert aid.amount == Decimal("4000000000.00")
    assert aid.status == "requested"
    assert aid.announced_by.slug == "joe-biden"
    assert aid.period_start is None and aid.period_end is None
    assert "community organizations" in aid.channel
    assert "over the next four years" in aid.notes


def test_trump_2019_cut_has_no_amount():
    aid = AidPackage.objects.get(slug="trump-2019-northern-triangle-aid-cut")
    assert aid.status == "cut"
    assert aid.amount is None
    assert (aid.announced_on, aid.date_precision) == (datetime.date(2019, 1, 1), "year")
    assert aid.announced_by.slug == "donald-trump"
    assert codes(aid.recipients) == NORTHERN_TRIANGLE


def test_reforestation_funding_is_requested_without_amount():
    aid = AidPackage.objects.get(slug="amlo-reforestation-funding-request")
    assert (aid.status, aid.amount, aid.announced_on) == ("requested", None, None)
    assert codes(aid.recipients) == {"MX"}


# ---------------------------------------------------------------- statements


def test_amlo_march_23_quote():
    statement = Statement.objects.get(slug="amlo-expectations-better-treatment-of-migrants")
    assert statement.text == (
        "Expectations were created that with the government of President Biden there would be a better "
        "treatment of migrants, […] And this has caused Central American migrants, and also [migrants] from our "
        "country, wanting to cross the border thinking that it is easier to do so."
    )
    assert statement.kind == "quote"
    assert statement.speaker.slug == AMLO
    assert (statement.said_on, statement.date_precision) == (datetime.date(2021, 3, 23), "day")
    assert statement.event.slug == "amlo-press-conference-2021-03-23"
    assert statement.language == "en" and statement.is_translation is True


def test_harris_quote_is_addressed_to_amlo():
    statement = Statement.objects.get(slug="harris-bilateral-and-multilateral-approach")
    assert statement.speaker.slug == "kamala-harris"
    assert statement.addressee.slug == AMLO
    assert statement.kind == "quote"
    assert statement.is_translation is False
    assert statement.text.startswith(
        "We must continue to do our work in a way that is both bilateral and multilateral."
    )
    assert statement.text.endswith("to address the root causes in the Northern Triangle.")
    assert statement.event.slug == "harris-amlo-virtual-meeting-2021-05-07"


def test_short_quotes_are_exact():
    expected = {
        "biden-america-is-back": ("joe-biden", "America is back."),
        "trump-rapists-and-murderers": ("donald-trump", "rapists and murderers"),
        "trump-big-beautiful-wall": ("donald-trump", "big, beautiful wall"),
        "amlo-relations-not-completely-positive": (
            AMLO,
            "relations were not completely positive between our countries",
        ),
    }
    for slug, (speaker, text) in expected.items():
        statement = Statement.objects.get(slug=slug)
        assert (statement.speaker.slug, statement.text, statement.kind) == (speaker, text, "quote"), slug
    rapists = Statement.objects.get(slug="trump-rapists-and-murderers")
    assert (rapists.said_on, rapists.date_precision) == (datetime.date(2016, 1, 1), "year")


def test_rothkopf_quote_keeps_ellipsis_and_inner_quotes():
    statement = Statement.objects.get(slug="rothkopf-amlo-populist-nationalistic-thrust")
    assert statement.speaker.slug == "david-rothkopf"
    assert (
        "the relationship…which translates to, ‘we don’t want you to call us out on our problem areas.’"
        in statement.text
    )


def test_paraphrases_are_the_articles_wording(article):
    for statement in Statement.objects.filter(kind="paraphrase"):
        assert statement.text in article.text, statement.slug


def test_amlo_statements_are_translations():
    for statement in Statement.objects.filter(speaker__slug=AMLO):
        assert statement.is_translation is True, statement.slug
        assert statement.language == "en"
        assert "spanish" in statement.notes.lower(), statement.slug


# ---------------------------------------------------------------- statistics


def test_71_percent_climb_in_migrant_encounters():
    stat = Statistic.objects.get(slug="migrant-encounters-us-mexico-border-increase-2021-03")
    assert stat.value == Decimal("71")
    assert stat.unit == "percent"
    assert (stat.period_start, stat.date_precision) == (datetime.date(2021, 3, 1), "month")
    assert stat.publisher.slug == "us-customs-and-border-protection"
    assert stat.is_derived is False


def test_trade_and_investment_figures():
    expected = {
        "us-mexico-trade-goods-services-annual": (
            "677000000000",
            "usd",
            "office-of-the-united-states-trade-representative",
        ),
        "us-mexico-trade-goods-services-per-day": (
            "1800000000",
            "usd",
            "office-of-the-united-states-trade-representative",
        ),
        "share-of-mexico-exports-bought-by-us": ("80", "percent", "congressional-research-service"),
        "mexico-exports-to-us-share-of-gdp": ("39", "percent", "congressional-research-service"),
        "us-fdi-in-mexico-2019": ("100900000000", "usd", None),
    }
    for slug, (value, unit, publisher) in expected.items():
        stat = Statistic.objects.get(slug=slug)
        assert stat.value == Decimal(value), slug
        assert stat.unit == unit, slug
        assert (stat.publisher.slug if stat.publisher else None) == publisher, slug
    fdi = Statistic.objects.get(slug="us-fdi-in-mexico-2019")
    assert (fdi.period_start, fdi.date_precision) == (datetime.date(2019, 1, 1), "year")


def test_mexico_enforcement_figures():
    personnel = Statistic.objects.get(slug="mexico-security-personnel-deployed-at-border")
    assert (personnel.value, personnel.unit) == (Decimal("10000"), "persons")
    detentions = Statistic.objects.get(slug="mexico-migrant-detentions-change")
    assert (detentions.value, detentions.unit) == (Decimal("2"), "ratio")
    assert "doubled" in detentions.notes


def test_indicators_are_snake_case():
    for stat in Statistic.objects.all():
        assert stat.indicator == stat.indicator.lower()
        assert "-" not in stat.indicator and " " not in stat.indicator


# ---------------------------------------------------------------- policies


def test_biden_reverses_trump_era_policies():
    reversal = PolicyRelation.objects.get(
        from_policy__slug="biden-reversal-of-trump-era-immigration-policies",
        relation="reverses",
        to_policy__slug="trump-era-hardline-immigration-policies",
    )
    assert "Biden reversed Trump-era, hardline immigration policies" in reversal.excerpt
    assert reversal.source.slug == ARTICLE and "Stated" in reversal.notes
    assert Policy.objects.get(slug="trump-era-hardline-immigration-policies").status == "reversed"
    # The article does not say which Trump-era policies were reversed: no link asserts the asylum one was.
    assert not PolicyRelation.objects.filter(to_policy__slug="asylum-seekers-wait-in-mexico-arrangement").exists()


def test_policy_links_cite_their_evidence_and_say_what_is_inferred():
    links = {(r.from_policy.slug, r.relation, r.to_policy.slug): r for r in PolicyRelation.objects.all()}
    assert len(links) == 5
    for key, link in links.items():
        assert link.excerpt and link.notes, key
    deal = "us-mexico-honduras-guatemala-border-deal-2021-03"
    for measure in ("mexico-deployment-10000-security-personnel", "mexico-doubled-migrant-detentions"):
        link = links[(measure, "implements", deal)]
        assert link.excerpt.startswith("In March, the U.S. struck a deal") and "Inference" in link.notes


def test_statuses_the_article_does_not_give_are_unknown():
    for slug in (
        "asylum-seekers-wait-in-mexico-arrangement",
        "trump-2019-northern-triangle-aid-cut",
        "trump-amlo-transactional-approach-on-immigration",
        "mexico-doubled-migrant-detentions",
    ):
        policy = Policy.objects.get(slug=slug)
        assert policy.status == "unknown", slug
        assert "Status unknown" in policy.notes or "status is unknown" in policy.notes, slug


def test_titles_claim_only_what_the_article_says():
    detentions = Policy.objects.get(slug="mexico-doubled-migrant-detentions")
    assert detentions.title == "Mexico’s doubling of the number of its detentions"
    assert "migrant" not in detentions.summary
    assert "migrant" not in Statistic.objects.get(slug="mexico-migrant-detentions-change").title
    for model in (Source, Event, Policy, AidPackage, Statistic):
        assert not model.objects.filter(title__contains="June 2020").exists(), model.__name__


def test_events_have_their_status_as_of_the_article():
    statuses = dict(Event.objects.values_list("slug", "status"))
    assert statuses.pop("harris-planned-visit-2021-06-07") == "planned"
    assert set(statuses.values()) == {"held"}
    assert "inference" in Event.objects.get(slug="harris-amlo-virtual-meeting-2021-05-07").notes


def test_values_say_how_exact_the_article_is():
    expected = {
        "us-mexico-trade-goods-services-annual": ("677000000000", "more_than"),  # “More than $677 billion”
        "us-mexico-trade-goods-services-per-day": ("1800000000", "approximately"),  # “roughly $1.8 billion”
        "share-of-mexico-exports-bought-by-us": ("80", "approximately"),  # “roughly 80%”
        "mexico-exports-to-us-share-of-gdp": ("39", "approximately"),  # “about 39%”
        "migrant-encounters-busiest-month-in-nearly-two-decades": ("20", "approximately"),  # “nearly two decades”
        "share-of-biden-aid-request-to-community-organizations": ("50", "more_than"),  # “a majority”
        "migrant-encounters-us-mexico-border-increase-2021-03": ("71", "exact"),
        "us-fdi-in-mexico-2019": ("100900000000", "exact"),
    }
    for slug, (value, qualifier) in expected.items():
        stat = Statistic.objects.get(slug=slug)
        assert (stat.value, stat.value_qualifier) == (Decimal(value), qualifier), slug
    assert set(AidPackage.objects.values_list("value_qualifier", flat=True)) == {"exact"}


def test_rankings_are_records_with_the_countries_compared():
    expected = {
        "mexico-top-us-trading-partner-2019": (1, {"MX", "US", "CN"}, "surpassed China as the United States’ top"),
        "us-top-source-of-fdi-in-mexico": (1, {"US", "MX"}, "Mexico’s most important source of foreign direct"),
        "mexico-rank-among-buyers-of-us-goods": (2, {"MX", "US", "CA"}, "than any country after Canada"),
    }
    for slug, (rank, countries, words) in expected.items():
        stat = Statistic.objects.get(slug=slug)
        assert (stat.unit, stat.value, stat.value_qualifier) == ("rank", Decimal(rank), "exact"), slug
        assert codes(stat.countries) == countries, slug
        assert words in stat.excerpt, slug
    top = Statistic.objects.get(slug="mexico-top-us-trading-partner-2019")
    assert (top.period_start, top.date_precision) == (datetime.date(2019, 1, 1), "year")
    # The notes that held these rankings now point to their records; “after Canada” left the FDI figure.
    assert "after Canada" not in Statistic.objects.get(slug="us-fdi-in-mexico-2019").notes
    assert "busiest" not in Statistic.objects.get(slug="migrant-encounters-us-mexico-border-increase-2021-03").title


def test_facts_that_had_no_record():
    harris = Statement.objects.get(slug="harris-seeks-mexicos-continued-cooperation-on-enforcement")
    assert (harris.speaker.slug, harris.kind) == ("kamala-harris", "paraphrase")
    assert harris.text == "Harris is seeking Mexico’s continued cooperation on immigration enforcement"
    amlo = Statement.objects.get(slug="amlo-courts-us-on-investment-vaccines-and-reforestation")
    assert amlo.speaker.slug == AMLO
    assert "foreign investment, more coronavirus vaccines" in amlo.text
    assert slugs(amlo.policies) == {"amlo-reforestation-program", "eventual-six-month-us-work-visa"}
    obama = Policy.objects.get(slug="biden-root-causes-role-under-obama")
    assert slugs(obama.actors) == {"barack-obama", "joe-biden"}
    assert obama.status == "ended"
    assert obama.excerpt.endswith("a role Biden similarly played under former President Barack Obama.")


def test_march_deal_and_mexicos_measures():
    deal = Policy.objects.get(slug="us-mexico-honduras-guatemala-border-deal-2021-03")
    assert deal.kind == "agreement"
    assert (deal.start_date, deal.date_precision) == (datetime.date(2021, 3, 1), "month")
    assert codes(deal.countries) == {"MX", "HN", "GT"}
    implementing = PolicyRelation.objects.filter(relation="implements", to_policy=deal)
    assert {rel.from_policy.slug for rel in implementing} == {
        "mexico-deployment-10000-security-personnel",
        "mexico-doubled-migrant-detentions",
    }
    assert Policy.objects.get(slug="mexico-deployment-10000-security-personnel").jurisdiction.code == "MX"


def test_policy_kinds_and_statuses():
    expected = {
        "usmca": ("agreement", "in_effect"),
        "harris-regional-approach-to-limit-migration": ("strategy", "proposed"),
        "root-causes-of-migration-strategy": ("strategy", "in_effect"),
        "biden-4-billion-central-america-aid-plan": ("programme", "proposed"),
        "trump-border-wall-promise": ("programme", "proposed"),
        "eventual-six-month-us-work-visa": ("programme", "proposed"),
        "non-essential-travel-restrictions-us-mexico-border": ("executive_action", "in_effect"),
    }
    for slug, (kind, status) in expected.items():
        policy = Policy.objects.get(slug=slug)
        assert (policy.kind, policy.status) == (kind, status), slug
    assert codes(Policy.objects.get(slug="usmca").countries) == {"US", "MX", "CA"}
    assignment = Policy.objects.get(slug="harris-assignment-migration-mexico-2021-03")
    assert (assignment.start_date, assignment.date_precision) == (datetime.date(2021, 3, 1), "month")


def test_inferences_are_noted():
    assert "infer" in Policy.objects.get(slug="asylum-seekers-wait-in-mexico-arrangement").notes.lower()
    assert "2021" in Event.objects.get(slug="amlo-press-conference-2021-03-23").notes
    assert "infer" in Statistic.objects.get(slug="migrant-encounters-us-mexico-border-increase-2021-03").notes.lower()
