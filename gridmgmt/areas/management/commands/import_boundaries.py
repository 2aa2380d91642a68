from django.core.management.base import BaseCommand, CommandError

from gridmgmt.api_params import day_argument
from gridmgmt.areas.boundary_reader import BoundaryFileError
from gridmgmt.areas.services import LEVELS, BoundaryImportRefused, boundaries_import
from spatial.input_files import file_argument


class Command(BaseCommand):
    help = "Import district, street or community boundaries (GeoJSON, Shapefile, GeoPackage) as new versions."

    def add_arguments(self, parser):
        parser.add_argument("file", type=file_argument)
        parser.add_argument("--level", required=True, choices=sorted(LEVELS))
        parser.add_argument("--code-field", default="code")
        parser.add_argument("--name-field", default="name")
        parser.add_argument("--name-en-field")
        parser.add_argument("--parent-field", help="Field holding the parent's code")
        parser.add_argument("--parent", help="Parent code for every feature (instead of --parent-field)")
        parser.add_argument("--crs", help="Source CRS: an EPSG code, a PROJ string or gcj02 (default: the file's)")
        parser.add_argument("--valid-from", type=day_argument, help="YYYY-MM-DD (default: today)")

    def handle(self, *args, **opts):
        try:
            report = boundaries_import(
                path=opts["file"], level=opts["level"], code_field=opts["code_field"],
                name_field=opts["name_field"], name_en_field=opts["name_en_field"],
                parent_field=opts["parent_field"], parent_code=opts["parent"], crs=opts["crs"],
                valid_from=opts["valid_from"], source=str(opts["file"]))
        except BoundaryFileError as exc:
            raise CommandError(str(exc)) from None
        except BoundaryImportRefused as exc:
            for line in exc.report.refused:
                self.stderr.write(f"refused {line}")
            raise CommandError(f"import refused, nothing written: {exc.report.summary()}") from None
        for line in report.repaired:
            self.stdout.write(f"repaired {line}")
        self.stdout.write(report.summary())
