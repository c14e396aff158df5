import os
import sys

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "policy.settings")
# A WSGI server (gunicorn) is a deployment: production settings unless DJANGO_ENV says otherwise.
os.environ.setdefault("DJANGO_ENV", "production")

# DRF imports django.contrib.postgres, and with it the psycopg driver, whenever psycopg is installed
# (requirements.txt installs it for PostgreSQL): 11 MB of every worker's memory (issue #18). A server
# whose databases are all SQLite never uses it, so there it is made unimportable before the apps load;
# the project's own PostgreSQL code imports it only on PostgreSQL (policy.search, policy.link_arrays).
if not any(database["ENGINE"].endswith("postgresql") for database in settings.DATABASES.values()):
    for driver in ("psycopg", "psycopg2"):
        sys.modules.setdefault(driver, None)

application = get_wsgi_application()
