"""The browsable API as a tool: JSON indented in a browser, a record's edit forms filled with the
record, and docs written for the API's users, with no lock beside what anyone may read."""

import html
import json
import re

import pytest
from rest_framework.test import APIClient

from policy.models import Policy, PolicyRelation, Statement

from .api_support import BROWSER


@pytest.fixture
def editor(admin_client):
    return admin_client


def raw_data(page):
    """The raw-data form's JSON for PUT/PATCH (the last `_content` textarea on the page)."""
    (content, *_) = re.findall(r'<textarea[^>]*name="_content"[^>]*>(.*?)</textarea>', page, re.S)[-1:]
    return json.loads(html.unescape(content))


@pytest.mark.django_db
def test_json_is_indented_in_a_browser_and_compact_for_programs(client):
    page = client.get("/api/v1/topics/migration/", HTTP_ACCEPT=BROWSER).content.decode()
    assert '{\n  &quot;url&quot;: &quot;<a href="http://testserver/api/v1/topics/migration/"' in page
    assert "&quot;,\n  &quot;slug&quot;: &quot;migration&quot;,\n  &quot;name&quot;" in page
    assert APIClient().get("/api/v1/topics/migration/").content.startswith(b'{"url":')


@pytest.mark.django_db
def test_a_records_edit_forms_hold_the_record(editor):
    statement = Statement.objects.exclude(addressee=None).order_by("pk").last()
    page = editor.get(f"/api/v1/statements/{statement.slug}/", HTTP_ACCEPT=BROWSER).content.decode()
    # The HTML form: the record's speaker and source chosen, its text in the text field.
    assert re.search(rf'<option value="{statement.speaker.slug}"\s+selected\s*>', page)
    assert re.search(rf'<option value="{statement.source.slug}"\s+selected\s*>', page)
    assert html.escape(statement.text, quote=False) in page
    # The raw data: the writable fields, as they may be sent back.
    content = raw_data(page)
    assert content["speaker"] == statement.speaker.slug and content["text"] == statement.text
    assert content["addressee"] == statement.addressee.slug
    assert not {"url", "created_at", "updated_at", "excerpt_start"} & set(content)
    response = editor.put(f"/api/v1/statements/{statement.slug}/", content, content_type="application/json")
    assert response.status_code == 200, response.content


@pytest.mark.django_db
def test_a_past_version_and_a_list_keep_dRFs_forms(editor):
    assert editor.get("/api/v1/statements/", HTTP_ACCEPT=BROWSER).status_code == 200
    slug = Statement.objects.order_by("pk").first().slug
    assert editor.get(f"/api/v1/statements/{slug}/?as_of=2020-01-01T00:00:00Z", HTTP_ACCEPT=BROWSER).status_code in (
        200,
        404,
    )


@pytest.mark.django_db
def test_a_linked_policys_edit_forms_hold_its_links(editor):
    """The raw-data form read a policy's links from the policies `related` names, not from its links
    (a 500 for anyone who may edit, on every policy with a link)."""
    policy = Policy.objects.filter(relations__isnull=False).order_by("pk").first()
    url = f"/api/v1/policies/{policy.slug}/"
    response = editor.get(url, HTTP_ACCEPT=BROWSER)
    assert response.status_code == 200
    before = APIClient().get(url).json()["related"]
    links = [
        {key: value["slug"] if key in ("policy", "source") else value for key, value in link.items()} for link in before
    ]
    content = raw_data(response.content.decode())
    assert content["related"] == links and links
    response = editor.put(url, content, content_type="application/json")
    assert response.status_code == 200, response.content
    assert APIClient().get(url).json()["related"] == before


def drawn_links(page):
    """The API's addresses a browsable page links to (not its static files)."""
    hrefs = (html.unescape(href) for href in re.findall(r'href="([^"#]+)"', page))
    return {href.removeprefix("http://testserver") for href in hrefs if "/api/" in href}


@pytest.mark.django_db
@pytest.mark.parametrize("signed_in", [False, True])
def test_every_link_the_api_root_draws_answers(admin_client, signed_in):
    """Its links kept the root's own `?format=`: from `/api/v1/?format=api` (the page's format menu)
    the docs, the schema, the search and the zip were 400s; `?format=csv` gave a CSV of links."""
    client = admin_client if signed_in else APIClient()
    links = set()
    for root in ("/api/v1/", "/api/v1/?format=json", "/api/v1/?format=api", "/api/v1/.json"):
        if "api" not in root.split("?")[-1]:
            links |= {url.removeprefix("http://testserver") for url in client.get(root).json().values()}
        links |= drawn_links(client.get(root, HTTP_ACCEPT=BROWSER).content.decode())
    assert len(links) > 15 and not any("format=csv" in link for link in links)
    answers = {
        (link, accept): client.get(link, HTTP_ACCEPT=accept).status_code
        for link in links
        for accept in ("application/json", BROWSER)
    }
    # Search needs `q` (a 400 saying so); the docs are a page, not JSON, as is `?format=api`.
    expected = {
        (link, accept): 400
        if link.startswith("/api/v1/search/")
        else 406
        if accept == "application/json" and ("format=api" in link or link == "/api/v1/docs/")
        else 200
        for link, accept in answers
    }
    assert answers == expected
    assert client.get("/api/v1/?format=csv").status_code == 400


