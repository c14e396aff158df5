"""Request parsers that refuse NUL characters in any string (see policy.middleware for why), JSON
nested too deeply to parse, and a multipart body none of whose parts can be read."""

from rest_framework import parsers
from rest_framework.exceptions import ParseError

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


class JSONParser(NulCheck, parsers.JSONParser):
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
