"""The pages for people: `/`, a page per record, the record lists, and the admin's citation display."""

import re
from datetime import date
from decimal import Decimal
from itertools import pairwise

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from policy.models import Actor, AidPackage, Event, Policy, Source, Statement, Statistic, Topic
from policy.models.base import Cited
from policy.web.resources import RESOURCES

from .api_support import BROWSER

pytestmark = pytest.mark.django_db

ARTICLE = "usa-today-biden-mexico-2021-05-07"
# Counts, timeline days and year-only days, statements, sources (dated, then undated: the fixtures
# date few), aid by status, largest aid, units, figures.
HOME_QUERIES = 10


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def first_key(resource):
    return resource.model.objects.order_by("pk").values_list(resource.key, flat=True).first()


# The landing page -----------------------------------------------------------------------------


def test_home_counts_every_record_type(client):
    html = client.get("/").content.decode()
    for prefix, resource in RESOURCES.items():
        card = re.search(rf'data-resource="{prefix}">.*?count-number">(\d+)<', html, re.S)
        assert int(card.group(1)) == resource.model.objects.count(), prefix
        assert f'href="/{prefix}/"' in html and f'href="/api/v1/{prefix}/"' in html


def test_home_links_the_api_docs_and_admin(client):
    html = client.get("/").content.decode()
    for url in ("/api/v1/", "/api/v1/docs/", "/admin/"):
        assert f'href="{url}"' in html


def test_home_timeline_draws_the_articles_months(client):
    html = client.get("/").content.decode()
    assert html.count('<rect class="bar') >= 10
    # Four statements on 7 May 2021 and one dated to May 2021 share May's segment.
    assert "<title>May 2021: 5 statements</title>" in html
    assert "<title>2016 (dated to the year only): 1 statement</title>" in html
    assert "January 2016 to June 2021" in html


def test_home_timeline_bar_opens_its_month_on_the_timeline_page(client):
    html = client.get("/").content.decode()
    href = re.search(r'<a href="([^"]+)"[^>]*><rect class="bar[^>]*><title>May 2021: 5 statements<', html).group(1)
    href = href.replace("&amp;", "&")
    assert href.startswith("/timeline/?")
    page = client.get(href).content.decode()
    assert "5 dated records" in page and "<h1>Timeline: May 2021</h1>" in page
    assert page.count('<span class="type-badge"') == 5
    body = client.get(href.replace("/timeline/", "/api/v1/timeline/")).json()  # the same records as the API's
    assert {item["type"] for item in body["results"]} == {"statement"}
    for item in body["results"]:
        assert f'href="/statements/{item["slug"]}/"' in page


def test_home_lists_latest_statements_with_speakers(client):
    html = client.get("/").content.decode()
    latest = Statement.objects.filter(said_on__isnull=False).order_by("-said_on", "-slug").first()
    assert f'href="/statements/{latest.slug}/"' in html
    assert f'href="/api/v1/statements/{latest.slug}/"' in html
    assert latest.speaker.name in html


def test_home_lists_the_newest_sources(client):
    html = client.get("/").content.decode()
    assert f'href="/sources/{ARTICLE}/"' in html and "USA Today · 7 May 2021" in html
    assert html.index(f"/sources/{ARTICLE}/") < html.index("/sources/crs-report-2020-06/")  # newest first
    assert html.index("/sources/crs-report-2020-06/") < html.index("/sources/rothkopf-traitor/")  # then undated


def test_home_aid_chart_by_status_and_amount(client):
    html = client.get("/").content.decode()
    assert "Requested (2)" in html and "$4 billion, 1 with no amount" in html
    assert "Cut (1)" in html and "no amount given" in html
    assert 'href="/aid-packages/biden-4-billion-central-america-aid-request/"' in html
    assert 'href="/aid-packages/?status=requested"' in html


def test_home_statistics_grouped_by_unit(client):
    html = client.get("/").content.decode()
    for unit in ("Percent", "US dollars", "Persons"):
        assert f"<h3>{unit} <span" in html
    assert "$677 billion" in html and "80%" in html and "10,000 persons" in html
    assert 'href="/statistics/us-fdi-in-mexico-2019/"' in html


def test_home_lists_ranks_first_to_last_without_bars(client):
    html = client.get("/").content.decode()
    panel = html[html.index("<h3>Rank (1 = first) <span") :]
    panel = panel[: panel.index("</ul>")]
    values = re.findall(r'<span class="bar-value">rank (\d+)</span>', panel)
    assert values == sorted(values, key=int) and len(values) >= 2
    assert set(re.findall(r'<rect class="bar" width="([^"]+)"', panel)) == {"0"}


