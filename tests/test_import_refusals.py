"""Every malformed import is refused, through `import_records` and through the admin's import page
alike: with the row and column (or the file-level reason, the size limit stated) and the database
exactly as before (issue #14, "Bad input")."""

import html
import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from policy.models import Statement

from .api_support import table_counts
from .test_import import EXCERPT, HEADER, QUOTE, ROWS, SOURCE

GOOD = ROWS[0]
ERROR_ROW = re.compile(
    r'<tr class="import-error"><td>(\d+)</td><td>error</td><td>.*?</td>\s*<td>(.*?)</td><td>(.*?)</td>', re.S
)
GIGABYTE = 1024**3


def csv_bytes(rows, header=HEADER):
    lines = [",".join(header)] + [",".join(f'"{cell}"' for cell in row) for row in rows]
    return "\n".join(lines).encode("utf-8")


def existing_slug():
    return Statement.objects.order_by("pk").values_list("slug", flat=True).first()


# name → (file name, its bytes (a callable: some read the database), the messages the refusal holds)
CASES = {
    "wrong encoding": (
        "statements.csv",
        lambda: ",".join(HEADER).encode() + "\nAMLO,Señor".encode("latin-1"),
        ["not UTF-8 text (byte 0xf1"],
    ),
    "missing columns": (
        "statements.csv",
        lambda: csv_bytes([GOOD[:3]], HEADER[:3]),
        ["Missing columns: source, excerpt."],
    ),
    "unknown type": ("memos.csv", lambda: csv_bytes([GOOD]), ["names no record type"]),
    "unknown column": (
        "statements.csv",
        lambda: csv_bytes([[*GOOD, "red"]], [*HEADER, "colour"]),
        ["Unknown columns: colour."],
    ),
    "a broken reference": (
        "statements.csv",
        lambda: csv_bytes([GOOD, [*GOOD[:4], "no-such-source", EXCERPT, "Atlantis"]]),
        [
            "row 3, column source: error: No source has the key, name or alias “no-such-source”.",
            "row 3, column countries: error: No country has the key, name or alias “Atlantis”.",
        ],
    ),
    "an excerpt not in its source": (
        "statements.csv",
        lambda: csv_bytes([GOOD, ["AMLO", QUOTE, "quote", "2021-03", SOURCE, "Words this source never printed.", ""]]),
        ["row 3, column excerpt: error: The excerpt does not occur verbatim"],
    ),
    "a duplicate key within the file": (
        "statements.csv",
        lambda: csv_bytes([["twice", *GOOD], ["twice", *GOOD]], ["slug", *HEADER]),
        ["row 3, column slug: error: “twice” is also the slug of row 2."],
    ),
    "a duplicate key against the database": (
        "statements.csv",
        lambda: csv_bytes([["fresh", *GOOD], [existing_slug(), *GOOD]], ["slug", *HEADER]),
        ["row 3, column slug: error: statement with this slug already exists."],
    ),
}


def through_the_command(tmp_path, name, content, size=None):
    path = tmp_path / name
    path.write_bytes(content)
    if size is not None:
        with open(path, "r+b") as file:
            file.truncate(size)  # sparse: a gigabyte on paper, nothing on disk
    out = io.StringIO()
    with pytest.raises(CommandError) as error:
        call_command("import_records", str(path), "--publish", stdout=out)
    return out.getvalue() + str(error.value)


def through_the_admin(client, name, content, size=None):
    upload = io.BytesIO(content)
    upload.name = name
    extra = {"CONTENT_LENGTH": str(size)} if size is not None else {}
    response = client.post(reverse("admin:policy_suggestion_import"), {"file": upload, "publish": "on"}, **extra)
    page = response.content.decode()
    # The report's table read back as the command prints it: row, column, message.
    rows = ERROR_ROW.findall(page)
    return page + "\n".join(f"row {row}, column {column}: error: {html.unescape(text)}" for row, column, text in rows)


@pytest.mark.django_db
@pytest.mark.parametrize("surface", ["command", "admin"])
@pytest.mark.parametrize("case", [*CASES, "a 1 GB upload"])
def test_a_malformed_file_is_refused_and_nothing_changes(case, surface, tmp_path, admin_client):
    if case == "a 1 GB upload":
        name, content, size = "statements.csv", csv_bytes([GOOD]), GIGABYTE
        expected = ["1,024.0 MB", "the import limit is 20 MB"]
    else:
        name, make, expected = CASES[case]
        content, size = make(), None
    before = table_counts()
    if surface == "command":
        said = through_the_command(tmp_path, name, content, size)
    else:
        said = through_the_admin(admin_client, name, content, size)
    for message in expected:
        assert message in said, said[-3000:]
    assert table_counts() == before
