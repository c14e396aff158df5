"""The bench's instrument (bench/mix.py, bench/peer.py, bench/report.py, the floor): its URLs never
repeat, they are URLs the API serves, the floor answers them as the API does, Datasette is pointed at
the project's own FTS5 table, and the table of figures holds the ratios. No timings here."""

import base64
import json

import pytest
from django.db import connection
from rest_framework.test import APIClient

from bench import mix, report
from bench.checks import same_data
from bench.peer import metadata
from bench.run import warm_and_measured
from policy.models import Statement
from policy.search import fts_indexes


@pytest.fixture
def params(db):
    """The pools bench/params.py draws from, out of the fixtures' statements."""
    rows = Statement.objects.order_by("pk")
    speakers = sorted({(row.speaker.slug, row.speaker_id) for row in rows})
    return {
        "speakers": [list(speaker) for speaker in speakers],
        "dates": ["2018-01-01", "2024-12-31"],
        "boundaries": [[row.slug, row.pk] for row in rows],
        "terms": [[term, 0.05] for term in ("border", "asylum", "migra", "wall", "remit", "visa")],
        "details": [[row.slug, row.pk] for row in rows],
    }


def never_repeated():
    return [kind for kind in mix.MIX if not kind.repeated]


@pytest.mark.parametrize("kind", never_repeated(), ids=lambda kind: kind.name)
def test_a_never_repeated_request_type_draws_no_url_twice(params, kind):
    values = mix.draws(kind, params, 400, "a seed")
    assert len(values) > 1
    for target in (kind.api, kind.floor, kind.peer):
        paths = [target(one) for one in values]
        assert len(set(paths)) == len(paths)
    assert mix.draws(kind, params, 400, "a seed") == values  # the same run again
    assert mix.draws(kind, params, 400, "another seed") != values


@pytest.mark.parametrize("kind", never_repeated(), ids=lambda kind: kind.name)
def test_no_url_checked_or_warmed_up_with_is_measured(params, kind):
    warm, measured = warm_and_measured(kind, mix.draws(kind, params, 400, "a seed"))
    assert warm and measured
    assert not {kind.api(one) for one in warm} & {kind.api(one) for one in measured}


def test_a_pool_smaller_than_the_run_gives_each_of_its_values_once(params):
    values = mix.draws(mix.BY_NAME["new search"], params, 1000, "a seed")
    assert sorted(one["search"] for one in values) == sorted(term for term, _ in params["terms"])


@pytest.mark.urls("bench.urls")
@pytest.mark.parametrize("kind", never_repeated(), ids=lambda kind: kind.name)
def test_the_floor_answers_every_new_url_as_the_api_does(params, kind):
    api = APIClient()
    for values in mix.draws(kind, params, 5, "a seed"):
        answers = [api.get(target(values)) for target in (kind.api, kind.floor)]
        assert answers[0].status_code == 200, answers[0].content
        assert same_data(*((answer.status_code, answer.content) for answer in answers)) == ""


def test_a_deep_cursor_of_the_mix_is_the_page_after_its_boundary_row(params):
    slug, pk = params["boundaries"][len(params["boundaries"]) // 2]
    response = APIClient().get(mix.API, {"cursor": mix.cursor_token([slug, pk])})
    assert response.status_code == 200, response.content
    first = response.json()["results"][0]["slug"]
    assert first == Statement.objects.filter(slug__gt=slug).order_by("slug").values_list("slug", flat=True)[0]
    token = response.json()["previous"].split("cursor=")[1]
    assert json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))["o"] == mix.SLUG_ORDER


def test_datasette_searches_the_projects_own_fts5_table(db):
    table = metadata("sqlite-1000000")["databases"]["sqlite-1000000"]["tables"]["policy_statement"]
    assert table == {"fts_table": "policy_statement_fts", "fts_pk": "id"}
    if connection.vendor == "sqlite":
        assert fts_indexes(connection)["policy_statement"][0] == table["fts_table"]


@pytest.mark.parametrize(
    ("text", "encoded"),
    [("ana-lopez-20010203-7", "ana-lopez-20010203-7"), ("a,b", "a~2Cb"), ("a b", "a+b"), ("/x.y", "~2Fx~2Ey")],
)
def test_datasette_next_tokens_are_tilde_encoded(text, encoded):
    assert mix.tilde(text) == encoded


def figures(p50, requests, seconds=10, repeats=0):
    return {"p50": p50, "p99": p50 * 3, "requests": requests, "seconds": seconds, "errors": 0, "repeats": repeats}


def test_the_table_shows_rounds_combined_and_the_ratios_to_floor_and_peer():
    rounds = {
        "api": [figures(20, 900), figures(30, 700), figures(25, 800)],
        "floor": [figures(10, 1600)],
        "peer": [figures(50, 400, repeats=12)],
    }
    found = report.row("new search", "off", rounds, check="", repeated=False)
    assert (found["api"]["p50"], found["api"]["rps"]) == (25, 80)
    assert found["api/floor"] == (2.5, 0.5)
    assert found["api/peer"] == (0.5, 2.0)
    run = {"backend": "sqlite", "size": 1000, "load": "1.0", "rows": [found], "export": {}, "worker_peak_mb": 70}
    table = report.markdown([{**run, "peer_peak_mb": 0, "server": "production"}])
    assert "**sqlite, 1,000 statements** (load average 1.0; gunicorn: production workers)" in table
    assert (
        "| new search | off | 25.0 / 75.0 | 80 | 10.0 / 30.0 | 160 | 50.0 / 150.0 | 40 | 2.50 | 0.50 | 0.50 | 2.00 "
        in table
    )
    assert "peer repeated 12 URLs" in table
    without_peer = report.row("timeline", "on", {"api": rounds["api"], "floor": rounds["floor"]}, check="")
    assert without_peer["api/peer"] is None
    assert "| 160 | – | – | 2.50 | 0.50 | – | – |" in report.markdown(
        [{**run, "rows": [without_peer], "peer_peak_mb": 0}]
    )


def test_a_target_that_answered_nothing_within_the_run_has_no_figures_but_a_note():
    rounds = {"api": [figures(0, 0)], "floor": [figures(10, 1600)], "peer": [figures(0, 0), figures(40, 250)]}
    found = report.row("new search", "on", rounds, check="", repeated=False)
    assert found["api"] is None and found["api/floor"] is None
    assert found["peer"]["p50"] == 40
    assert "api: no answer within the run" in report.notes(found)
