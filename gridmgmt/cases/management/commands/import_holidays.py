"""``manage.py import_holidays FILE``: a year's holidays and 调休 days for the working calendar.

Use it when the State Council publishes the next year's notice before
``chinesecalendar`` knows the year: write the notice's days in the format of
:mod:`gridmgmt.cases.holiday_files` (``"complete": true``) and import it.
The file is checked whole, then copied to ``CASE_HOLIDAY_DIR/<year>.json``.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from gridmgmt.cases.holiday_files import HolidayFileError, parse_holiday_file
from gridmgmt.text_files import TextFileError, read_text
from spatial.input_files import file_argument


class Command(BaseCommand):
    help = "Import a year's public holidays and make-up working days (JSON holiday file) into the working calendar."

    def add_arguments(self, parser):
        parser.add_argument("file", type=file_argument)
        parser.add_argument("--encoding", help="the file's encoding (default: detected; UTF-8, GBK/GB18030 or UTF-16)")

    def handle(self, *args, file: Path, encoding: str | None = None, **options):
        try:
            text = read_text(file, encoding=encoding)  # a notice typed in Notepad may be GBK or UTF-16; stored below as UTF-8
        except OSError as exc:
            raise CommandError(f"{file}: cannot read: {exc.strerror}") from None
        except TextFileError as exc:
            raise CommandError(str(exc)) from None
        try:
            holiday_year = parse_holiday_file(text)
        except HolidayFileError as exc:
            raise CommandError(f"{file}: {exc}") from None
        folder = Path(settings.CASE_HOLIDAY_DIR)
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"{holiday_year.year}.json"
        target.write_text(text, encoding="utf-8")
        kind = "complete (official)" if holiday_year.complete else "statutory days only"
        self.stdout.write(f"{holiday_year.year}: {len(holiday_year.days)} days, {kind}, from {holiday_year.source} "
                          f"→ {target}")
