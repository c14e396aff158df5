import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "policy.settings")
# A WSGI server (gunicorn) is a deployment: production settings unless DJANGO_ENV says otherwise.
os.environ.setdefault("DJANGO_ENV", "production")
application = get_wsgi_application()
