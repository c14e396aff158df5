"""`manage.py verify_citations` against the loaded fixtures, and with one citation broken."""

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db.models import F

from policy.models import Event, Source, Statement
from policy.provenance import cited_models

pytestmark = pytest.mark.django_db

CITED_MODELS = cited_models()  # the records, and the links between policies (cited like them)
BASE_DIR = Path(__file__).resolve().parent.parent


def verify():
    out = io.StringIO()
    call_command("verify_citations", stdout=out)
    return out.getvalue()


def checkable(model):
    """A record whose source's text we hold, so its excerpt can be checked, or skip."""
    record = model.objects.exclude(source__text="").order_by("pk").first()
    if record is None:
        pytest.skip(f"the fixtures hold no {model.__name__} citing a source with text")
    return record


def name_of(record):
    """How the command names a citation: a record by slug, a policy link as “from relation to”."""
    return getattr(record, "slug", None) or str(record)


def test_fixtures_pass_and_every_citation_is_counted():
    checked = sum(model.objects.exclude(source__text="").count() for model in CITED_MODELS)
    unchecked = sum(model.objects.filter(source__text="").count() for model in CITED_MODELS)
    assert verify().splitlines() == [
        f"Checked {checked} citations: 0 mismatches, {unchecked} unchecked (no source text)."
    ]


def test_a_citation_nothing_can_check_fails_unless_allowed():
    """Found from outside: a citation of a source without text passed, so blanking a source's text switched
    provenance off. Unchecked is now a failure, unless the caller says it expects some."""
    source = Source.objects.create(slug="test-untexted", title="Untexted", kind="report", text="")
    Event.objects.create(
        slug="test-untexted-event", title="E", kind="meeting", source=source, excerpt="any words at all"
    )
    out = io.StringIO()
    with pytest.raises(CommandError, match=r"1 citation\(s\) cite a source without text"):
        call_command("verify_citations", stdout=out)
    assert "0 mismatches, 1 unchecked (no source text)" in out.getvalue()
    out = io.StringIO()
    call_command("verify_citations", "--allow-unchecked", stdout=out)
    assert "0 mismatches, 1 unchecked" in out.getvalue()


def test_an_excerpt_too_short_to_be_a_citation_fails():
    record = checkable(Event)
    word = next(word for word in record.source.text.split() if word.isalpha() and len(word) < 10)
    Event.objects.filter(pk=record.pk).update(excerpt=word)
    out = io.StringIO()
    with pytest.raises(CommandError, match="1 citation"):
        call_command("verify_citations", stdout=out)
    assert f"Event {record.slug}: excerpt shorter than 10 characters" in out.getvalue()


@pytest.mark.parametrize("model", CITED_MODELS, ids=lambda model: model.__name__)
def test_an_excerpt_not_in_the_source_fails_naming_the_record(model):
    record = checkable(model)
    model.objects.filter(pk=record.pk).update(excerpt="Words the source never printed.")
    out = io.StringIO()
    with pytest.raises(CommandError, match="1 citation"):
        call_command("verify_citations", stdout=out)
    assert f"{model.__name__} {name_of(record)}: excerpt not found" in out.getvalue()
    assert "“Words the source never printed.”" in out.getvalue()
    assert "1 mismatches" in out.getvalue()


@pytest.mark.parametrize("model", CITED_MODELS, ids=lambda model: model.__name__)
def test_stored_offsets_that_disagree_fail(model):
    record = checkable(model)
    model.objects.filter(pk=record.pk).update(excerpt_start=F("excerpt_start") + 1)
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("verify_citations", stdout=out)
    line = f"{model.__name__} {name_of(record)}: stored offsets {record.excerpt_start + 1}–{record.excerpt_end}"
    assert line in out.getvalue()


def test_a_quote_its_excerpt_does_not_print_fails_naming_it():
    """`loaddata` skips the models' validation, so the command checks the quote rule too."""
    quote = Statement.objects.get(slug="rothkopf-amlo-populist-nationalistic-thrust")
    Statement.objects.filter(pk=quote.pk).update(text=quote.text.replace(" […] ", " "))
    out = io.StringIO()
    with pytest.raises(CommandError, match=r"^1 quote\(s\) are not words their excerpt prints\.$"):
        call_command("verify_citations", stdout=out)
    assert "Statement rothkopf-amlo-populist-nationalistic-thrust: A quote must occur verbatim" in out.getvalue()
    assert "Checked 68 citations: 0 mismatches" in out.getvalue()


def test_a_long_excerpt_is_printed_on_one_short_line():
    record = checkable(Event)
    Event.objects.filter(pk=record.pk).update(excerpt="Not in the source.\n" + "word " * 100)
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("verify_citations", stdout=out)
    (line,) = [line for line in out.getvalue().splitlines() if record.slug in line]
    assert "“Not in the source. word word" in line
    assert line.endswith("…”")
    assert len(line) < 250


def test_the_command_line_exits_1_on_a_mismatch(tmp_path, fixture_files):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}

    def manage(*args):
        command = [sys.executable, "manage.py", *args]
        return subprocess.run(command, cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120)

    # One process sets up the database: migrate, load every fixture, add one broken citation.
    setup = manage(
        "shell",
        "-c",
        "from django.core.management import call_command; from policy.models import Event, Source;"
        "call_command('migrate', verbosity=0);"
        f"call_command('loaddata', *{fixture_files!r}, verbosity=0);"
        "source = Source.objects.create(slug='test-texted', title='T', kind='report', text='What was said.');"
        "Event.objects.create(slug='test-broken-event', title='E', kind='meeting', source=source,"
        " excerpt='Nothing was said.')",
    )
    assert setup.returncode == 0, setup.stderr
    result = manage("verify_citations")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Event test-broken-event: excerpt not found in source test-texted: “Nothing was said.”" in result.stdout
    assert "CommandError: 1 citation(s) do not match their source's text." in result.stderr
