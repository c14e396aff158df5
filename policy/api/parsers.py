"""Request parsers that refuse NUL characters in any string (see policy.middleware for why), JSON
nested too deeply to parse or naming a key twice in one object, and a multipart body none of whose
parts can be read."""

import codecs

from rest_framework import parsers
from rest_framework.exceptions import ParseError
from rest_framework.utils import json

MESSAGE = "Text must not contain NUL characters (\\u0000); found in “{}”."


def find_nul(data, path="body"):
    """The path of the first string (key or value) holding a NUL character, or None."""
    if isinstance(data, str):
        return path if "\x00" in data else None
    if isinstance(data, dict):
        items = data.items()
    elif isinstance(data, list):
        items = enumerate(data)
    elif hasattr(data, "lists"):  # a QueryDict from a form
        items = data.lists()
    else:
        return None
    for key, value in items:
        found = find_nul(str(key), path) or find_nul(value, str(key) if path == "body" else f"{path}.{key}")
        if found:
            return found
    return None


class NulCheck:
    def parse(self, stream, media_type=None, parser_context=None):
        parsed = super().parse(stream, media_type, parser_context)
        data = getattr(parsed, "data", parsed)  # multipart answers (data, files)
        found = find_nul(data)
        if found:
            raise ParseError(MESSAGE.format(found))
        return parsed


def unique_keys(pairs):
    """One JSON object, each key once: json.load keeps the last of `{"title": "a", "title": "b"}`
    silently, so a client's mistake would have been stored as if meant."""
    data = {}
    for key, value in pairs:
        if key in data:
            raise ParseError(f"JSON parse error - the key “{key}” is given twice in one object.")
        data[key] = value
    return data


class UniqueKeysJSONParser(parsers.JSONParser):
    """DRF's JSONParser, refusing an object that names a key twice."""

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = parsers.get_encoding(parser_context or {})
        parse_constant = json.strict_constant if self.strict else None
        try:
            return json.load(
                codecs.getreader(encoding)(stream), parse_constant=parse_constant, object_pairs_hook=unique_keys
            )
        except ValueError as exc:
            raise ParseError(f"JSON parse error - {exc}") from None


class JSONParser(NulCheck, UniqueKeysJSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:  # `[[[[…` thousands deep: json.loads (or find_nul) runs out of stack
            raise ParseError("JSON parse error - the body is nested too deeply.") from None


class FormParser(NulCheck, parsers.FormParser):
    pass


class MultiPartParser(NulCheck, parsers.MultiPartParser):
    def parse(self, stream, media_type=None, parser_context=None):
        parsed = super().parse(stream, media_type, parser_context)
        request = (parser_context or {}).get("request")
        sent = int(request.META.get("CONTENT_LENGTH") or 0) if request is not None else 0
        if sent and not parsed.data and not parsed.files:
            # Django's parser skips parts it cannot read: a body of only such parts is malformed, not empty.
            raise ParseError("Multipart form parse error: the body holds no readable fields.")
        return parsed
