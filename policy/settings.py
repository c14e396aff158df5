"""Settings for Policy Records.

Everything environment-specific is read here, once. Two modes, chosen by DJANGO_ENV:

- development (the default for manage.py, `make serve` and the test suite): DEBUG on, SQLite,
  a throwaway secret key, plain HTTP;
- production (DJANGO_ENV=production; policy/wsgi.py, what gunicorn loads, defaults to it):
  DEBUG off unless DEBUG=1, and SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL must be set, or the
  process stops with a message saying what to set; HTTPS only (redirect, HSTS, secure cookies);
  static files collected and served compressed by WhiteNoise.

`DATABASE_URL` switches either mode to PostgreSQL (or any database dj-database-url understands).
How variables are read (typed, with a message naming a wrong one): policy/environment.py.
"""

import hashlib
import os
import tempfile
from pathlib import Path

from .environment import caches, databases, env_bool, env_count, env_list, env_required, environment, rates

BASE_DIR = Path(__file__).resolve().parent.parent

ENVIRONMENT = environment()
PRODUCTION = ENVIRONMENT == "production"

DEBUG = env_bool("DEBUG", not PRODUCTION)
if PRODUCTION:
    SECRET_KEY = env_required(
        "SECRET_KEY",
        "a long random string, e.g. from `python -c 'import secrets; print(secrets.token_urlsafe(50))'`.",
    )
    ALLOWED_HOSTS = env_required("ALLOWED_HOSTS", "the comma-separated host names the site answers to.").split(",")
    env_required("DATABASE_URL", "the database to use, e.g. postgres://user:password@host:5432/policy.")
else:
    SECRET_KEY = os.environ.get("SECRET_KEY") or "dev-only-insecure-key-do-not-use-in-production"
    ALLOWED_HOSTS = os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
ALLOWED_HOSTS = [host.strip() for host in ALLOWED_HOSTS if host.strip()]
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# HTTPS. Behind a proxy that terminates TLS, set SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO,https.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", PRODUCTION)
if os.environ.get("SECURE_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = tuple(os.environ["SECURE_PROXY_SSL_HEADER"].split(",", 1))
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 365 * 24 * 3600 if PRODUCTION else 0))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", PRODUCTION)
# Preloading puts the domain in browsers' HTTPS-only lists for good: the operator opts in, so the
# deploy check's reminder about it is silenced.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SILENCED_SYSTEM_CHECKS = ["security.W021"]
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", PRODUCTION)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Everything is served from this site (the docs use the sidecar's files, never a CDN); inline styles
# are allowed for the web pages' colour swatches, inline scripts are not.
CONTENT_SECURITY_POLICY = os.environ.get(
    "CONTENT_SECURITY_POLICY",
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "worker-src 'self' blob:; object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'",
)

# Request size limits: a larger body is refused with 413 before it is parsed.
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("DATA_UPLOAD_MAX_MEMORY_SIZE", 2 * 1024 * 1024))
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
FILE_UPLOAD_MAX_MEMORY_SIZE = DATA_UPLOAD_MAX_MEMORY_SIZE
# Bulk import (`import_records`, the admin's import page): a larger file is refused, the limit stated.
IMPORT_MAX_BYTES = int(os.environ.get("IMPORT_MAX_BYTES", 20 * 1024 * 1024))

INSTALLED_APPS = [
    "policy.apps.AdminConfig",  # Django's admin, its login throttled
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "policy",
]

MIDDLEWARE = [
    "policy.middleware.ReleaseViewMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "policy.middleware.RejectNulCharactersMiddleware",
    "policy.busy.DatabaseBusyMiddleware",
    "policy.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "policy.errors.ApiErrorsMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "policy.routers.ReadYourWritesMiddleware",
]

ROOT_URLCONF = "policy.urls"
WSGI_APPLICATION = "policy.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# DATABASE_URL, else SQLite; DATABASE_REPLICA_URLS become the aliases replica1, replica2, …, to which
# policy.routers sends reads (writes go to "default").
DATABASES, DATABASE_REPLICAS = databases(BASE_DIR)
DATABASE_ROUTERS = ["policy.routers.PrimaryReplicaRouter"] if DATABASE_REPLICAS else []
# How long a signed-in client's reads wait for a replica to have its own last write (policy.routers).
READ_YOUR_WRITES_SECONDS = int(os.environ.get("READ_YOUR_WRITES_SECONDS", "600"))

# Redis at REDIS_URL, else this process's memory; sign-in attempts, one count per server, in files
# under SERVER_STATE_DIR. What is cached and when it is dropped: policy/cache.py.
SERVER_STATE_DIR = os.path.join(
    tempfile.gettempdir(), f"policy-{hashlib.sha256(str(BASE_DIR).encode()).hexdigest()[:12]}"
)
CACHES = caches(SERVER_STATE_DIR)
# How long a list's `count` may be reused; any committed write through Django retires it sooner. 0: not at all.
COUNT_CACHE_SECONDS = int(os.environ.get("COUNT_CACHE_SECONDS", "300"))
# A facet count that took this long or longer is not taken again inside a request after a write: the
# last counts are served, flagged `facets_stale`, while a thread recounts them (policy.recount).
SLOW_COUNT_SECONDS = float(os.environ.get("SLOW_COUNT_SECONDS", "0.5"))
# A list counts its matches up to COUNT_LIMIT and stops there: beyond, `count` is COUNT_LIMIT and the
# page adds `"count_is_exact": false` (issue #18; policy.querying.pagination), as `/api/v1/search/` does
# at the same 1,000. Counting a million rows costs what reading them costs, on every new filter.
COUNT_LIMIT = env_count("COUNT_LIMIT", 1_000)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
# Production serves `collectstatic`'s hashed, compressed copies (WhiteNoise, far-future caching);
# development serves the apps' files as they are, so nothing needs collecting first.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# dumpdata/loaddata keep date-times to the microsecond (Django's JSON cuts them to milliseconds).
SERIALIZATION_MODULES = {"json": "policy.serialization"}

