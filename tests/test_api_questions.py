"""Questions a researcher would put to the article's data, each answered by one request.

The expected answers are read off the fixtures (fixtures/*.json, from USA Today's 2021-05-07
article on Biden, Harris and López Obrador).
"""

import csv
import io

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

AMLO = "andres-manuel-lopez-obrador"
AMLO_STATEMENTS = {
    "amlo-praise-trump-respecting-mexico",
    "amlo-congratulates-biden-stay-out-of-mexicos-affairs",
    "amlo-expectations-better-treatment-of-migrants",
    "amlo-relations-not-completely-positive",
    "amlo-assures-harris-us-can-count-on-mexico",
    "amlo-courts-us-on-investment-vaccines-and-reforestation",
}
MARCH_2021 = {"date_after": "2021-03-01", "date_before": "2021-03-31"}


def ask(route, **params):
    response = APIClient().get(f"/api/v1/{route}/", params)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == len(body["results"])
    return {item["slug"]: item for item in body["results"]}


def test_everything_lopez_obrador_said():
    by_speaker = ask("statements", speaker=AMLO)
    assert set(by_speaker) == AMLO_STATEMENTS
    assert {item["speaker"]["name"] for item in by_speaker.values()} == {"Andrés Manuel López Obrador"}
    march_23 = by_speaker["amlo-expectations-better-treatment-of-migrants"]
    assert (march_23["said_on"], march_23["date_precision"]) == ("2021-03-23", "day")
    assert march_23["event"]["slug"] == "amlo-press-conference-2021-03-23"


def test_searching_his_initials_finds_his_statements_and_those_that_name_him():
    """`search=AMLO` matches his alias, so it finds all he said; it also finds the two statements
    of David Rothkopf whose own words name “AMLO” — a text search, unlike `speaker=`."""
    found = ask("statements", search="AMLO")
    assert set(found) == AMLO_STATEMENTS | {
        "rothkopf-amlo-populist-nationalistic-thrust",
        "rothkopf-biden-amlo-relationship-more-complex",
    }
    for slug in set(found) - AMLO_STATEMENTS:
        assert found[slug]["speaker"]["slug"] == "david-rothkopf"
        assert "AMLO" in found[slug]["text"]
    assert set(ask("statements", search="amlo", speaker=AMLO)) == AMLO_STATEMENTS


def test_aid_to_guatemala_above_100_million():
    found = ask("aid-packages", recipient="GT", amount_min="100000000")
    assert {slug: item["amount"] for slug, item in found.items()} == {
        "biden-4-billion-central-america-aid-request": "4000000000.00",
        "harris-310-million-northern-triangle-aid-2021-04": "310000000.00",
    }
    for item in found.values():
        assert "GT" in {country["code"] for country in item["recipients"]}
        assert item["currency"] == "USD"
    harris = found["harris-310-million-northern-triangle-aid-2021-04"]
    assert (harris["announced_by"]["slug"], harris["announced_on"], harris["status"]) == (
        "kamala-harris",
        "2021-04-01",
        "announced",
    )


def test_aid_without_an_amount_is_not_above_any_amount():
    assert "trump-2019-northern-triangle-aid-cut" in ask("aid-packages", recipient="GT")
    assert "trump-2019-northern-triangle-aid-cut" not in ask("aid-packages", recipient="GT", amount_min="0")


def test_policies_in_effect():
    assert set(ask("policies", status="in_effect")) == {
        "usmca",
        "harris-assignment-migration-mexico-2021-03",
        "biden-reversal-of-trump-era-immigration-policies",
        "us-mexico-honduras-guatemala-border-deal-2021-03",
        "mexico-deployment-10000-security-personnel",
        "root-causes-of-migration-strategy",
        "non-essential-travel-restrictions-us-mexico-border",
        "amlo-reforestation-program",
    }


def test_policies_reversed_or_ended():
    assert set(ask("policies", status=["reversed", "ended"])) == {
        "trump-era-hardline-immigration-policies",
        "biden-root-causes-role-under-obama",
    }


def test_policies_whose_status_the_article_does_not_give():
    """The article tells of these without saying where they stand: `unknown`, never a guess."""
    found = ask("policies", status="unknown")
    assert set(found) == {
        "asylum-seekers-wait-in-mexico-arrangement",
        "trump-amlo-transactional-approach-on-immigration",
        "trump-2019-northern-triangle-aid-cut",
        "mexico-doubled-migrant-detentions",
    }
    # Nor is a link the article does not state: Biden's reversal reverses the group it names, no more.
    reversal = APIClient().get("/api/v1/policies/biden-reversal-of-trump-era-immigration-policies/").json()
    (link,) = reversal["related"]
    assert (link["relation"], link["policy"]["slug"]) == ("reverses", "trump-era-hardline-immigration-policies")
    assert "after Biden reversed Trump-era, hardline immigration policies" in link["excerpt"]
    assert link["source"]["slug"] == "usa-today-biden-mexico-2021-05-07"


