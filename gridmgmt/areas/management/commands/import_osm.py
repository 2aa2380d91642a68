from django.core.management.base import BaseCommand, CommandError

from gridmgmt.api_params import MAX_ID, day_argument, int_argument, number_argument
from gridmgmt.areas.osm_codes import OsmCodeMapError, code_map_load
from gridmgmt.areas.osm_import import OsmImportFailed, osm_import
from spatial.crs import UnknownCRSError
from spatial.osm_reader import OsmParameterError, OsmReadError
from spatial.input_files import file_argument


# The reader's parameters by the option that sets them: a refusal names the option as typed.
OPTION_OF_PARAMETER = {"dwelling_area_m2": "--dwelling-area", "default_levels": "--default-levels"}
# OSM's admin_level runs from 1 (unused) to 11 (https://wiki.openstreetmap.org/wiki/Key:admin_level).
ADMIN_LEVEL = int_argument(low=1, high=11)


class Command(BaseCommand):
    help = ("Import an OSM extract (.osm, .osm.bz2, .osm.pbf) offline in one pass: administrative boundaries "
            "(chosen admin levels), buildings with households, roads (grid cut lines, traffic view) and health "
            "facilities (medical view). Prints every feature it could not build and why, and how households "
            "were counted.")

    def add_arguments(self, parser):
        parser.add_argument("file", type=file_argument, help=".osm, .osm.bz2 or .osm.pbf")
        parser.add_argument("--district-admin-level", type=ADMIN_LEVEL, help="OSM admin_level imported as districts")
        parser.add_argument("--street-admin-level", type=ADMIN_LEVEL, help="OSM admin_level imported as streets")
        parser.add_argument("--community-admin-level", type=ADMIN_LEVEL, help="OSM admin_level imported as communities")
        parser.add_argument("--codes", type=file_argument, help="CSV mapping OSM boundaries to official codes: columns code and "
                                            "osm_id (relation/101) or ref")
        parser.add_argument("--code-template", default="",
                            help="Code from the parent's code and the OSM ref, e.g. '{parent}{ref:0>3}' "
                                 "(fields: parent, ref, osm_id)")
        parser.add_argument("--close-cut-boundaries", action="store_true",
                            help="Close boundaries cut at the extract's edge along that edge (its <bounds>, "
                                 "else the bounding box of its nodes)")
        parser.add_argument("--close-cut-buildings", action="store_true",
                            help="Keep the inside part of a building cut at the extract's edge, closed along that "
                                 "edge (households estimated from that part); never replaces a stored building")
        parser.add_argument("--dwelling-area", type=number_argument(low=0, high=1e9), default=90.0,
                            help="Floor area per household in m², for buildings without a flats tag")
        parser.add_argument("--default-levels", type=int_argument(low=1, high=MAX_ID), default=1, help="Storeys when building:levels is missing")
        parser.add_argument("--crs", help="Source CRS when not WGS84: an EPSG code or gcj02")
        parser.add_argument("--valid-from", type=day_argument)

    def handle(self, *args, **opts):
        try:
            code_map = code_map_load(csv_path=opts["codes"], template=opts["code_template"])
            report = osm_import(
                path=opts["file"], district_admin_level=opts["district_admin_level"],
                street_admin_level=opts["street_admin_level"], community_admin_level=opts["community_admin_level"],
                code_map=code_map, close_cut_boundaries=opts["close_cut_boundaries"],
                close_cut_buildings=opts["close_cut_buildings"],
                dwelling_area_m2=opts["dwelling_area"], default_levels=opts["default_levels"], crs=opts["crs"],
                valid_from=opts["valid_from"])
        except OsmImportFailed as exc:
            for line in exc.report.lines():
                self.stderr.write(line)
            for line in exc.refused:
                self.stderr.write(f"refused {line}")
            raise CommandError(f"{exc}; nothing written") from None
        except OsmParameterError as exc:
            raise CommandError(f"{OPTION_OF_PARAMETER[exc.parameter]} {exc.requirement}; nothing written") from None
        except UnknownCRSError as exc:
            raise CommandError(f"--crs: {exc}; nothing written") from None
        except (OsmReadError, OsmCodeMapError, ValueError) as exc:
            raise CommandError(f"{exc}; nothing written") from None
        for line in report.lines():
            self.stdout.write(line)
