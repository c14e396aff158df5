"""Create or revoke a user's API token (the admin's "Tokens" page does the same).

python manage.py api_token create alice   # prints a new token; any old one stops working
python manage.py api_token revoke alice   # the token stops working at once
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from rest_framework.authtoken.models import Token


class Command(BaseCommand):
    help = "Create (or replace) or revoke the API token of a user."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["create", "revoke"])
        parser.add_argument("username")

    def handle(self, *args, action, username, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user “{username}”. Create one with `python manage.py createsuperuser`.")
        with transaction.atomic():
            revoked, _ = Token.objects.filter(user=user).delete()
            if action == "create":
                token = Token.objects.create(user=user)
                self.stdout.write(token.key)
                if revoked:
                    self.stderr.write(f"The previous token of “{username}” no longer works.")
            elif revoked:
                self.stdout.write(f"Revoked the token of “{username}”.")
            else:
                self.stdout.write(f"“{username}” had no token.")