def test_a_policy_with_links_has_its_edit_forms(editor):
    """Was a 500 for anyone who may change policies: the raw-data form read a link from the policy's
    `related` targets, which hold no relation, source or excerpt."""
    link = PolicyRelation.objects.order_by("pk").first()
    response = editor.get(f"/api/v1/policies/{link.from_policy.slug}/", HTTP_ACCEPT=BROWSER)
    assert response.status_code == 200
    sent_back = raw_data(response.content.decode())
    assert {
        "relation": link.relation,
        "policy": link.to_policy.slug,
        "source": link.source.slug,
        "excerpt": link.excerpt,
        "excerpt_start": link.excerpt_start,
        "excerpt_end": link.excerpt_end,
        "notes": link.notes,
    } in sent_back["related"]
    assert (
        editor.put(f"/api/v1/policies/{link.from_policy.slug}/", sent_back, content_type="application/json").status_code
        == 200
    )


STATEMENT = "amlo-praise-trump-respecting-mexico"
MENU_PAGES = [
    "/api/v1/statements/",
    "/api/v1/statements/?facets=kind,year&search=border",
    "/api/v1/statements/?page_size=5&page=2&ordering=-said_on",
    "/api/v1/statements/?page_size=5&cursor=",
    f"/api/v1/statements/{STATEMENT}/",
    f"/api/v1/statements/{STATEMENT}/?as_of=2030-01-01T00:00:00Z",
    f"/api/v1/statements/{STATEMENT}/history/",
    "/api/v1/topics/migration/",
    "/api/v1/timeline/?page_size=5",
    "/api/v1/changes/?page_size=5",
    "/api/v1/search/?q=border",
]
# What DRF draws around the data: the breadcrumbs, the pagination, the GET button and its format menu.
MENUS = re.compile(
    r'<ul class="(?:breadcrumb|pagination)">.*?</ul>|<div class="btn-group format-selection">.*?</div>', re.S
)


def menu_links(page):
    return {html.unescape(link) for menu in MENUS.findall(page) for link in re.findall(r'href="([^"#]+)"', menu)}


@pytest.mark.django_db
@pytest.mark.parametrize("page", MENU_PAGES)
def test_every_link_of_the_menus_works(client, editor, page):
    """Found by following them: the CSV of a list with `?facets=` (a 400: CSV has no place for them) and
    the search's breadcrumb, `/api/v1/search/` without its `q` (a 400)."""
    for reader in (client, editor):
        body = reader.get(page, HTTP_ACCEPT=BROWSER).content.decode()
        links = menu_links(body)
        assert len(links) >= 4, links  # the root, the page, its formats
        for link in sorted(links):
            assert reader.get(link, HTTP_ACCEPT=BROWSER).status_code == 200, link


def test_the_filter_form_names_the_search_field(client, db):
    body = client.get("/api/v1/statements/", HTTP_ACCEPT=BROWSER).content.decode()
    assert '<label for="id_search">Search:</label>' in body


@pytest.fixture(scope="module")
def schema(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        return APIClient().get("/api/v1/schema/", {"format": "json"}).json()


def operations(schema):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield method.upper(), path, operation


def test_only_writes_carry_a_security_requirement(schema):
    for method, path, operation in operations(schema):
        editors_only = path.startswith("/api/v1/suggestions/")  # the review queue: editors read it too
        anyone = (method == "GET" and not editors_only) or path == "/api/v1/auth/token/"
        assert ("security" in operation) != anyone, (method, path)
    assert "security" not in schema


MAINTAINERS_WORDS = re.compile(r"ReadPlan|serializer|compiled|viewset|queryset", re.I)


def test_every_operation_is_described_for_the_apis_users(schema):
    summaries = set()
    for method, path, operation in operations(schema):
        description, summary = operation.get("description", ""), operation.get("summary", "")
        assert description and not MAINTAINERS_WORDS.search(description), (method, path, description[:100])
        assert summary and "`" not in summary and not MAINTAINERS_WORDS.search(summary), (method, path, summary)
        summaries.add((path.split("/")[3], summary))  # one resource's operations are told apart
    assert len(summaries) == len(list(operations(schema)))
    statements = schema["paths"]["/api/v1/statements/"]["get"]
    assert statements["summary"] == "List statements"
    assert schema["paths"]["/api/v1/actors/"]["post"]["summary"] == "Create an actor"
    assert "Example: `/api/v1/statements/?search=" in statements["description"]
    assert "accents and case ignored" in statements["description"]
