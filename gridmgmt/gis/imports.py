"""Imports from the GIS editor's page: a dry run that lists what would change, then the real import.

The same cores as the commands (``boundaries_import`` of ``import_boundaries``,
``osm_import`` of ``import_osm``) run inside a transaction; a dry run rolls it
back, so what it lists is exactly what the confirmed import writes. Files:
GeoJSON, a zipped Shapefile, GeoPackage (boundaries) or an OSM extract
(``.osm``, ``.osm.bz2``, ``.osm.pbf``). Geometry is stored in WGS84.
"""

import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.gis.gdal import GDALException
from django.db import transaction
from django.utils.translation import gettext as _

from gridmgmt.areas.boundary_reader import BoundaryFileError
from gridmgmt.areas.osm_import import OsmImportFailed, osm_import
from gridmgmt.areas.services import LEVELS, BoundaryImportRefused, boundaries_import
from gridmgmt.gis.audit import change_record
from gridmgmt.gis.boundary_edits import LEVEL_NAMES
from spatial.crs import UnknownCRSError, parse_crs
from spatial.osm_reader import OsmReadError

BOUNDARY_SUFFIXES = (".geojson", ".json", ".gpkg", ".zip")
OSM_SUFFIXES = (".osm", ".osm.bz2", ".osm.pbf", ".pbf")
OSM_LEVELS = {"district": "district_admin_level", "street": "street_admin_level", "community": "community_admin_level"}


class ImportFileError(ValueError):
    """The file or the options cannot be used; nothing was written."""


@dataclass
class PageImportResult:
    dry_run: bool
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    """Each refused feature with its reason: a dry run that lists any would write nothing."""
    summary: str = ""


class _DryRun(Exception):
    """Raised inside the transaction to roll a dry run back."""


def _shapefile_in(path: Path) -> Path:
    """The one .shp of a zipped Shapefile, extracted beside the zip."""
    try:
        with zipfile.ZipFile(path) as archive:
            shapes = [n for n in archive.namelist() if n.lower().endswith(".shp") and not n.startswith("__MACOSX")]
            if len(shapes) != 1:
                raise ImportFileError(_("The zip must hold exactly one Shapefile (.shp); it holds %(count)s.")
                                      % {"count": len(shapes)})
            folder = path.parent / (path.name + ".d")
            stem = shapes[0][:-4]
            for name in archive.namelist():
                if name.startswith(stem + ".") and "/" not in name.replace(stem, "", 1):
                    target = folder / Path(name).name
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(archive.read(name))
            return folder / Path(shapes[0]).name
    except zipfile.BadZipFile:
        raise ImportFileError(_("The file is not a readable zip.")) from None


def _unreadable(exc: Exception, path: Path, shown: str) -> str:
    """The reader's complaint about the file at ``path`` for the person who uploaded it as ``shown``.

    The readers name the server's path and, for a file they cannot open, the
    GDAL or parser error; neither means anything to the uploader (and the
    path is the server's business). A file that cannot be opened at all gets a
    plain reason; the rest (a missing field, coordinates out of range) keeps
    its words with the uploaded name in place of the path.
    """
    if isinstance(exc, OsmReadError):
        return _("%(name)s cannot be read as an OSM extract (.osm, .osm.bz2, .osm.pbf): it is empty or damaged.") % {
            "name": shown}
    if isinstance(exc.__context__, GDALException | IndexError):  # what the reader could not open (no layer)
        return _("%(name)s cannot be read as a map file: it is empty, damaged, or not GeoJSON, Shapefile or "
                 "GeoPackage.") % {"name": shown}
    return str(exc).replace(str(path), shown)


def page_import(*, user, path: Path, level: str, code_field: str = "code", name_field: str = "name",
                parent_field: str = "", osm_admin_level: int | None = None, crs: str = "",
                close_cut_buildings: bool = False, shown_name: str = "",
                confirm: bool = False) -> PageImportResult:
    """Dry-run (``confirm=False``) or import the file at ``path`` as boundaries of ``level``.

    An OSM extract needs ``osm_admin_level`` (the OSM admin_level read as
    ``level``); ``close_cut_buildings`` is ``import_osm --close-cut-buildings``.
    ``shown_name`` is the file's name as the uploader knows it (default: the
    stored file's name): messages and the summary name it, never ``path``.
    Raises ``ImportFileError`` for an unreadable file or wrong options. A
    refused feature is listed in ``refused``; the confirmed import then writes
    nothing either.
    """
    shown = shown_name or path.name
    if level not in LEVELS or level == "district":
        raise ImportFileError(_("Unknown level %(level)s: street or community.") % {"level": level})
    if crs:
        try:
            parse_crs(crs)
        except UnknownCRSError:
            raise ImportFileError(_("Unknown CRS %(crs)s: give an EPSG code such as EPSG:4547, a PROJ string or "
                                    "gcj02.") % {"crs": crs}) from None
    name = path.name.lower()
    result = PageImportResult(dry_run=not confirm)
    try:
        with transaction.atomic():
            if name.endswith(OSM_SUFFIXES):
                if not osm_admin_level:
                    raise ImportFileError(_("Give the OSM admin_level of the %(level)s boundaries.")
                                          % {"level": LEVEL_NAMES[level]})
                report = osm_import(path=path, crs=crs or None, close_cut_buildings=close_cut_buildings,
                                    **{OSM_LEVELS[level]: osm_admin_level})
                boundary_reports = report.boundaries
                # The report names the stored file (by path or name): the uploaded name instead.
                result.summary = "; ".join(report.lines()).replace(str(path), shown).replace(path.name, shown)
            elif name.endswith(BOUNDARY_SUFFIXES):
                source = _shapefile_in(path) if name.endswith(".zip") else path
                boundary_reports = [boundaries_import(path=source, level=level, code_field=code_field,
                                                      name_field=name_field, parent_field=parent_field or None,
                                                      crs=crs or None, source=f"gis page: {shown}")]
                result.summary = boundary_reports[0].summary()
            else:
                raise ImportFileError(_("Unknown file type %(name)s: GeoJSON, Shapefile (zip), GeoPackage or OSM.")
                                      % {"name": shown})
            for report in boundary_reports:
                result.created += report.created
                result.updated += report.updated
                result.unchanged += report.unchanged
            if not confirm:
                raise _DryRun
            if result.created or result.updated:  # a file that changes nothing leaves no record
                change_record(user=user, kind="boundary", action="import", code=level, reason=shown,
                              before={**{code: "none" for code in result.created},
                                      **{code: "previous version" for code in result.updated}},
                              after={code: "imported" for code in result.created + result.updated})
    except _DryRun:
        pass
    except BoundaryImportRefused as exc:
        result.refused, result.summary = exc.report.refused, exc.report.summary()
    except OsmImportFailed as exc:
        result.refused = exc.refused or [str(exc)]
    except (BoundaryFileError, OsmReadError) as exc:
        raise ImportFileError(_unreadable(exc, path, shown)) from None
    return result
