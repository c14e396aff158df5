"""Reading the environment for policy/settings.py: typed variables, with a message naming the
variable when one is missing or malformed, and the settings built from several variables at once
(the databases and their replicas, the caches, the request rates).

Settings read each variable once, when the process starts; a wrong value stops the process with
ImproperlyConfigured rather than failing the first request that needs it.
"""

import os

import dj_database_url
from django.core.exceptions import ImproperlyConfigured


def env_bool(name, default):
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_required(name, how):
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(f"{name} is not set. Production (DJANGO_ENV=production) needs it: {how}")
    return value


def env_count(name, default):
    raw = os.environ.get(name, str(default)).strip()
    if not (raw.isascii() and raw.isdigit()):  # isdigit() alone takes "²", which int() refuses
        raise ImproperlyConfigured(f"{name} is “{raw}”; set it to a whole number (0 or more).")
    return int(raw)


def env_list(name, default=""):
    """A comma-separated variable's items, blanks dropped."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def environment():
    """DJANGO_ENV: "development" (the default) or "production"."""
    name = os.environ.get("DJANGO_ENV", "development").strip().lower()
    if name not in ("development", "production"):
        raise ImproperlyConfigured(f"DJANGO_ENV is “{name}”; set it to “development” or “production”.")
    return name


def databases(base_dir):
    """(DATABASES, the replicas' aliases): DATABASE_URL (else SQLite beside the code), and each of
    DATABASE_REPLICA_URLS=postgres://…,postgres://… as replica1, replica2, …"""
    conn_max_age = int(os.environ.get("CONN_MAX_AGE", "60"))
    sqlite = f"sqlite:///{base_dir / 'db.sqlite3'}"
    found = {"default": dj_database_url.config(default=sqlite, conn_max_age=conn_max_age)}
    if found["default"]["ENGINE"] == "django.db.backends.sqlite3":
        # Writers queue rather than fail: each transaction takes SQLite's write lock at BEGIN (two that
        # both read first would deadlock upgrading their locks, and one would fail at once), and waits
        # up to SQLITE_TIMEOUT seconds for it; past that the request is a 503 (policy.busy).
        # Each of a worker's threads holds a connection, and each connection its own page cache: the
        # operating system already caches the file, so a small one (SQLITE_CACHE_KIB) costs no speed
        # and 256 KiB instead of SQLite's 2 MiB saved ~10 MB a worker of 4 threads (bench/memory.py).
        cache = env_count("SQLITE_CACHE_KIB", 256)
        found["default"].setdefault("OPTIONS", {}).update(
            {
                "transaction_mode": "IMMEDIATE",
                "timeout": float(os.environ.get("SQLITE_TIMEOUT", "20")),
                "init_command": f"PRAGMA cache_size = -{cache}",
            }
        )
    replicas = []
    for number, url in enumerate(filter(None, os.environ.get("DATABASE_REPLICA_URLS", "").split(",")), start=1):
        found[f"replica{number}"] = dj_database_url.parse(url.strip(), conn_max_age=conn_max_age)
        replicas.append(f"replica{number}")
    return found, replicas


def caches(state_dir):
    """Redis at REDIS_URL (shared by every app server), else this process's memory; sign-in attempts
    (policy/sign_in.py) must be one count for all of a server's workers, or each gunicorn worker
    would allow its own 5 a minute: without Redis they are kept in files (SIGN_IN_CACHE_DIR)."""
    redis = os.environ.get("REDIS_URL")
    if redis:
        default = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis}
        return {"default": default, "sign_in": dict(default)}
    return {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "OPTIONS": {"MAX_ENTRIES": 10000}},
        "sign_in": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": os.environ.get("SIGN_IN_CACHE_DIR") or os.path.join(state_dir, "sign-in"),
            "OPTIONS": {"MAX_ENTRIES": 10000},
        },
    }


def rates(defaults, production):
    """{scope: rate or None (no limit)} from {scope: (variable, production's, development's)}."""
    found = {}
    for scope, (variable, in_production, in_development) in defaults.items():
        rate = os.environ.get(variable, in_production if production else in_development).strip()
        found[scope] = None if rate.lower() in ("", "off", "none") else rate
    return found
