"""Writing an import that passed (policy.curation.importing): new actors and rows as suggestions, or
rows as records (in bulk, with their history: policy.batch)."""

from .. import batch
from ..models import Source, Suggestion
from ..provenance import locate_excerpt
from .queue import BY_NAME, propose, serializer_class

BATCH = 1000


class Writer:
    """Writes a planned file: new actors and rows as suggestions, or rows as records."""

    def __init__(self, record_type, report, user):
        self.record_type, self.report, self.user = record_type, report, user
        self.sources = {}

    def write(self, planned):
        origin = {"origin": Suggestion.Origin.IMPORT, "created_by": self.user}
        actors = [
            propose(
                "actor",
                {"name": name, "slug": slug},
                origin_detail=f"{self.report.file_name}: named by its rows",
                **origin,
            )
            for name, slug in self.report.new_actors.items()
            if name not in self.report.queued_actors
        ]
        Suggestion.objects.bulk_create(actors, batch_size=BATCH)
        self.publish([row for row in planned if row.validated is not None])
        suggestions = [
            self.suggestion(row.number, row.payload, row.given_slug, origin) for row in planned if row.validated is None
        ]
        Suggestion.objects.bulk_create(suggestions, batch_size=BATCH)

    def publish(self, planned):
        """Records, as the API's POST creates them: in bulk where its create is the plain one."""
        create = serializer_class(self.record_type)
        if not planned:
            return
        if batch.creates_plainly(create()):
            batch.create_all(BY_NAME[self.record_type].model, [row.validated for row in planned], user=self.user)
            return
        for row in planned:
            serializer = create(data=row.payload)
            serializer.is_valid(raise_exception=True)
            serializer.save()

    def suggestion(self, number, payload, given_slug, origin):
        fields = dict(payload)
        source_key, excerpt = fields.pop("source", None), fields.pop("excerpt", "")
        if not given_slug:
            fields.pop("slug", None)
        source, text = self.source(source_key)
        span = locate_excerpt(text, excerpt) or (None, None)
        return propose(
            self.record_type,
            fields,
            source=source,
            excerpt=excerpt,
            excerpt_start=span[0],
            excerpt_end=span[1],
            origin_detail=f"{self.report.file_name} row {number}",
            **origin,
        )

    def source(self, key):
        if key is None:
            return None, ""
        if key not in self.sources:
            source = Source.objects.only("pk", "slug", "text").get(slug=key)
            self.sources[key] = (source, source.text)
        return self.sources[key]
