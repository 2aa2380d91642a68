from django.core.management.base import BaseCommand, CommandError

from gridmgmt.areas.recode import MODELS, AreaRecodeError, area_recode


class Command(BaseCommand):
    help = ("Give a district, street or community a corrected official code; its streets and communities, "
            "boundary versions and routing rules follow (e.g. recode_area street 091 091000001).")

    def add_arguments(self, parser):
        parser.add_argument("level", choices=sorted(MODELS))
        parser.add_argument("code", help="The area's current code")
        parser.add_argument("new_code", help="The official code: district 6, street 9, community 12 digits, "
                                             "each starting with its parent's")

    def handle(self, *args, **opts):
        try:
            result = area_recode(level=opts["level"], code=opts["code"], new_code=opts["new_code"])
        except AreaRecodeError as exc:
            raise CommandError(f"{exc}; nothing changed") from None
        for line in result.lines():
            self.stdout.write(line)
