"""Reads of the dashboard's water view: water bodies by warning, black-odour class and patrol state, open water cases.

Read-only over the water app (its rules stay there: the patrol state is
:func:`gridmgmt.water.patrols.patrol_statuses`, the black-odour class is the
one the latest observation was given by :mod:`gridmgmt.water.quality`).
A water body is in a reader's area when it touches an active grid of that
area (the same "touches" the patrol duty uses). Geometries are WGS84
GeoJSON, (lng, lat).

The view is split in two so that an unchanged poll is cheap:
:func:`water_state` reads everything but the geometries (its digest is the
layer's version), :func:`water_layer` adds the geometries to it.
"""

import hashlib
import json
from dataclasses import dataclass

from django.contrib.gis.db.models.functions import AsGeoJSON
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone

from gridmgmt.cases.models import Case
from gridmgmt.grids.models import Grid
from gridmgmt.maps.scope import AreaScope
from gridmgmt.maps.selectors import FINISHED_STATUSES
from gridmgmt.water.models import WaterBody, WaterObservation
from gridmgmt.water.patrols import patrol_statuses
from gridmgmt.water.selectors import WATER_BIG_CLASS
from gridmgmt.web.names import name_in_language

WORST_LISTED = 10


def water_bodies_in(scope: AreaScope):
    """Water bodies touching an active grid of ``scope`` (all of them for the district)."""
    bodies = WaterBody.objects.all()
    if scope.district:
        return bodies
    grids = Grid.objects.active().filter(
        Q(code__in=scope.grid_codes) | Q(community__code__in=scope.community_codes)
        | Q(community__street__code__in=scope.street_codes))
    return bodies.filter(Exists(grids.filter(polygon__intersects=OuterRef("geometry"))))


def open_water_cases_in(scope: AreaScope):
    """Open cases of the water classes (big class 23, 小微水体) in ``scope``, oldest deadline first."""
    return scope.cases(Case.objects.exclude(status__in=FINISHED_STATUSES)).filter(
        small_class__code__startswith=WATER_BIG_CLASS).select_related("small_class").order_by("deadline", "pk")


@dataclass(frozen=True)
class BodyState:
    """One water body's state on the map: ``black_odor`` 0 none, 1 light, 2 severe, None never observed."""

    id: int
    code: str
    name: str
    kind: str
    warning_level: str
    black_odor: int | None
    observed_at: str | None  # ISO 8601
    patrol_state: str  # "ok", "due_soon" or "missed" (gridmgmt.water.patrols)
    patrol_due_at: str | None  # ISO 8601: end of the last compliant patrol's period; None: never patrolled

    @property
    def badness(self) -> tuple:
        """Sort key, worst first: severe, then light black odour, then a missed patrol, then due soon."""
        return (-(self.black_odor or 0), {"missed": 0, "due_soon": 1}.get(self.patrol_state, 2),
                self.patrol_due_at or "", self.code)

    @property
    def worst(self) -> bool:
        return bool(self.black_odor) or self.patrol_state == "missed"


@dataclass(frozen=True)
class WaterState:
    bodies: list[BodyState]
    cases: list[dict]  # open water cases: id, number, class (reader's language), status, deadline, overdue, lng, lat

    def digest(self) -> str:
        rows = [[b.__dict__ for b in self.bodies], self.cases]
        return hashlib.md5(json.dumps(rows, sort_keys=True, default=str).encode()).hexdigest()


def water_state(*, scope: AreaScope) -> WaterState:
    """The water view's data without geometries: a few small queries (one annotated list of bodies, one of cases)."""
    latest = WaterObservation.objects.filter(water_body=OuterRef("pk")).order_by("-observed_at", "-pk")
    bodies = water_bodies_in(scope).defer("geometry").annotate(
        black_odor=Subquery(latest.values("black_odor_class")[:1]),
        observed_at=Subquery(latest.values("observed_at")[:1]))
    states = [BodyState(
        id=s.water_body.pk, code=s.water_body.code, name=s.water_body.name, kind=s.water_body.kind,
        warning_level=s.water_body.warning_level, black_odor=s.water_body.black_odor,
        observed_at=s.water_body.observed_at.isoformat() if s.water_body.observed_at else None,
        patrol_state=s.state,
        # A body never patrolled is due "now": no date, or the version would change on every poll.
        patrol_due_at=s.due_at.isoformat() if s.last_compliant else None) for s in patrol_statuses(bodies=bodies)]
    now = timezone.now()
    cases = [{"id": c.pk, "number": c.number, "class_code": c.small_class.code,
              "class_name": name_in_language(c.small_class)[0], "status": c.status,
              "grid": c.grid_code, "deadline": c.deadline.isoformat() if c.deadline else None,
              "overdue": bool(c.deadline and c.deadline < now), "lng": c.location.x, "lat": c.location.y}
             for c in open_water_cases_in(scope)]
    return WaterState(bodies=sorted(states, key=lambda b: b.code), cases=cases)


def water_layer(*, scope: AreaScope, state: WaterState, precision: int) -> dict:
    """The water view: ``bodies`` and ``cases`` FeatureCollections, ``worst`` bodies, ``counts`` by state."""
    shapes = dict(water_bodies_in(scope).annotate(shape=AsGeoJSON("geometry", precision=precision))
                  .values_list("pk", "shape"))
    bodies = [{"type": "Feature", "id": b.id, "geometry": json.loads(shapes[b.id]), "properties": {
        k: v for k, v in b.__dict__.items() if k != "id"}} for b in state.bodies if b.id in shapes]
    cases = [{"type": "Feature", "id": c["id"], "geometry": {"type": "Point", "coordinates": [c["lng"], c["lat"]]},
              "properties": {k: v for k, v in c.items() if k not in ("lng", "lat")}} for c in state.cases]
    worst = sorted((b for b in state.bodies if b.worst), key=lambda b: b.badness)
    return {
        "bodies": {"type": "FeatureCollection", "features": bodies},
        "cases": {"type": "FeatureCollection", "features": cases},
        "worst": [{"code": b.code, "name": b.name, "black_odor": b.black_odor, "patrol_state": b.patrol_state,
                   "patrol_due_at": b.patrol_due_at} for b in worst[:WORST_LISTED]],
        "counts": {"bodies": len(state.bodies), "black_odorous": sum(1 for b in state.bodies if b.black_odor),
                   "patrol_missed": sum(1 for b in state.bodies if b.patrol_state == "missed"),
                   "open_cases": len(state.cases)},
    }