def test_figures_the_article_gives_as_approximate_or_bounded():
    assert set(ask("statistics", value_qualifier="approximately")) == {
        "us-mexico-trade-goods-services-per-day",
        "share-of-mexico-exports-bought-by-us",
        "mexico-exports-to-us-share-of-gdp",
        "migrant-encounters-busiest-month-in-nearly-two-decades",
    }
    bounded = ask("statistics", value_qualifier=["more_than", "less_than", "at_least", "at_most"])
    assert {slug: (item["value"], item["value_qualifier"]) for slug, item in bounded.items()} == {
        "us-mexico-trade-goods-services-annual": ("677000000000.0000", "more_than"),
        "share-of-biden-aid-request-to-community-organizations": ("50.0000", "more_than"),
    }
    assert set(ask("aid-packages", value_qualifier="exact")) == set(ask("aid-packages"))


def test_rankings_link_the_countries_compared():
    ranks = ask("statistics", unit="rank")
    assert {slug: item["value"] for slug, item in ranks.items()} == {
        "mexico-top-us-trading-partner-2019": "1.0000",
        "us-top-source-of-fdi-in-mexico": "1.0000",
        "mexico-rank-among-buyers-of-us-goods": "2.0000",
    }
    assert set(ask("statistics", country="CN")) == {"mexico-top-us-trading-partner-2019"}
    assert set(ask("statistics", country="CA", unit="rank")) == {"mexico-rank-among-buyers-of-us-goods"}


def test_events_still_to_come_at_publication():
    planned = ask("events", status="planned")
    assert set(planned) == {"harris-planned-visit-2021-06-07"}
    visit = planned["harris-planned-visit-2021-06-07"]
    assert (visit["start_date"], visit["end_date"], visit["status"]) == ("2021-06-07", "2021-06-08", "planned")
    assert len(ask("events", status="held")) == len(ask("events")) - 1


def test_statistics_published_by_cbp():
    found = ask("statistics", publisher="us-customs-and-border-protection")
    assert list(found) == ["migrant-encounters-us-mexico-border-increase-2021-03"]
    climb = found["migrant-encounters-us-mexico-border-increase-2021-03"]
    assert (climb["value"], climb["unit"], climb["period_start"]) == ("71.0000", "percent", "2021-03-01")
    assert climb["publisher"]["name"] == "U.S. Customs and Border Protection"


def test_what_happened_in_march_2021():
    assert set(ask("statements", **MARCH_2021)) == {"amlo-expectations-better-treatment-of-migrants"}
    assert set(ask("events", **MARCH_2021)) == {"amlo-press-conference-2021-03-23", "biden-amlo-first-meeting-2021-03"}
    assert set(ask("policies", **MARCH_2021)) == {
        "harris-assignment-migration-mexico-2021-03",
        "us-mexico-honduras-guatemala-border-deal-2021-03",
    }
    assert set(ask("statistics", **MARCH_2021)) == {
        "migrant-encounters-us-mexico-border-increase-2021-03",
        "migrant-encounters-busiest-month-in-nearly-two-decades",
    }
    first_meeting = ask("events", **MARCH_2021)["biden-amlo-first-meeting-2021-03"]
    assert (first_meeting["start_date"], first_meeting["date_precision"]) == ("2021-03-01", "month")


def test_what_was_said_at_the_friday_virtual_meeting():
    found = ask("statements", event="harris-amlo-virtual-meeting-2021-05-07")
    assert set(found) == {
        "harris-pitches-regional-approach-to-mexico",
        "harris-bilateral-and-multilateral-approach",
        "amlo-relations-not-completely-positive",
        "amlo-assures-harris-us-can-count-on-mexico",
    }
    assert {item["said_on"] for item in found.values()} == {"2021-05-07"}


def test_policies_involving_the_northern_triangle():
    found = ask("policies", country=["GT", "HN", "SV"], ordering="slug")
    # Each of these lists two or three of the countries, and comes back once.
    assert list(found) == [
        "biden-4-billion-central-america-aid-plan",
        "harris-assignment-migration-mexico-2021-03",
        "harris-regional-approach-to-limit-migration",
        "root-causes-of-migration-strategy",
        "trump-2019-northern-triangle-aid-cut",
        "us-mexico-honduras-guatemala-border-deal-2021-03",
    ]
    deal = found["us-mexico-honduras-guatemala-border-deal-2021-03"]
    assert {country["code"] for country in deal["countries"]} == {"MX", "HN", "GT"}


def test_the_csv_export_carries_qualifiers_and_statuses():
    def rows(route, **params):
        response = APIClient().get(f"/api/v1/{route}/", {"format": "csv", **params})
        assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
        text = b"".join(response.streaming_content).decode()
        return {row["slug"]: row for row in csv.DictReader(io.StringIO(text))}

    bounded = rows("statistics", value_qualifier="more_than")
    assert {slug: (row["value"], row["value_qualifier"]) for slug, row in bounded.items()} == {
        "us-mexico-trade-goods-services-annual": ("677000000000.0000", "more_than"),
        "share-of-biden-aid-request-to-community-organizations": ("50.0000", "more_than"),
    }
    assert {row["status"] for row in rows("events", status="planned").values()} == {"planned"}
    assert {row["value_qualifier"] for row in rows("aid-packages").values()} == {"exact"}
    links = rows("policies", status="in_effect")["biden-reversal-of-trump-era-immigration-policies"]["related"]
    assert links == "reverses:trump-era-hardline-immigration-policies"
