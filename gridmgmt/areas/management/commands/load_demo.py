from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand

from gridmgmt.areas.building_services import buildings_import_csv
from gridmgmt.areas.services import boundaries_import
from fixtures.yuexiu.demo_cases import demo_cases_load
from gridmgmt.duties.demo import duties_demo_load

DEMO = Path(settings.BASE_DIR) / "fixtures" / "yuexiu"
# The NBS 2023 code list is the reference for the demo's boundaries.
DEMO_VALID_FROM = date(2023, 1, 1)


class Command(BaseCommand):
    help = ("Load the Yuexiu demo district (fixtures/yuexiu): outline, streets, communities, buildings, "
            "the address-search places of the buildings, grids.")

    def add_arguments(self, parser):
        parser.add_argument("--no-grids", action="store_true", help="Skip grid generation")

    def handle(self, *args, **opts):
        layers = [
            dict(path=DEMO / "source" / "yuexiu_outline_wgs84.geojson", level="district",
                 code_field="district_adcode", name_field="district_name"),
            dict(path=DEMO / "streets.geojson", level="street", code_field="code", name_field="name",
                 name_en_field="name_en", parent_field="district"),
            dict(path=DEMO / "communities.geojson", level="community", code_field="code", name_field="name",
                 parent_field="street"),
        ]
        for layer in layers:
            report = boundaries_import(valid_from=DEMO_VALID_FROM, source=f"demo:{layer['path'].name}", **layer)
            self.stdout.write(report.summary())
        count = buildings_import_csv(path=DEMO / "buildings.csv", source="demo", replace_source=True)
        self.stdout.write(f"buildings: {count} loaded")
        # Later steps belong to other apps; each is idempotent.
        available = get_commands()
        if "import_places" in available:  # the hotline's address search finds the demo's building addresses
            call_command("import_places", "--from-buildings", stdout=self.stdout)
        if "load_catalogue" in available:
            call_command("load_catalogue", stdout=self.stdout)
        if not opts["no_grids"] and "generate_grids" in available:
            call_command("generate_grids", "--all", "--activate", "--if-missing", stdout=self.stdout)
        if settings.DEBUG and "create_demo_users" in available:
            call_command("create_demo_users", stdout=self.stdout)
        if not opts["no_grids"]:  # synthetic roads, facilities, water bodies, sensors: gridmgmt/duties/demo.py
            duties_demo_load(stdout=self.stdout)
            demo_cases_load(stdout=self.stdout)  # a month of synthetic cases: fixtures/yuexiu/demo_cases.py
