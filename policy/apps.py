from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class PolicyConfig(AppConfig):
    default = True
    name = "policy"
    verbose_name = "Policy records"

    def ready(self):
        from . import cache, provenance, routers  # noqa: F401  (connect their receivers)
        from .api import schema  # noqa: F401  (registers the OpenAPI extensions)
        from .search import sqlite  # noqa: F401  (SQLite connections get policy_fold)


class AdminConfig(admin_apps.AdminConfig):
    """Django's admin, on a site whose login limits sign-in attempts (policy/admin_site.py)."""

    default = False  # "policy" is PolicyConfig; settings name this one
    default_site = "policy.admin_site.AdminSite"
