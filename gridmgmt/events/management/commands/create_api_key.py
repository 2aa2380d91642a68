from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from gridmgmt.events.api_keys import api_key_create
from gridmgmt.events.models import Channel


class Command(BaseCommand):
    help = "Issue an API key for an integration channel; the key is printed once, as the last line."

    def add_arguments(self, parser):
        parser.add_argument("channel", help=f"one of: {', '.join(Channel.values)}")
        parser.add_argument("--name", default="", help="who the key is for (default: the channel)")
        parser.add_argument("--area", action="append", default=[], metavar="CODE",
                            help="street or community code the key may report in (repeat; default: the district)")

    def handle(self, *args, channel, name, area, **options):
        if channel not in Channel.values:
            raise CommandError(f"unknown channel {channel!r}; choose one of: {', '.join(Channel.values)}")
        try:
            key, raw_key = api_key_create(name=name or channel, channel=channel, area_codes=area)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        self.stdout.write(f"API key {key.pk} for channel {channel} (stored hashed; it cannot be shown again):")
        self.stdout.write(raw_key)
