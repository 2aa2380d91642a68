"""``manage.py backup [--to DIR]``: a consistent backup (pg_dump custom format + media tarball)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from gridmgmt.ops.backup import BackupError, backup_create


class Command(BaseCommand):
    help = "Back up the database (pg_dump custom format) and the media folder into a new dated folder."

    def add_arguments(self, parser):
        parser.add_argument("--to", type=Path, default=Path(settings.BACKUP_DIR),
                            help="folder that receives gridmgmt-YYYYmmdd-HHMMSS/ (default: GRIDMGMT_BACKUP_DIR)")

    def handle(self, *args, **options):
        try:
            result = backup_create(destination=options["to"])
        except (BackupError, OSError) as exc:
            raise CommandError(f"backup: {exc}") from exc
        counts = ", ".join(f"{n} {label}" for label, n in result.counts.items())
        self.stdout.write(f"backup written to {result.folder} ({counts})")
