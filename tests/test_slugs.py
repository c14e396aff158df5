"""Slugs that write themselves (policy.slugs): on API create when omitted, ASCII, cut at a word, unique."""

import pytest

from policy.models import Topic
from policy.slugs import slug_base

from .api_support import client_for, editor_user


def test_a_slug_is_ascii_and_cut_between_words():
    assert slug_base("López Obrador’s “respect” — São Paulo") == "lopez-obradors-respect-sao-paulo"
    long = slug_base("word " * 40)
    assert len(long) <= 60 and long.endswith("word") and not long.endswith("-")
    assert slug_base("北京", fallback="topic") == "topic"


@pytest.mark.django_db
def test_the_api_proposes_a_slug_when_a_create_omits_it(django_user_model):
    client = client_for(editor_user(django_user_model, "ed"))
    first = client.post("/api/v1/topics/", {"name": "Trade Policy"}, format="json")
    second = client.post("/api/v1/topics/", {"name": "Trade policy"}, format="json")
    assert (first.status_code, second.status_code) == (201, 201)
    assert (first.json()["slug"], second.json()["slug"]) == ("trade-policy", "trade-policy-2")
    assert Topic.objects.filter(slug__startswith="trade-policy").count() == 2
    given = client.post("/api/v1/topics/", {"name": "Trade", "slug": "my-key"}, format="json")
    assert given.json()["slug"] == "my-key"
    schema = client_for().get("/api/v1/schema/", {"format": "json"}).json()
    assert "slug" not in schema["components"]["schemas"]["TopicRequest"].get("required", [])
    country = client.post("/api/v1/countries/", {"name": "Nowhere", "iso3": "NWH"}, format="json")
    assert country.status_code == 400 and "code" in country.json()