def test_home_costs_a_fixed_number_of_queries(client, django_user_model):
    assert queries(client, "/") == HOME_QUERIES
    speaker = Actor.objects.get(slug="kamala-harris")
    source = Source.objects.get(slug=ARTICLE)
    for i in range(30):
        Statement.objects.create(
            slug=f"extra-{i}", speaker=speaker, text="words", kind="quote", said_on=date(2010 + i % 12, 1 + i % 12, 1),
            date_precision="month", source=source, excerpt="It probably won’t be easy.",
        )  # fmt: skip
        AidPackage.objects.create(
            slug=f"aid-{i}", title=f"Aid {i}", donor_id=speaker.country_id, amount=Decimal(i), kind="food",
            status="pledged", currency="EUR" if i % 3 else "USD", source=source, excerpt="It probably won’t be easy.",
        )  # fmt: skip
        Statistic.objects.create(
            slug=f"figure-{i}", title=f"Figure {i}", indicator="x", value=i, unit=["count", "years"][i % 2],
            source=source, excerpt="It probably won’t be easy.",
        )  # fmt: skip
    assert queries(client, "/") == HOME_QUERIES


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_home_is_rendered_once_per_data_version(client):
    """Outside a transaction the page is cached until a write moves the data version on."""
    statements = r'data-resource="statements">.*?count-number">(\d+)<'
    before = int(re.search(statements, client.get("/").content.decode(), re.S).group(1))
    assert queries(client, "/") == 0
    statement = Statement.objects.order_by("pk").first()
    statement.pk, statement.slug = None, "a-new-statement"
    statement.save()
    html = client.get("/").content.decode()
    assert int(re.search(statements, html, re.S).group(1)) == before + 1
    assert queries(client, "/") == 0


def axis_labels(html):
    """(x, label) of the timeline's labels under its months."""
    return [
        (float(x), label) for x, label in re.findall(r'<text class="axis" x="([\d.]+)" y="226">([^<]+)</text>', html)
    ]


@pytest.mark.parametrize(
    "said_on, first_labels",
    [
        # 367 months from December 1990: “Dec 1990” was drawn 32 px before “1992”, over it.
        ("1990-12-10", ["1992", "1994"]),
        ("2015-12-10", ["2016", "2017"]),  # 67 months: “Dec 2015” was 13 px before “2016”
        ("2015-06-10", ["Jun 2015", "2016"]),  # room for it
    ],
)
def test_home_timeline_labels_never_overlap(client, said_on, first_labels):
    Statement.objects.filter(slug="trump-rapists-and-murderers").update(said_on=said_on, date_precision="day")
    labels = axis_labels(client.get("/").content.decode())
    assert [label for _, label in labels[:2]] == first_labels
    gaps = [(b[0] - a[0], a[1]) for a, b in pairwise(labels)]
    assert all(gap >= (60 if " " in label else 40) for gap, label in gaps), gaps


def test_home_timeline_of_one_year(client):
    for model in (AidPackage, Statistic, Event, Policy):
        model.objects.all().delete()
    Statement.objects.exclude(said_on__year=2021).delete()
    html = client.get("/").content.decode()
    assert "March 2021 to May 2021" in html
    assert axis_labels(html) == [(44.0, "Mar 2021")]  # the one year named once, by its first month


def test_home_renders_with_no_records(client):
    for model in (Statement, AidPackage, Statistic):
        model.objects.all().delete()
    html = client.get("/").content.decode()
    assert "No dated statements yet." in html and "No aid packages yet." in html and "No statistics yet." in html


# Record pages -----------------------------------------------------------------------------------


