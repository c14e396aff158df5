from django.apps import AppConfig


class PolicyConfig(AppConfig):
    name = "policy"
    verbose_name = "Policy records"

    def ready(self):
        from . import provenance  # noqa: F401  (connects the excerpt-offset receiver)
        from .api import schema  # noqa: F401  (registers the OpenAPI extensions)
