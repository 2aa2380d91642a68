"""Reads of the GIS editor: where corrections lie, which communities' grids follow an old boundary,
and the field corrections lately accepted (for the workload monitor). Geometry is WGS84 (EPSG:4326)."""

import json
from datetime import timedelta

from django.conf import settings
from django.db.models import Count
from django.utils import timezone

from gridmgmt.areas.models import Community
from gridmgmt.gis.models import COMPONENT_KINDS, BaseDataCorrection, CorrectionStatus

# How far back the workload monitor lists accepted field corrections.
RECENT_CORRECTIONS = timedelta(days=30)


def _point(point, properties: dict) -> dict:
    return {"type": "Feature", "geometry": json.loads(point.geojson), "properties": properties}


def corrections_map(corrections: list[BaseDataCorrection]) -> dict:
    """A FeatureCollection of where each correction applies, for the decision page's map.

    One point per correction (``role: "proposed"``): the reported position of
    a component, else the building's point. A changed component also has
    its current position (``role: "now"``), so the move is seen.
    """
    features = []
    for c in corrections:
        where = c.location if c.kind in COMPONENT_KINDS else (c.building.location if c.building else None)
        if where is not None:
            features.append(_point(where, {"id": c.pk, "kind": c.kind, "role": "proposed"}))
        if c.component is not None:
            features.append(_point(c.component.location, {"id": c.pk, "kind": c.kind, "role": "now",
                                                          "code": c.component.code}))
    return {"type": "FeatureCollection", "features": features}


def communities_with_stale_grids(*, codes: list[str] | None = None, stale: bool = True) -> list[Community]:
    """Communities whose active grids do not cover their current boundary, ordered by code.

    The grids of a community are cut from its boundary; after a boundary
    edit they still follow the old one until the community is regenerated.
    A community counts as stale when its grids' union and its boundary
    differ by more than ``TOPOLOGY_OVERLAP_TOLERANCE_M2`` square metres
    (the topology check's own tolerance: float dust of the cut does not
    count). ``codes`` limits the search to those communities; ``stale=False``
    gives the others instead: the communities with grids that still fit.
    """
    where, params = "", [settings.TOPOLOGY_OVERLAP_TOLERANCE_M2]
    if codes is not None:
        where, params = "AND c.code = ANY(%s)", [list(codes), *params]
    return list(Community.objects.raw(f"""
        SELECT c.* FROM areas_community c
        JOIN grids_grid g ON g.community_id = c.id AND g.active
        WHERE true {where}
        GROUP BY c.id
        HAVING (ST_Area(ST_SymDifference(ST_Union(g.polygon), c.boundary)::geography) > %s) = {bool(stale)}
        ORDER BY c.code""", params))


def corrections_recently_accepted(*, since=None) -> list[dict]:
    """Accepted field corrections per grid and kind since ``since`` (default: the last 30 days).

    ``[{"grid": code, "kind": kind, "label": kind in the reader's language, "count": n}]`` by grid code.
    """
    since = since or timezone.now() - RECENT_CORRECTIONS
    rows = (BaseDataCorrection.objects.filter(status=CorrectionStatus.ACCEPTED, decided_at__gte=since)
            .values("grid_code", "kind").annotate(count=Count("id")).order_by("grid_code", "kind"))
    labels = dict(BaseDataCorrection._meta.get_field("kind").choices)
    return [{"grid": r["grid_code"], "kind": r["kind"], "label": str(labels.get(r["kind"], r["kind"])),
             "count": r["count"]} for r in rows]
