"""``manage.py restore FOLDER --database NAME [--media-root DIR]``: a backup into an empty database."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from gridmgmt.ops.backup import BackupError, backup_restore
from spatial.input_files import folder_argument


class Command(BaseCommand):
    help = ("Restore a backup folder made by `manage.py backup` into an empty database on the same server "
            "(created when missing) and its photos into the media folder; checks the restored counts.")

    def add_arguments(self, parser):
        parser.add_argument("folder", type=folder_argument, help="a gridmgmt-YYYYmmdd-HHMMSS/ backup folder")
        parser.add_argument("--database", required=True,
                            help="name of the empty database to restore into (then point DATABASE_URL at it)")
        parser.add_argument("--media-root", type=Path, default=Path(settings.MEDIA_ROOT),
                            help="where the photos go (default: MEDIA_ROOT)")

    def handle(self, *args, **options):
        try:
            counts = backup_restore(source=options["folder"], database=options["database"],
                                    media_root=options["media_root"])
        except (BackupError, OSError) as exc:
            raise CommandError(f"restore: {exc}") from exc
        restored = ", ".join(f"{n} {label}" for label, n in counts.items())
        self.stdout.write(f"restored into database {options['database']} ({restored}), photos into "
                          f"{options['media_root']}")
