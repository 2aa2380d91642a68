"""manage.py import_places [FILE.csv [--crs wgs84|gcj02]] [--from-buildings]: fill the address-search gazetteer."""


from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from gridmgmt.geocoding.services import places_from_buildings, places_import_csv
from spatial.input_files import file_argument


class Command(BaseCommand):
    help = "Import standard addresses from a CSV (id,name,address,lng,lat) and/or the addresses of buildings."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", type=file_argument)
        parser.add_argument("--crs", default="wgs84", choices=["wgs84", "gcj02"])
        parser.add_argument("--from-buildings", action="store_true")
        parser.add_argument("--encoding", help="the CSV's encoding (default: detected; UTF-8, GBK/GB18030 or UTF-16)")

    def handle(self, *args, file=None, crs="wgs84", from_buildings=False, encoding=None, **options):
        if file is None and not from_buildings:
            raise CommandError("give a CSV file, --from-buildings, or both")
        try:
            if file is not None:
                self.stdout.write(f"{places_import_csv(path=file, crs=crs, encoding=encoding)} places from {file.name}")
            if from_buildings:
                self.stdout.write(f"{places_from_buildings()} places from building addresses")
        except ValidationError as exc:
            raise CommandError("; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())) from None
