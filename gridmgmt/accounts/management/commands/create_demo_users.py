import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from gridmgmt.accounts.demo_users import demo_users_create


class Command(BaseCommand):
    help = "Create one demo sign-in per role over the Yuexiu demo (password from GRIDMGMT_DEMO_PASSWORD)."

    def handle(self, *args, **opts):
        if not settings.DEBUG:
            # Their password is public (README): never on a production server.
            raise CommandError("demo users are for development only (DJANGO_DEBUG=1); none created")
        password = os.environ.get("GRIDMGMT_DEMO_PASSWORD", "demo-gridmgmt")
        for user in demo_users_create(password=password):
            self.stdout.write(f"demo user {user.username:12} {user.role} · {user.scope}")
        self.stdout.write(f"demo password: {password}")
