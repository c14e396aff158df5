"""Bulk import (`manage.py import_records`, the admin's import page): formats, references, dates,
all or nothing, and every kind of bad file refused with the database exactly as before."""

import io
import json

import pytest
import tablib
from django.core.management import CommandError, call_command
from django.urls import reverse

from policy.curation import tabular
from policy.models import Actor, Statement, Suggestion
from tests.api_support import editor_user, table_counts, user_with

SOURCE = "usa-today-biden-mexico-2021-05-07"
QUOTE = (
    "Expectations were created that with the government of President Biden there would be a better treatment "
    "of migrants"
)
EXCERPT = f"“{QUOTE},” AMLO said"
HEADER = ["speaker", "text", "kind", "said_on", "source", "excerpt", "countries"]
ROWS = [
    ["AMLO", QUOTE, "quote", "2021-03-23", SOURCE, EXCERPT, "MX;United States"],
    ["Kamala Harris", "It probably won’t be easy.", "paraphrase", "2021-05", SOURCE, "It probably won’t be easy.", ""],
    [
        "Jane Newperson",
        "It probably won’t be easy.",
        "paraphrase",
        "2021",
        SOURCE,
        "It probably won’t be easy.",
        "mexico",
    ],
]


def write(tmp_path, name, rows=ROWS, header=HEADER, fmt=None):
    path = tmp_path / name
    fmt = fmt or path.suffix.lstrip(".")
    if fmt == "jsonl":
        path.write_text("\n".join(json.dumps(dict(zip(header, row, strict=True))) for row in rows), encoding="utf-8")
    else:
        data = tablib.Dataset(*rows, headers=header)
        exported = data.export(fmt)
        path.write_bytes(exported.encode("utf-8") if isinstance(exported, str) else exported)
    return path


def run(path, *args):
    out = io.StringIO()
    call_command("import_records", str(path), *args, stdout=out)
    return out.getvalue()


def refused(path, *args):
    before = table_counts()
    with pytest.raises(CommandError) as error:
        run(path, *args)
    assert table_counts() == before
    return str(error.value)


def refused_with_report(path):
    """A refused file's message, and the report it printed (what a row of it got, a line each)."""
    message = refused(path)
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_records", str(path), stdout=out)
    return message, out.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["csv", "xlsx", "jsonl"])
def test_rows_become_suggestions_with_dates_references_and_new_actors(tmp_path, fmt):
    out = run(write(tmp_path, f"statements.{fmt}"))
    assert "suggested: 3; 1 new actor suggested (Jane Newperson)" in out
    start = 1 if fmt == "jsonl" else 2  # JSON Lines count lines; tables count the header as row 1
    rows = {s.origin_detail: s for s in Suggestion.objects.filter(record_type="statement")}
    first = rows[f"statements.{fmt} row {start}"]
    assert first.fields == {
        "speaker": "andres-manuel-lopez-obrador",
        "text": QUOTE,
        "kind": "quote",
        "said_on": "2021-03-23",
        "date_precision": "day",
        "countries": ["MX", "US"],
    }
    assert first.source.slug == SOURCE and first.source.text[first.excerpt_start : first.excerpt_end] == EXCERPT
    second = rows[f"statements.{fmt} row {start + 1}"].fields
    assert (second["said_on"], second["date_precision"]) == ("2021-05-01", "month")
    third = rows[f"statements.{fmt} row {start + 2}"].fields
    assert (third["said_on"], third["date_precision"], third["speaker"]) == ("2021-01-01", "year", "jane-newperson")
    actor = Suggestion.objects.get(record_type="actor")
    assert actor.fields == {"name": "Jane Newperson", "slug": "jane-newperson"} and actor.origin == "import"


