"""The README's `curl` examples work as pasted: every URL quoted (zsh expands an unquoted `?` or
`&`), and every example that reads answers, against the fixtures, through the test client (no
server needed). Examples that write (`-X`) or hold a placeholder (`…`) are only checked for quoting."""

import datetime
import itertools
import re
import shlex
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from rest_framework.test import APIClient

README = Path(__file__).resolve().parent.parent / "README.md"
HOST = "127.0.0.1:8000"


def curl_lines():
    """Every `curl` command in the README's sh blocks, its continuation lines joined."""
    lines, in_block = [], False
    for line in README.read_text().splitlines():
        if line.strip().startswith("```"):
            in_block = line.strip() == "```sh"
            continue
        if in_block and (line.lstrip().startswith("curl") or (lines and lines[-1].endswith("\\"))):
            if lines and lines[-1].endswith("\\"):
                lines[-1] = lines[-1][:-1] + " " + line.strip()
            else:
                lines.append(line.strip())
    return lines


CURLS = curl_lines()
DATE_COMMAND = re.compile(r"\$\(date -u \+([^)]*)\)")


def test_the_readme_has_curl_examples():
    assert len(CURLS) >= 20
    assert any("/api/v1/search/?q=" in line for line in CURLS)
    assert any("search=lopez" in line for line in CURLS)
    assert any("?speaker=andres-manuel-lopez-obrador" in line for line in CURLS)


@pytest.mark.parametrize("line", CURLS)
def test_every_url_is_quoted(line):
    for url in re.findall(rf"\S*{re.escape(HOST)}\S*", line):
        assert url[0] in "\"'", f"unquoted URL (zsh would expand it): {url}"


def request(line):
    """(path with query, headers) of a reading curl line, or None for a write or a placeholder."""
    if "…" in line or re.search(r"\s-X\s", line) or re.search(r"\s-d\s", line):
        return None
    if "Authorization: Token" in line:  # an editor's read (the review queue): needs a token of their own
        return None
    line = DATE_COMMAND.sub(lambda m: datetime.datetime.now(datetime.UTC).strftime(m.group(1)), line)
    words = shlex.split(line, comments=True)
    if "|" in words:
        words = words[: words.index("|")]
    url = next(word for word in words if word.startswith(HOST))
    headers = {}
    for flag, value in itertools.pairwise(words):
        if flag == "-H":
            name, _, content = value.partition(":")
            headers["HTTP_" + name.strip().upper().replace("-", "_")] = content.strip()
    parts = urlsplit(f"http://{url}")
    return f"{parts.path}?{parts.query}" if parts.query else parts.path, headers


READS = [line for line in CURLS if request(line)]


@pytest.mark.django_db
@pytest.mark.parametrize("line", READS)
def test_every_reading_example_answers(line):
    path, headers = request(line)
    response = APIClient().get(path, **headers)
    expected = {200, 304} if "HTTP_IF_NONE_MATCH" in headers else {200}
    assert response.status_code in expected, (path, response.content[:300])
    if response.status_code == 200 and response["Content-Type"].startswith("application/json"):
        body = response.json()
        if "results" in body:
            assert body["results"], f"{path}: the example finds nothing"
