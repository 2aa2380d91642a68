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
* self-handled (即报即处): cases a grid worker fixed on the spot and closed in
  the period; they never reach a department, so they are counted here and
  in none of due, closed or the rates;
* reports (grid worker only): events the worker reported in the period.

A grid worker's figures are the sums over the grids they hold. Every unit of
the dimension in the reader's jurisdiction is listed, with zeros when it had
no case (a unit with nothing to show is a finding too). :func:`kpi_trend` gives
the same figures per calendar month (local time) for the trend chart.
"""

from collections import defaultdict
from datetime import date, datetime, time, timedelta

from django.db.models import Count, F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridmgmt.accounts.models import Role, RoleAssignment
from gridmgmt.accounts.jurisdiction import scope_of
from gridmgmt.areas.models import Community, Department, Street
from gridmgmt.cases.models import Status
from gridmgmt.cases.selectors import cases_visible_to
from gridmgmt.grids.models import Grid

GROUP_COLUMN = {"department": "department__code", "street": "street_code", "community": "community_code",
                "grid": "grid_code", "grid_worker": "grid_code"}
DIMENSIONS = tuple(GROUP_COLUMN)
COUNTS = ("received", "opened", "due", "closed", "closed_on_time", "reworked", "overdue", "self_handled")
TREND_MAX_MONTHS = 24  # a trend longer than two years no longer fits a page

COLUMN_LABELS = {
    "key": _("Code"), "name": _("Name"), "name_en": _("English name"), "received": _("Cases received"),
    "opened": _("Opened"), "due": _("Due"), "closed": _("Closed"), "closed_on_time": _("On time"),
    "reworked": _("Reworked"), "overdue": _("Overdue"), "self_handled": _("Fixed on the spot"),
    "closure_rate": _("Closure rate"), "on_time_rate": _("On-time rate"), "rework_rate": _("Rework rate"),
    "avg_handling_hours": _("Average working hours"), "reports": _("Reports"),
}
COLUMNS = ("key", "name", "name_en", *COUNTS, "closure_rate", "on_time_rate", "rework_rate", "avg_handling_hours",
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
        "self_handled": Count("id", filter=Q(self_handled=True, closed_at__gte=start, closed_at__lt=end)),
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


def units_in_jurisdiction(dimension: str, user) -> dict[str, tuple[str, str]]:
    """{key: (name, English name)} of every unit of ``dimension`` in the reader's jurisdiction.

    ``dimension``: "department", "street", "community" or "grid" (a KeyError
    for any other); keys are department or area codes, the English name ""
    when none is known (always for grids, named by their code). Every unit is
    listed, with or without cases, so a KPI table (this module's, the patrol
    KPIs of :mod:`gridmgmt.water.patrol_kpis`) shows its zeros. A reader
    scoped to no area gets {} for an area dimension.

    Area codes nest (street 9 digits ⊂ community 12 ⊂ grid 14/15), so a
    scope's streets, communities and grids name their units by prefix. A
    reader scoped by department only sees departments listed (areas follow
    from its cases).
    """
    scope = scope_of(user)
    if dimension == "department":
        departments = Department.objects.all()
        if not (scope.district or scope.street_codes or scope.community_codes or scope.grid_codes):
            departments = departments.filter(pk__in=scope.department_ids)
        return {d.code: (d.name, d.name_en) for d in departments}
    if not (scope.district or scope.street_codes or scope.community_codes or scope.grid_codes):
        return {}
    model = {"street": Street, "community": Community, "grid": Grid}[dimension]
    records = model.objects.filter(active=True) if model is Grid else model.objects.all()
    if not scope.district:
        width = {"street": 9, "community": 12, "grid": 15}[dimension]
        prefixes = [*scope.street_codes, *scope.community_codes, *scope.grid_codes]
        within = Q(pk__in=[])
        for prefix in prefixes:  # a unit inside a scope area, or a scope area inside the unit
            within |= Q(code__startswith=prefix) | Q(code=prefix[:width])
        records = records.filter(within)
    if model is Grid:
        return {g.code: (g.code, "") for g in records.only("code")}
    return {r.code: (r.name, r.name_en) for r in records}


def kpi_table(*, user, dimension: str, start: datetime, end: datetime, now: datetime | None = None) -> list[dict]:
    """One row per unit of ``dimension`` in the reader's jurisdiction, zeros included, ordered by key."""
    column = GROUP_COLUMN[dimension]
    rows = list(cases_visible_to(user).exclude(**{column: ""}).exclude(**{f"{column}__isnull": True})
                .values(key=F(column)).annotate(**_aggregates(start, end, now or timezone.now()))
                .order_by("key"))
    if dimension == "grid_worker":
        return _per_worker(user, rows, start, end)
    counted = {row["key"]: row for row in rows}
    units = units_in_jurisdiction(dimension, user)
    empty = {**dict.fromkeys(COUNTS, 0), "handling_sum": None}
    return [{**_finish(dict(counted.get(key) or {"key": key, **empty})), "name": units.get(key, ("", ""))[0],
             "name_en": units.get(key, ("", ""))[1], "reports": None}
            for key in sorted(set(units) | set(counted))]


