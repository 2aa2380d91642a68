"""Patrol figures for the KPI page: per street, community, grid or grid worker, over a period [start, end).

The unit of duty is a water body in a grid it touches: that grid's worker
patrols it (:func:`gridmgmt.water.patrols.patrol_record` files a patrol
under the worker's grid the body touches). For each such pair, with the
body's rule (:class:`~gridmgmt.water.models.PatrolRule` of its current
warning level, every ``d`` days):

* due: the whole ``d``-day windows from ``start`` up to the period's end (or
  now, if sooner) — each needs one compliant patrol;
* done: compliant patrols started in the period;
* short: patrols started in the period that missed the rule's minutes or km;
* missed: due windows without a compliant patrol started in them;
* compliance = (due − missed) / due (None when nothing was due).

Patrols of a grid without a water body are not duties of a body and are not
counted here. A street's or community's figures are the sums over its grids,
a grid worker's over the grids they hold. Every unit in the reader's
jurisdiction is listed, zeros included, as the case KPIs
(:func:`gridmgmt.cases.kpis.kpi_table`) do.
"""

from collections import defaultdict
from datetime import datetime, timedelta

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridmgmt.accounts.jurisdiction import scope_of
from gridmgmt.accounts.models import Role, RoleAssignment
from gridmgmt.cases.kpis import units_in_jurisdiction
from gridmgmt.water.models import Patrol, PatrolRule, WaterBody

PATROL_DIMENSIONS = ("street", "community", "grid", "grid_worker")
PATROL_COUNTS = ("due", "done", "short", "missed")
PATROL_COLUMNS = ("key", "name", *PATROL_COUNTS, "compliance")
PATROL_COLUMN_LABELS = {
    "key": _("Code"), "name": _("Name"), "due": _("Patrols due"), "done": _("Patrols done"),
    "short": _("Patrols too short"), "missed": _("Patrols missed"), "compliance": _("Patrol compliance"),
}
_CODE_WIDTH = {"street": 9, "community": 12, "grid": None}

_BODY_GRIDS = """
SELECT b.id, g.code FROM water_waterbody b JOIN grids_grid g ON g.active AND ST_Intersects(g.polygon, b.geometry)
"""


def _per_grid(start: datetime, end: datetime, now: datetime) -> dict[str, dict[str, int]]:
    """{grid code: counts} over every (water body, grid it touches) pair."""
    until = min(end, now)
    rules = {r.warning_level: r for r in PatrolRule.objects.all()}
    levels = dict(WaterBody.objects.values_list("pk", "warning_level"))
    with connection.cursor() as cursor:
        cursor.execute(_BODY_GRIDS)
        pairs = cursor.fetchall()
    patrols = defaultdict(list)  # (body id, grid code) -> [(started_at, compliant)]
    for body_id, grid_code, started_at, compliant in (
            Patrol.objects.filter(water_body__isnull=False, started_at__gte=start, started_at__lt=end)
            .values_list("water_body_id", "grid_code", "started_at", "compliant")):
        patrols[(body_id, grid_code)].append((started_at, compliant))
    totals: dict = defaultdict(lambda: dict.fromkeys(PATROL_COUNTS, 0))
    for body_id, grid_code in pairs:
        rule = rules.get(levels[body_id])
        if rule is None:
            continue  # a level without a rule has no duty to count (patrol_record refuses such patrols too)
        window = timedelta(days=rule.every_days)
        due = max(0, int((until - start) / window))
        done = [at for at, compliant in patrols[(body_id, grid_code)] if compliant]
        covered = {int((at - start) / window) for at in done}
        row = totals[grid_code]
        row["due"] += due
        row["done"] += len(done)
        row["short"] += len(patrols[(body_id, grid_code)]) - len(done)
        row["missed"] += due - sum(1 for index in covered if index < due)  # O(patrols), not O(windows)
    return totals


def _finish(key: str, name: str, counts: dict) -> dict:
    due = counts["due"]
    return {"key": key, "name": name, **counts,
            "compliance": round((due - counts["missed"]) / due, 4) if due else None}


def patrol_kpi_table(*, user, dimension: str, start: datetime, end: datetime,
                     now: datetime | None = None) -> list[dict]:
    """One row per unit of ``dimension`` (one of :data:`PATROL_DIMENSIONS`) in the reader's jurisdiction.

    Rows ``{"key", "name", "due", "done", "short", "missed", "compliance"}``
    (compliance a fraction 0–1 or None), zeros included, ordered by key
    (grid workers: by user id). ValueError for another dimension.
    """
    if dimension not in PATROL_DIMENSIONS:
        raise ValueError(f"patrol figures are per {', '.join(PATROL_DIMENSIONS)}, not {dimension!r}")
    per_grid = _per_grid(start, end, now or timezone.now())
    if dimension == "grid_worker":
        scope = scope_of(user)
        workers = defaultdict(lambda: dict.fromkeys(PATROL_COUNTS, 0))
        names = {}
        for a in RoleAssignment.objects.filter(role=Role.GRID_WORKER).select_related("user"):
            if not scope.covers(grid_code=a.grid_code, community_code=a.grid_code[:12], street_code=a.grid_code[:9]):
                continue
            names[a.user_id] = a.user.get_full_name() or a.user.username
            for field, value in per_grid.get(a.grid_code, {}).items():
                workers[a.user_id][field] += value
        return [_finish(str(user_id), names[user_id], workers[user_id]) for user_id in sorted(names)]
    units = units_in_jurisdiction(dimension, user)
    width = _CODE_WIDTH[dimension]
    sums = defaultdict(lambda: dict.fromkeys(PATROL_COUNTS, 0))
    for grid_code, counts in per_grid.items():
        key = grid_code[:width] if width else grid_code
        if key in units:
            for field, value in counts.items():
                sums[key][field] += value
    return [{**_finish(key, units[key][0], sums[key]), "name_en": units[key][1]} for key in sorted(units)]
