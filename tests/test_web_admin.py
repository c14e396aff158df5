"""The admin's citation display: the excerpt highlighted in its source's text, escaped."""

import re

import pytest
from django.urls import reverse

from policy.models import Actor, Country, Source, Statement

pytestmark = pytest.mark.django_db


def test_admin_shows_the_excerpt_in_context_and_links_the_page(admin_client):
    statement = Statement.objects.get(slug="harris-pitches-regional-approach-to-mexico")
    html = admin_client.get(reverse("admin:policy_statement_change", args=[statement.pk])).content.decode()
    assert re.search(r"<mark>The vice president also pitched Mexico", html)
    assert f'href="/statements/{statement.slug}/"' in html  # the citation's link and “View on site”
    assert "policy/admin.css" in html


def test_admin_citation_is_escaped(admin_client):
    source = Source.objects.create(
        slug="hostile", title="T", kind="other", text="<img src=x onerror=alert(1)> the words"
    )
    statement = Statement.objects.create(
        slug="quoted", speaker=Actor.objects.first(), text="x", kind="quote", source=source, excerpt="the words"
    )
    html = admin_client.get(reverse("admin:policy_statement_change", args=[statement.pk])).content.decode()
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt; <mark>the words</mark>" in html


def test_view_on_site_opens_the_public_page(admin_client):
    html = admin_client.get(reverse("admin:policy_country_change", args=[Country.objects.get(code="MX").pk])).content
    assert b'href="/countries/MX/"' in html


def test_a_source_without_text_shows_the_excerpt_alone(admin_client):
    source = Source.objects.create(slug="no-text", title="T", kind="other")
    statement = Statement.objects.create(
        slug="quoted", speaker=Actor.objects.first(), text="x", kind="quote", source=source, excerpt="the words"
    )
    html = admin_client.get(reverse("admin:policy_statement_change", args=[statement.pk])).content.decode()
    assert "<mark>the words</mark>" in html and "We do not hold this source’s text" in html
