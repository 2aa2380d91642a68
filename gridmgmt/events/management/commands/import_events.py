from django.core.management.base import BaseCommand, CommandError

from gridmgmt.events.import_parallel import imports_resolve
from gridmgmt.events.importing import ImportRefused, events_import_csv
from gridmgmt.events.models import Channel


class Command(BaseCommand):
    help = ("Import reports from CSV (ticket_id, lat, lng, service_code, description, ...): all rows or "
            "none; a bad row is named by its line number.")

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?")
        parser.add_argument("--channel", choices=Channel.values)
        parser.add_argument("--resolve", action="store_true",
                            help="only finish the parts of parallel imports whose process died")
        parser.add_argument("--service-code", default=None,
                            help="small-class code for files without a service_code column (e.g. Boston 311)")

    def handle(self, *args, path, channel, service_code, resolve, **options):
        if resolve:
            for gid, outcome in imports_resolve():
                self.stdout.write(f"{gid}: {outcome}")
            return
        if not path or not channel:
            raise CommandError("give a CSV path and --channel (or --resolve)")
        with open(path, encoding="utf-8-sig", newline="") as handle:
            try:
                result = events_import_csv(text=handle, channel=channel, default_service_code=service_code)
            except ImportRefused as exc:
                raise CommandError(f"{path}: nothing imported: {exc}") from None
        self.stdout.write(f"{result.rows} rows: {result.created} reports created, "
                          f"{result.skipped_existing} already imported")
