"""`datapackage.json`: the Frictionless Data Package descriptor — the package's licence, its sources, and
each table's Table Schema (policy.datapackage.describe)."""

from ..choices import TextLicense
from ..licensing import PUBLIC_TEXT
from ..models import Source

DATA_LICENSE = {
    "name": "CC-BY-4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
    "title": "Creative Commons Attribution 4.0 International",
}
# A package names each source document in `sources` up to this many; beyond, the sources table does.
SOURCES_LISTED = 1000

PUBLIC = (
    "Licence: the structured data (every table) is CC BY 4.0; the excerpts are short quotations of their "
    "sources, each with its source and offsets. A source's full text is included only where its "
    f"text_license is {' or '.join(sorted(PUBLIC_TEXT))}: for the others ({TextLicense.ALL_RIGHTS_RESERVED}) "
    "the text column is empty, because it may not be republished; read them at their url."
)
FULL = (
    "An editors' package: it includes the full texts of sources whose text_license is "
    f"{TextLicense.ALL_RIGHTS_RESERVED}, which may not be republished. The structured data is CC BY 4.0."
)
TEXT = {
    True: " Empty where text_license is all_rights_reserved: such a text is not republished (see url).",
    False: " Included whatever the licence: this is an editors' package, not for republication.",
}


def sources(using=None):
    """The documents the records are drawn from, as the standard's `sources` (title and, where known, URL)."""
    listed = Source.objects.using(using).order_by("slug").values_list("title", "url")[: SOURCES_LISTED + 1]
    listed = list(listed)
    if len(listed) > SOURCES_LISTED:
        return [{"title": "The documents records are drawn from: one row each in sources.csv (title, publisher, url)."}]
    return [{"title": title, **({"path": url} if url else {})} for title, url in listed]


def resource(table, public):
    schema = table.schema()
    if table.model is Source:
        for column in schema["fields"]:
            if column["name"] == "text":
                column["description"] += TEXT[public]
    return {
        "name": table.name,
        "path": table.path,
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "description": table.description,
        "schema": schema,
    }


def descriptor(tables, public, using=None):
    return {
        "profile": "tabular-data-package",
        "name": "policy-records" if public else "policy-records-full",
        "title": "Policy Records",
        "description": "Structured, sourced records about public policy — policies, aid packages, statements, "
        "statistics and events, with the actors, countries, sources and topics that connect them. Every cited "
        "record quotes its source verbatim (excerpt) with the excerpt's character offsets in the source's "
        "text. " + (PUBLIC if public else FULL),
        "licenses": [DATA_LICENSE],
        "sources": sources(using),
        "resources": [resource(table, public) for table in tables],
    }