# `loaddata <name>` finds the article's fixtures without a path.
FIXTURE_DIRS = [BASE_DIR / "fixtures"]

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # DRF's token and session authentication, telling the replica router who reads (read-your-writes).
        "policy.routers.ReaderTokenAuthentication",
        "policy.routers.ReaderSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["policy.api.permissions.ModelPermissionsOrReadOnly"],
    "DEFAULT_FILTER_BACKENDS": ["policy.api.filtering.StrictFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "policy.api.paginator.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_RENDERER_CLASSES": [
        "policy.api.renderers.JSONRenderer",
        "policy.api.renderers.BrowsableAPIRenderer",
        "policy.api.renderers.CSVRenderer",
    ],
    "DEFAULT_SCHEMA_CLASS": "policy.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "policy.api.exceptions.exception_handler",
    "URL_FORMAT_OVERRIDE": "format",
    "DEFAULT_THROTTLE_CLASSES": [
        "policy.api.throttling.AnonRateThrottle",
        "policy.api.throttling.UserRateThrottle",
        "policy.api.throttling.ExpensiveRateThrottle",
    ],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "policy.api.renderers.ContentNegotiation",
    "DEFAULT_PARSER_CLASSES": [
        "policy.api.parsers.JSONParser",
        "policy.api.parsers.FormParser",
        "policy.api.parsers.MultiPartParser",
    ],
}

# Requests per client: "<n>/<second|minute|hour|day>", or "off". Anonymous clients are counted by
# address, signed-in ones by user; `login` counts sign-in attempts (token endpoint and admin) per
# address and per username; `expensive` counts an anonymous client's searches, whole-list CSV
# exports and deep pages (policy.api.throttling). Production's defaults protect a public server;
# development's stay out of the way of one person's scripts (issue #11, item 21).
THROTTLE_DEFAULTS = {  # scope: (variable, production, development)
    "anon": ("THROTTLE_ANON", "120/minute", "off"),
    "user": ("THROTTLE_USER", "1200/minute", "off"),
    "login": ("THROTTLE_LOGIN", "5/minute", "30/minute"),
    "expensive": ("THROTTLE_EXPENSIVE", "30/minute", "off"),
}
THROTTLE_RATES = rates(THROTTLE_DEFAULTS, PRODUCTION)

# How many proxies in front of the app append to X-Forwarded-For: 0 (the default) takes the
# client's address from the socket, so a forged header cannot make one client many (issue #11,
# item 2); behind nginx alone, 1.
REST_FRAMEWORK["NUM_PROXIES"] = env_count("NUM_PROXIES", 0)

# Paging by number skips rows one by one: a page that would skip more than MAX_PAGE_OFFSET rows is
# a 400 pointing to `cursor=`, which costs the same at any depth (issue #11, item 13). From
# EXPENSIVE_PAGE_OFFSET rows on, an anonymous client's page counts against THROTTLE_EXPENSIVE.
MAX_PAGE_OFFSET = env_count("MAX_PAGE_OFFSET", 10_000)
EXPENSIVE_PAGE_OFFSET = env_count("EXPENSIVE_PAGE_OFFSET", 1_000)

# Whole-list CSV exports streaming at once (policy/api/exports.py): per process, and per client
# across the processes of one server (lock files in EXPORT_LOCK_DIR); a client that reads nothing
# for EXPORT_WRITE_TIMEOUT seconds is disconnected (under gunicorn). 0 turns a limit off.
EXPORTS_PER_PROCESS = env_count("EXPORTS_PER_PROCESS", 2)
EXPORTS_PER_CLIENT = env_count("EXPORTS_PER_CLIENT", 2)
EXPORT_WRITE_TIMEOUT = env_count("EXPORT_WRITE_TIMEOUT", 30)
EXPORT_LOCK_DIR = os.environ.get("EXPORT_LOCK_DIR") or os.path.join(SERVER_STATE_DIR, "exports")
# The public data package (/api/v1/datapackage.zip), built once per version of the data (policy.datapackage).
DATAPACKAGE_DIR = os.environ.get("DATAPACKAGE_DIR") or os.path.join(
    SERVER_STATE_DIR, f"datapackage-{hashlib.sha256(str(DATABASES['default'].get('NAME')).encode()).hexdigest()[:12]}"
)

SPECTACULAR_SETTINGS = {
    "TITLE": "Policy Records API",
    "DESCRIPTION": "Structured, sourced records about public policy.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # The documented request format is JSON. Form and multipart bodies are accepted too, for the
    # browsable API's HTML forms, where an empty field means "not given" — which JSON Schema cannot say.
    "PARSER_WHITELIST": ["policy.api.parsers.JSONParser", "rest_framework.parsers.JSONParser"],
    # `type` of a search hit (every record type) and of a timeline item (the dated ones) are two enums.
    "ENUM_NAME_OVERRIDES": {"RecordTypeEnum": "policy.api.search.TYPE_NAMES"},
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "policy.api.schema.sparse_responses",
        "policy.api.schema.bulk_writes",
    ],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