def _add_months(first_of_month: date, months: int) -> date | None:
    """The first day ``months`` later, or None past year 9999."""
    index = first_of_month.year * 12 + first_of_month.month - 1 + months
    return None if index // 12 > date.max.year else date(index // 12, index % 12 + 1, 1)


def kpi_trend(*, user, start: datetime, end: datetime, now: datetime | None = None) -> list[dict]:
    """The reader's figures per calendar month (local time) overlapping [start, end), each clipped to the period.

    Rows: ``{"month": "2026-03", **counts, rates}`` in month order; the
    months are those of the period up to now (its last ``TREND_MAX_MONTHS``
    when longer), zeros included. One aggregate query.
    """
    now, months, tz = now or timezone.now(), [], timezone.get_default_timezone()
    end = min(end, now)  # months still to come have nothing to show
    first = timezone.localtime(start, tz).date().replace(day=1)
    last = timezone.localtime(end - timedelta(microseconds=1), tz).date().replace(day=1)
    skipped = (last.year - first.year) * 12 + last.month - first.month - TREND_MAX_MONTHS + 1
    if skipped > 0:  # a long period: its last months
        first = _add_months(first, skipped)
    while first is not None:
        month_start = max(start, datetime.combine(first, time(), tz))
        following = _add_months(first, 1)  # None after December 9999: the period's end bounds it
        month_end = end if following is None else min(end, datetime.combine(following, time(), tz))
        if month_start >= end:
            break
        months.append((first.strftime("%Y-%m"), month_start, month_end))
        first = following
    if not months:
        return []
    aggregates = {f"{label}|{name}": expression for label, month_start, month_end in months
                  for name, expression in _aggregates(month_start, month_end, now).items()}
    totals = cases_visible_to(user).aggregate(**aggregates)
    return [_finish({"month": label, **{name: totals[f"{label}|{name}"] or 0 for name in (*COUNTS, "handling_sum")}})
            for label, _s, _e in months]


def _per_worker(user, grid_rows: list[dict], start: datetime, end: datetime) -> list[dict]:
    by_grid = {row["key"]: row for row in grid_rows}
    totals: dict = defaultdict(lambda: dict.fromkeys((*COUNTS, "handling_sum"), 0))
    names = {}
    scope = scope_of(user)
    workers = [a for a in RoleAssignment.objects.filter(role=Role.GRID_WORKER).select_related("user")
               if scope.covers(grid_code=a.grid_code, community_code=a.grid_code[:12], street_code=a.grid_code[:9])]
    for a in workers:
        names[a.user_id] = a.user.get_full_name() or a.user.username
        grid = by_grid.get(a.grid_code)
        for field in (*COUNTS, "handling_sum"):
            totals[a.user_id][field] += (grid or {}).get(field) or 0
    reports = dict(scope.events().filter(received_at__gte=start, received_at__lt=end,
                                                  reporter_id__in=names).values_list("reporter_id").annotate(n=Count("id")))
    return [{"key": str(user_id), "name": names[user_id], "name_en": "", **_finish(dict(totals[user_id])),
             "reports": reports.get(user_id, 0)} for user_id in sorted(names)]