@pytest.mark.parametrize("prefix", RESOURCES)
def test_every_record_type_has_a_page(client, prefix):
    resource = RESOURCES[prefix]
    key = first_key(resource)
    response = client.get(f"/{prefix}/{key}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="/api/v1/{prefix}/{key}/"' in html
    assert 'id="history-heading"' in html


@pytest.mark.parametrize("prefix", RESOURCES)
def test_unknown_key_is_404(client, prefix):
    assert client.get(f"/{prefix}/no-such-record/").status_code == 404


@pytest.mark.parametrize("prefix", RESOURCES)
def test_a_record_page_refuses_parameters_rather_than_show_now_as_then(client, prefix):
    key = first_key(RESOURCES[prefix])
    response = client.get(f"/{prefix}/{key}/", {"as_of": "2000-01-01T00:00:00Z", "foo": "1"}, HTTP_ACCEPT=BROWSER)
    assert response.status_code == 400 and response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert "<code>as_of</code>, <code>foo</code>" in html
    assert f'href="/api/v1/{prefix}/{key}/?as_of=2021-05-07T00:00:00Z"' in html
    assert client.get(f"/api/v1/{prefix}/{key}/?as_of=2021-05-07T00:00:00Z").status_code in (200, 404)


def test_country_codes_are_case_insensitive(client):
    assert "<h1>Mexico</h1>" in client.get("/countries/mx/").content.decode()


def test_policy_page_shows_fields_relations_and_links(client):
    html = client.get("/policies/trump-era-hardline-immigration-policies/").content.decode()
    assert "Reversed by" in html
    assert 'href="/policies/biden-reversal-of-trump-era-immigration-policies/"' in html
    assert re.search(r"<dt>Status</dt>\s*<dd>\s*Reversed\s*</dd>", html)
    assert "among related" not in html  # the typed links are not listed a second time


def test_citation_is_highlighted_in_the_source_text(admin_client):
    # The article's licence keeps its text to editors (anonymous readers: tests/test_licensing.py).
    statement = Statement.objects.get(slug="harris-pitches-regional-approach-to-mexico")
    html = admin_client.get(f"/statements/{statement.slug}/").content.decode()
    excerpt = re.search(r'<mark class="excerpt">(.*?)</mark>', html, re.S).group(1)
    assert excerpt.startswith("The vice president also pitched Mexico")
    context = re.search(r'<blockquote class="in-context">(.*?)<mark', html, re.S).group(1)
    assert "hardline immigration policies" in context  # the words before it in the article
    assert f'href="/sources/{ARTICLE}/"' in html


def test_untrusted_source_text_and_urls_are_escaped(client):
    source = Source.objects.create(
        slug="hostile",
        title="<b>T</b>",
        kind="other",
        text="before <script>alert(1)</script> the words <i>after</i>",
        text_license="public_domain",  # shown to anyone
    )
    Source.objects.filter(pk=source.pk).update(url="javascript:alert(1)")  # as a raw import could store it
    statement = Statement.objects.create(
        slug="quoted", speaker=Actor.objects.first(), text="x", kind="quote", source=source, excerpt="the words"
    )
    html = client.get(f"/statements/{statement.slug}/").content.decode()
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert '<mark class="excerpt">the words</mark> &lt;i&gt;after&lt;/i&gt;' in html
    source_page = client.get("/sources/hostile/").content.decode()
    assert 'href="javascript:' not in source_page and "javascript:alert(1)" in source_page  # shown, not linked
    assert "&lt;b&gt;T&lt;/b&gt;" in source_page and "<mark>the words</mark>" in source_page


def test_citation_without_source_text_quotes_the_excerpt_alone(client):
    html = client.get("/statistics/us-fdi-in-mexico-2019/").content.decode()
    statistic = Statistic.objects.get(slug="us-fdi-in-mexico-2019")
    if statistic.excerpt_start is None:
        assert "we do not hold this source’s text" in html
    assert '<mark class="excerpt">' in html


def test_source_page_numbers_every_citing_excerpt(admin_client):
    html = admin_client.get(f"/sources/{ARTICLE}/").content.decode()
    cited = sum(
        model.objects.filter(source__slug=ARTICLE, excerpt_start__isnull=False).count()
        for model in Cited.__subclasses__()
    )
    numbers = re.findall(r'<sup><a href="/[a-z-]+/[^"]+/" title="[^"]*">(\d+)</a></sup>', html)
    assert sorted(map(int, numbers)) == list(range(1, cited + 1))


def test_history_shows_who_changed_what(admin_client, superuser):
    statement = Statement.objects.get(slug="harris-pitches-regional-approach-to-mexico")
    url = reverse("statement-detail", kwargs={"slug": statement.slug})
    assert admin_client.patch(url, {"language": "es"}, content_type="application/json").status_code == 200
    html = admin_client.get(f"/statements/{statement.slug}/").content.decode()
    entry = re.search(r'<li class="history-entry change-changed">(.*?)</li>', html, re.S).group(1)
    assert f'<span class="history-user">{superuser.username}</span>' in entry
    anonymous = Client().get(f"/statements/{statement.slug}/").content.decode()
    assert "history-user" not in anonymous, "anonymous readers are not told usernames (nor of their absence)"
    superuser.first_name, superuser.last_name = "Ada", "Admin"
    superuser.save()
    anonymous = Client().get(f"/statements/{statement.slug}/").content.decode()
    entry = re.search(r'<li class="history-entry change-changed">(.*?)</li>', anonymous, re.S).group(1)
    assert '<span class="history-user">Ada Admin</span>' in entry
    assert f">{superuser.username}<" not in anonymous
    assert re.search(r"<th scope=\"row\">language</th><td class=\"old\">en</td><td class=\"new\">es</td>", entry)
    assert "as it was" in entry


def test_history_shows_where_a_long_text_changed(admin_client):
    statement = Statement.objects.get(slug="harris-pitches-regional-approach-to-mexico")
    url = reverse("statement-detail", kwargs={"slug": statement.slug})
    edited = statement.notes + " Checked again."
    assert admin_client.patch(url, {"notes": edited}, content_type="application/json").status_code == 200
    html = Client().get(f"/statements/{statement.slug}/").content.decode()
    new = re.search(r'<td class="new">(.*?)</td>', html, re.S).group(1)
    assert new.startswith("…") and new.endswith("(inference). Checked again.")


def test_staff_get_an_edit_link(admin_client):
    url = "/topics/migration/"
    change = reverse("admin:policy_topic_change", args=[Topic.objects.get(slug="migration").pk])
    assert change not in Client().get(url).content.decode()
    assert change in admin_client.get(url).content.decode()


# Query counts do not grow with the data ------------------------------------------------------------


def add_statements(speaker, count):
    source = Source.objects.get(slug=ARTICLE)
    topic = Topic.objects.get(slug="migration")
    for i in range(count):
        statement = Statement.objects.create(
            slug=f"more-{speaker.slug}-{i}", speaker=speaker, text=f"words {i}", kind="quote",
            source=source, excerpt="It probably won’t be easy.",
        )  # fmt: skip
        statement.topics.add(topic)


@pytest.mark.parametrize(
    "url, pinned",
    [
        ("/actors/kamala-harris/", 10),
        ("/topics/migration/", 7),
        ("/countries/MX/", 10),
        (f"/sources/{ARTICLE}/", 9),  # its licence now, for its history's text (policy.reading.history_reader)
        ("/policies/usmca/", 17),  # its links' history: one query (policy.reading.history.LinkHistory)
        ("/statements/harris-pitches-regional-approach-to-mexico/", 15),
    ],
)
def test_record_page_queries_are_fixed(client, url, pinned):
    assert queries(client, url) == pinned
    add_statements(Actor.objects.get(slug="kamala-harris"), 20)
    assert queries(client, url) == pinned


def test_long_relation_lists_stop_and_link_the_api(client):
    add_statements(Actor.objects.get(slug="kamala-harris"), 20)
    html = client.get("/actors/kamala-harris/").content.decode()
    assert 'href="/api/v1/statements/?speaker=kamala-harris"' in html


# Lists ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("prefix", RESOURCES)
def test_every_record_type_has_a_list(client, prefix):
    resource = RESOURCES[prefix]
    html = client.get(f"/{prefix}/").content.decode()
    assert f'href="/{prefix}/{first_key(resource)}/"' in html
    count = resource.model.objects.count()
    assert f">{count} {resource.verbose_name_plural if count != 1 else resource.verbose_name}</span>" in html


def test_favicon_redirects_to_the_static_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("policy/favicon.svg")


# Issue 13: values as exact as the article, events as of it, policy links with their evidence.


@pytest.mark.parametrize(
    "slug, shown",
    [
        ("share-of-mexico-exports-bought-by-us", "≈ 80% (80)"),  # “roughly 80%”
        ("us-mexico-trade-goods-services-annual", "&gt; $677 billion (677,000,000,000)"),  # “More than”
        ("us-mexico-trade-goods-services-per-day", "≈ $1.8 billion"),  # “roughly $1.8 billion per day”
        ("mexico-rank-among-buyers-of-us-goods", "rank 2 (2)"),  # “after Canada”
        ("us-fdi-in-mexico-2019", "$100.9 billion (100,900,000,000)"),  # exact: no sign
    ],
)
def test_a_figure_reads_as_exact_as_its_source(client, slug, shown):
    html = client.get(f"/statistics/{slug}/").content.decode()
    assert shown in html


def test_home_figures_carry_their_qualifiers(client):
    html = client.get("/").content.decode()
    assert "&gt; $677 billion" in html and "≈ 80%" in html and "rank 1" in html


def test_a_planned_event_says_so(client):
    html = client.get("/events/harris-planned-visit-2021-06-07/").content.decode()
    assert re.search(r"<dt>Status</dt>\s*<dd>\s*Planned\s*</dd>", html)
    held = client.get("/events/amlo-press-conference-2021-03-23/").content.decode()
    assert re.search(r"<dt>Status</dt>\s*<dd>\s*Held\s*</dd>", held)


def test_policy_links_show_their_citation(client):
    html = client.get("/policies/mexico-deployment-10000-security-personnel/").content.decode()
    assert "Implements" in html
    assert "In March, the U.S. struck a deal with Mexico, Honduras and Guatemala" in html
    assert "Inference: the article reports the deployment right after the deal" in html
    assert f'href="/sources/{ARTICLE}/"' in html
