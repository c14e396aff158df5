from django.apps import AppConfig


class PolicyConfig(AppConfig):
    name = "policy"
    verbose_name = "Policy records"

    def ready(self):
        from . import cache, provenance, routers  # noqa: F401  (connect their receivers)
        from .api import schema  # noqa: F401  (registers the OpenAPI extensions)
