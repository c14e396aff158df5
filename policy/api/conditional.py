"""Versions: every detail carries an ETag; `If-Match` guards writes, `If-None-Match` saves reads.

Headers are parsed and compared by Django's own helpers (django.utils.cache). A write's `If-Match`
is checked with the record's row locked (policy.api.writes), so the check and the write are atomic.
"""

import hashlib

from django.utils.cache import get_conditional_response, parse_etags, patch_vary_headers
from django.utils.http import ETAG_MATCH
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from .exceptions import PreconditionFailed

# Columns an ETag is computed from, read alongside whatever fields a detail asks for.
VERSION = ("id", "updated_at")


def etag_of(model, pk, moment):
    """A strong ETag naming one version of a record: its id and last write, hashed (no extra query)."""
    version = f"{model._meta.label}:{pk}:{moment.isoformat()}"
    return f'"{hashlib.sha256(version.encode()).hexdigest()[:32]}"'


def if_match_passes(header, etag):
    """Strong comparison, as Django's get_conditional_response makes it; but a header naming no valid
    tag (empty, unquoted) names no version, so it fails rather than being ignored."""
    tags = parse_etags(header)
    return tags == ["*"] or etag in tags


def if_match_problem(header):
    """Why an `If-Match` header names no version: a part that is not a quoted ETag (`abc`, `"abc`), or
    nothing at all; None when every comma-separated part is one, or the header is `*`. Django's parser
    drops such parts silently, so `If-Match: abc` read as naming no version: a 412 saying the record had
    changed, which re-reading it could never cure."""
    if header.strip() == "*":
        return None
    bad = [part.strip() for part in header.split(",") if not ETAG_MATCH.match(part.strip())]
    if not bad:
        return None
    given = f"“{bad[0]}” is not an ETag" if bad[0] else "An empty entry is not an ETag"
    return (
        f"{given}. Send the ETag a read of the record gave, quotes included "
        '(If-Match: "7a2e97f9ad80ae18372384d73773f4cb"), several separated by commas, or *.'
    )


def if_none_match_passes(header, etag):
    """Whether an `If-None-Match` header names `etag` (weak comparison, as for GET)."""
    if not header:
        return False
    tags = parse_etags(header)
    return tags == ["*"] or etag.removeprefix("W/") in [tag.removeprefix("W/") for tag in tags]


class Versions:
    """ETags for a viewset's details, and its answers to conditional requests."""

    def get_etag(self, pk, updated_at):
        return etag_of(self.model, pk, updated_at)

    def check_preconditions(self, instance):
        """`If-Match` must name the current version, or the write is refused with 412 (400 when it is no ETag).

        Called with the record's row locked (see `get_object`), so no other write can slip in
        between this check and ours.
        """
        header = self.request.headers.get("If-Match")
        if header is not None and (problem := if_match_problem(header)):
            raise ValidationError({"If-Match": [problem]})
        if header is not None and not if_match_passes(header, self.get_etag(instance.pk, instance.updated_at)):
            raise PreconditionFailed(
                "The record has changed since you read it (If-Match does not name its current ETag): "
                "read it again, reapply your change, and send the new ETag."
            )

    def versioned(self, response, etag):
        response["ETag"] = etag
        patch_vary_headers(response, ["Accept"])  # one version, JSON or CSV
        return response

    def not_modified(self, etag):
        """A 304 when `If-None-Match` names this version (weak comparison; GET and HEAD), else None."""
        if "If-None-Match" not in self.request.headers:
            return None
        answer = get_conditional_response(self.request, etag=etag)
        if answer is None or answer.status_code != status.HTTP_304_NOT_MODIFIED:
            return None  # reads answer If-None-Match only: a failed If-Match on a read is not a 412
        return self.versioned(Response(status=status.HTTP_304_NOT_MODIFIED), etag)