@pytest.mark.django_db
def test_dry_run_reports_each_row_and_writes_nothing(tmp_path):
    before = table_counts()
    out = run(write(tmp_path, "statements.csv"), "--dry-run", "--publish")
    assert table_counts() == before
    lines = out.splitlines()
    assert lines[0] == "row 2: created expectations-were-created-that-with-the-government-of"
    assert lines[1] == "row 3: created it-probably-wont-be-easy"
    assert lines[2] == "row 4: suggested"  # its speaker is a new actor: reviewed first
    assert "Dry run: nothing was written." in out


@pytest.mark.django_db
def test_publish_creates_records_with_history_and_proposed_slugs(tmp_path):
    path = write(tmp_path, "statements.csv", rows=[*ROWS[:2], ROWS[1]])
    run(path, "--publish")
    created = Statement.objects.filter(slug__startswith="it-probably-wont-be-easy").order_by("slug")
    assert [s.slug for s in created] == ["it-probably-wont-be-easy", "it-probably-wont-be-easy-2"]
    assert created[0].history.count() == 1 and created[0].date_precision == "month"
    amlo = Statement.objects.get(slug="expectations-were-created-that-with-the-government-of")
    assert sorted(amlo.countries.values_list("code", flat=True)) == ["MX", "US"]


@pytest.mark.django_db
def test_a_bad_row_refuses_the_whole_file_naming_row_and_column(tmp_path):
    rows = [
        ROWS[0],
        [*ROWS[1][:4], SOURCE, "Words this source never printed.", ""],
        [*ROWS[1][:4], "no-such-source", "x" * 20, ""],
    ]
    rows.append(["AMLO", QUOTE, "quote", "23/03/2021", SOURCE, EXCERPT, "Atlantis"])
    rows.append(["AMLO", QUOTE, "quote", "2021-13", SOURCE, EXCERPT, ""])
    rows.append(["AMLO", QUOTE, "quote", "2021-02-29", SOURCE, EXCERPT, ""])
    message, report = refused_with_report(write(tmp_path, "statements.csv", rows=rows))
    assert "Nothing was imported" in message
    assert "row 3, column excerpt: error: The excerpt does not occur verbatim" in report
    assert "row 4, column source: error: No source has the key, name or alias “no-such-source”." in report
    assert "row 5, column said_on: error: “23/03/2021” is not a date: write 2021-03-23, 2021-03 or 2021." in report
    assert "row 5, column countries: error: No country has the key, name or alias “Atlantis”." in report
    # A month or a day that is not in the calendar says so (it said "month must be in 1..12").
    assert "row 6, column said_on: error: “2021-13” is not a month of the calendar: months run from 01 to 12." in report
    assert "row 7, column said_on: error: “2021-02-29” is not a day of the calendar: February 2021's days run" in report


@pytest.mark.django_db
def test_a_speaker_two_actors_answer_to_is_an_error_and_accents_are_ignored(tmp_path):
    Actor.objects.create(slug="another-amlo", name="Another Person", kind="person", aliases=["amlo"])
    rows = [["Lopez Obrador", *ROWS[0][1:]], ROWS[0]]
    message, report = refused_with_report(write(tmp_path, "statements.csv", rows=rows))
    assert "Nothing was imported" in message
    amlo = "andres-manuel-lopez-obrador"
    assert f"row 3, column speaker: error: “AMLO” names 2 actors: use the key ({amlo}, another-amlo)." in report
    assert "row 2" not in report.replace("row 2: ok", "") and "new actor" not in report, report
    assert not Suggestion.objects.filter(record_type="actor").exists()


@pytest.mark.django_db
def test_duplicate_keys_in_the_file_and_against_the_database(tmp_path):
    header = ["slug", *HEADER]
    existing = Statement.objects.order_by("pk").first().slug
    rows = [["fresh-key", *ROWS[0]], ["fresh-key", *ROWS[1]], [existing, *ROWS[1]]]
    refused(write(tmp_path, "statements.csv", rows=rows, header=header), "--publish")
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_records", str(tmp_path / "statements.csv"), "--publish", stdout=out)
    assert "row 3, column slug: error: “fresh-key” is also the slug of row 2." in out.getvalue()
    assert "row 4, column slug: error: statement with this slug already exists." in out.getvalue()


