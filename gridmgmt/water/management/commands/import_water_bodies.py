"""``manage.py import_water_bodies FILE``: water bodies from GeoJSON or an OSM extract (.osm, .osm.bz2, .pbf)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from gridmgmt.water.importing import (
    WaterImportError,
    records_from_geojson,
    records_from_osm,
    water_bodies_import,
)
from spatial.input_files import file_argument

OSM_SUFFIXES = (".osm", ".osm.bz2", ".osm.gz", ".pbf", ".osm.pbf")


class Command(BaseCommand):
    help = ("Load small water bodies (小微水体) from GeoJSON (code, name, kind per feature; all or nothing) "
            "or from an OSM extract (waterway=*, natural=water; bodies outside the district skipped).")

    def add_arguments(self, parser):
        parser.add_argument("path", type=file_argument)

    def handle(self, *args, path: Path, **opts):
        is_osm = path.name.endswith(OSM_SUFFIXES)
        try:
            records = records_from_osm(path) if is_osm else records_from_geojson(path)
            report = water_bodies_import(records=records, source="osm" if is_osm else path.name,
                                         skip_outside=is_osm)
        except WaterImportError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(report.summary())
