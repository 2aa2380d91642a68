from django.core.management.base import BaseCommand, CommandError

from gridmgmt.events.import_parallel import imports_resolve
from gridmgmt.events.importing import ImportRefused, events_import_csv
from gridmgmt.events.models import Channel
from gridmgmt.text_files import TextFileError, open_text
from spatial.input_files import file_argument


class Command(BaseCommand):
    help = ("Import reports from CSV (ticket_id, lat, lng, service_code, description, ...): all rows or "
            "none; a bad row is named by its line number.")

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", type=file_argument)
        parser.add_argument("--channel", choices=Channel.values)
        parser.add_argument("--resolve", action="store_true",
                            help="only finish the parts of parallel imports whose process died")
        parser.add_argument("--encoding", default=None,
                            help="the file's encoding (default: UTF-8 with or without BOM, else GB18030/GBK)")
        parser.add_argument("--service-code", default=None,
                            help="small-class code for files without a service_code column (e.g. Boston 311)")

    def handle(self, *args, path, channel, service_code, resolve, encoding, **options):
        if resolve:
            for gid, outcome in imports_resolve():
                self.stdout.write(f"{gid}: {outcome}")
            return
        if not path or not channel:
            raise CommandError("give a CSV path and --channel (or --resolve)")
        try:
            with open_text(path, encoding=encoding) as handle:
                result = events_import_csv(text=handle, channel=channel, default_service_code=service_code)
        except OSError as exc:
            raise CommandError(f"{path}: cannot read: {exc.strerror}") from None
        except TextFileError as exc:
            raise CommandError(f"nothing imported: {exc}") from None
        except ImportRefused as exc:
            raise CommandError(f"{path}: nothing imported: {exc}") from None
        self.stdout.write(f"{result.rows} rows: {result.created} reports created, "
                          f"{result.skipped_existing} already imported")