@pytest.mark.django_db
def test_files_that_cannot_be_read_are_refused(tmp_path, settings):
    latin = tmp_path / "statements.csv"
    latin.write_bytes(",".join(HEADER).encode() + "\nAMLO,Señor".encode("latin-1"))
    assert "not UTF-8 text (byte 0xf1" in refused(latin)
    missing = write(tmp_path, "statements-missing.csv", rows=[r[:3] for r in ROWS], header=HEADER[:3])
    assert "Missing columns: kind" not in refused(missing)
    assert "Missing columns: source, excerpt." in refused(missing)
    unknown = write(tmp_path, "memos.csv")
    assert "Unknown type: the file name “memos.csv” names no record type" in refused(unknown)
    assert "Unknown type “memo”" in refused(unknown, "--type", "memo")
    extra = write(tmp_path, "statements-x.csv", rows=[[*ROWS[0], "x"]], header=[*HEADER, "colour"])
    assert "Unknown columns: colour." in refused(extra)
    settings.IMPORT_MAX_BYTES = 100
    assert "the import limit is 0 MB (IMPORT_MAX_BYTES)" in refused(write(tmp_path, "statements.csv"))


def test_templates_are_the_generated_ones(tmp_path, monkeypatch):
    """`import_templates` writes the committed files byte for byte, whenever it runs: the XLSX carried the
    moment it was written (its zip entries' times and its created/modified properties)."""
    committed = {path.name: path.read_bytes() for path in tabular.TEMPLATES.iterdir()}
    monkeypatch.setattr(tabular, "TEMPLATES", tmp_path)
    call_command("import_templates", stdout=io.StringIO())
    assert {path.name: path.read_bytes() for path in tmp_path.iterdir()} == committed
    for record_type in tabular.BY_NAME:
        workbook = tablib.Dataset().load(committed[f"{record_type}.xlsx"], format="xlsx")
        assert workbook.headers == list(tabular.columns(record_type))
    readme = (tabular.TEMPLATES / "README.md").read_text()
    assert "| `speaker` | **required**; an actor by key, name or alias |" in readme


@pytest.mark.django_db
def test_the_admin_import_page(client, django_user_model, tmp_path, settings):
    editor = editor_user(django_user_model, "ed")
    django_user_model.objects.filter(pk=editor.pk).update(is_staff=True)
    client.force_login(editor)
    page = reverse("admin:policy_suggestion_import")
    template = client.get(reverse("admin:policy_suggestion_template", args=["statement", "csv"]))
    assert template.content.decode().startswith("slug,speaker,text,")
    with open(write(tmp_path, "statements.csv"), "rb") as upload:
        response = client.post(page, {"file": upload, "dry_run": "on"})
    assert response.status_code == 200 and b"suggested: 3" in response.content and not Suggestion.objects.exists()
    with open(tmp_path / "statements.csv", "rb") as upload:
        response = client.post(page, {"file": upload})
    assert Suggestion.objects.filter(record_type="statement").count() == 3
    settings.IMPORT_MAX_BYTES = 100
    with open(tmp_path / "statements.csv", "rb") as upload:
        response = client.post(page, {"file": upload})
    assert b"the import limit is 0 MB" in response.content and Suggestion.objects.count() == 4
    suggester = user_with(django_user_model, "suggester", "add_suggestion", "view_suggestion")
    django_user_model.objects.filter(pk=suggester.pk).update(is_staff=True)
    client.force_login(suggester)
    settings.IMPORT_MAX_BYTES = 10**6
    with open(tmp_path / "statements.csv", "rb") as upload:
        response = client.post(page, {"file": upload, "publish": "on"})
    assert b"You may not add statement records" in response.content and Suggestion.objects.count() == 4
