"""Reads the pages need that the apps' APIs do not already offer."""

from django.db.models import Prefetch

from gridmgmt.accounts.models import Role
from gridmgmt.accounts.selectors import assignments_of
from gridmgmt.cases.models import Status
from gridmgmt.cases.selectors import case_list
from gridmgmt.events.models import BigClass, SmallClass
from gridmgmt.events.selectors import event_list
from gridmgmt.geojson_sql import feature_collection


def district_layer(*, precision: int) -> str:
    """Districts as a GeoJSON FeatureCollection (WGS84, lng/lat), built in SQL like the other layers."""
    return feature_collection(
        table="areas_district", geometry="areas_district.boundary",
        properties={"code": "areas_district.code", "name": "areas_district.name",
                    "name_en": "areas_district.name_en"},
        precision=precision, order_by="areas_district.code")


def worker_grid_codes(user) -> list[str]:
    """The grid codes a grid worker is bound to (codes, not rows: they survive regeneration)."""
    return sorted({a.grid_code for a in assignments_of(user) if a.role == Role.GRID_WORKER})


def grids_layer(*, codes: list[str], precision: int) -> str:
    """The active grids with these codes as GeoJSON (WGS84, lng/lat)."""
    return feature_collection(
        table="grids_grid", geometry="grids_grid.polygon",
        properties={"code": "grids_grid.code", "community_name": "c.name", "households": "grids_grid.households"},
        joins="JOIN areas_community c ON c.id = grids_grid.community_id",
        where=[("grids_grid.active", []), ("grids_grid.code = ANY(%s)", [codes])],
        precision=precision, order_by="grids_grid.code")


def report_catalogue() -> list[dict]:
    """Big classes with their active small classes and extra attributes, for the class picker.

    Names come in both languages; the page shows the one of the current language.
    """
    bigs = BigClass.objects.prefetch_related(
        Prefetch("small_classes", queryset=SmallClass.objects.filter(active=True).order_by("code")))
    return [
        {"code": big.code, "kind": big.kind, "name": big.name, "name_en": big.name_en,
         "classes": [{"code": s.code, "name": s.name, "name_en": s.name_en, "keywords": s.keywords,
                      "attributes": sorted(s.attributes, key=lambda a: a.get("order", 0))}
                     for s in big.small_classes.all()]}
        for big in bigs if big.small_classes.all()
    ]


def worker_reports(user, *, limit: int = 100):
    """The user's own reports, newest first, each with its case (whose number the worker sees)."""
    return event_list().filter(reporter=user).select_related("case_source__case")[:limit]


def worker_report(user, event_id: int):
    """One of the user's own reports (with its case, small class and photos), or None: another's is not theirs to see."""
    return (event_list().filter(reporter=user, pk=event_id).select_related("case_source__case")
            .prefetch_related("photos").first())


def verification_tasks(user):
    """Handled cases in the worker's grids waiting for the on-site check (核查)."""
    return case_list(user=user, status=Status.HANDLED).order_by("deadline", "id")
