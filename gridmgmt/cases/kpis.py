"""综合评价: KPIs of a period per department, street, community, grid or grid worker.

Counted in one aggregate query over ``cases_case`` (COUNT … FILTER, grouped
by the dimension's column, all indexed), on the cases the reader may see.
Definitions, for a period [start, end):

* received: cases whose first report arrived in the period (merged duplicates not counted);
* opened: cases opened (立案) in the period;
* due (应结案): dispatched, not suspended, deadline in the period or closed in the period;
* closed: due cases closed before the end; on time: closed at or before the deadline;
* closure rate = closed / due; on-time closure rate = on time / due;
* rework rate = closed cases returned for rework at least once / closed;
* average handling time: working hours from dispatch to close, of closed cases;
* overdue: due cases whose deadline passed (before the end, and before now) unclosed or closed late;
* reports (grid worker only): events the worker reported in the period.

A grid worker's figures are the sums over the grids they hold.
"""

from collections import defaultdict
from datetime import datetime

from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from gridmgmt.accounts.models import Role, RoleAssignment
from gridmgmt.accounts.jurisdiction import scope_of
from gridmgmt.areas.models import Community, Department, Street
from gridmgmt.cases.models import Status
from gridmgmt.cases.selectors import cases_visible_to

GROUP_COLUMN = {"department": "department__code", "street": "street_code", "community": "community_code",
                "grid": "grid_code", "grid_worker": "grid_code"}
DIMENSIONS = tuple(GROUP_COLUMN)
COUNTS = ("received", "opened", "due", "closed", "closed_on_time", "reworked", "overdue")
COLUMNS = ("key", "name", *COUNTS, "closure_rate", "on_time_rate", "rework_rate", "avg_handling_hours",
           "reports")


def _aggregates(start: datetime, end: datetime, now: datetime) -> dict:
    due = (Q(deadline__isnull=False) & ~Q(status=Status.SUSPENDED)
           & (Q(deadline__gte=start, deadline__lt=end) | Q(closed_at__gte=start, closed_at__lt=end)))
    closed = due & Q(closed_at__lt=end)
    return {
        "received": Count("id", filter=Q(received_at__gte=start, received_at__lt=end) & ~Q(status=Status.MERGED)),
        "opened": Count("id", filter=Q(opened_at__gte=start, opened_at__lt=end)),
        "due": Count("id", filter=due),
        "closed": Count("id", filter=closed),
        "closed_on_time": Count("id", filter=closed & Q(closed_at__lte=F("deadline"))),
        "reworked": Count("id", filter=closed & Q(rework_count__gt=0)),
        "overdue": Count("id", filter=due & Q(deadline__lt=min(end, now))
                         & (Q(closed_at__isnull=True) | Q(closed_at__gt=F("deadline")))),
        "handling_sum": Sum("handling_working_hours", filter=closed),
    }


def _finish(row: dict) -> dict:
    def ratio(a, b):
        return round(a / b, 4) if b else None

    handling_sum = row.pop("handling_sum") or 0.0
    return {**row, "closure_rate": ratio(row["closed"], row["due"]),
            "on_time_rate": ratio(row["closed_on_time"], row["due"]),
            "rework_rate": ratio(row["reworked"], row["closed"]),
            "avg_handling_hours": round(handling_sum / row["closed"], 2) if row["closed"] else None}


def _names(dimension: str, keys) -> dict:
    model = {"department": Department, "street": Street, "community": Community}.get(dimension)
    return dict(model.objects.filter(code__in=keys).values_list("code", "name")) if model else {}


def kpi_table(*, user, dimension: str, start: datetime, end: datetime, now: datetime | None = None) -> list[dict]:
    """One row per unit of ``dimension`` with cases in the period, ordered by key."""
    column = GROUP_COLUMN[dimension]
    rows = list(cases_visible_to(user).exclude(**{column: ""}).exclude(**{f"{column}__isnull": True})
                .values(key=F(column)).annotate(**_aggregates(start, end, now or timezone.now()))
                .order_by("key"))
    if dimension == "grid_worker":
        return _per_worker(user, rows, start, end)
    names = _names(dimension, [r["key"] for r in rows])
    return [{**_finish(row), "name": names.get(row["key"], ""), "reports": None} for row in rows]


def _per_worker(user, grid_rows: list[dict], start: datetime, end: datetime) -> list[dict]:
    by_grid = {row["key"]: row for row in grid_rows}
    totals: dict = defaultdict(lambda: dict.fromkeys((*COUNTS, "handling_sum"), 0))
    names = {}
    for a in RoleAssignment.objects.filter(role=Role.GRID_WORKER).select_related("user"):
        names[a.user_id] = a.user.get_full_name() or a.user.username
        grid = by_grid.get(a.grid_code)
        for field in (*COUNTS, "handling_sum"):
            totals[a.user_id][field] += (grid or {}).get(field) or 0
    reports = dict(scope_of(user).events().filter(received_at__gte=start, received_at__lt=end,
                                                  reporter_id__in=names).values_list("reporter_id").annotate(n=Count("id")))
    return [{"key": str(user_id), "name": names[user_id], **_finish(dict(totals[user_id])),
             "reports": reports.get(user_id, 0)}
            for user_id in sorted(names) if user_id in totals and (
                any(totals[user_id][c] for c in COUNTS) or reports.get(user_id))]
