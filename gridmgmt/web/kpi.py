"""综合评价: the KPI page, a table and bar charts of :func:`gridmgmt.cases.kpis.kpi_table`, and the monthly trend;
patrol figures (:func:`gridmgmt.water.patrol_kpis.patrol_kpi_table`) per street, community, grid or grid worker.

The charts are inline SVG drawn by the template from numbers computed here:
no chart library, nothing fetched from outside (closed networks). Each chart
is drawn from the very rows its table shows (the per-unit bars from the
table's rows, the trend bars from the trend table's rows, the patrol
compliance bars from the patrol table's rows). The CSV link is the KPI API
with the page's own filters, so the file is the table; the patrol CSV is
served here from the same rows as the patrol table, headers in the
reader's language.
"""

import csv
import io
from datetime import date, timedelta
from types import SimpleNamespace
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from gridmgmt.accounts.models import Role
from gridmgmt.api_params import day_end_exclusive, day_start
from gridmgmt.cases.kpis import kpi_table, kpi_trend
from gridmgmt.water.patrol_kpis import PATROL_COLUMN_LABELS, PATROL_COLUMNS, PATROL_DIMENSIONS, patrol_kpi_table
from gridmgmt.web.console import CONSOLE_ROLES
from gridmgmt.web.names import local_name
from gridmgmt.web.roles import role_required

DIMENSION_LABELS = {"street": _("Street"), "community": _("Community"), "grid": _("Grid"),
                    "department": _("Department"), "grid_worker": _("Grid worker")}
CHART_ROWS = 20  # more bars than this stop being readable; the table has them all
BAR_WIDTH = 300  # SVG user units for 100 %


class KpiFilterForm(forms.Form):
    dimension = forms.ChoiceField(label=_("Per"), choices=list(DIMENSION_LABELS.items()), initial="street")
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("Until"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("The end of the period is before its start."))
        return data


TREND_MONTHS = 6  # the default period: this month and the five before, so the trend has a shape
TREND_HEIGHT = 120  # SVG user units of the tallest month


def _defaults(today: date) -> dict:
    start = today.replace(day=1)
    for _month in range(TREND_MONTHS - 1):
        start = (start - timedelta(days=1)).replace(day=1)
    return {"dimension": "street", "start": start.isoformat(), "end": today.isoformat()}


def _labelled(rows: list[dict], dimension: str) -> list[dict]:
    """Rows with ``label``: the unit's name in the reader's language (grids: the code)."""
    plain = dimension in ("grid", "grid_worker")
    return [{**row, "label": (row["name"] or row["key"]) if plain else local_name(
        SimpleNamespace(name=row["name"] or row["key"], name_en=row.get("name_en", "")))} for row in rows]


def _trend_bars(trend: list[dict]) -> list[dict]:
    """Received and closed per month as bar heights (0–TREND_HEIGHT), scaled to the busiest month."""
    top = max((max(m["received"], m["closed"]) for m in trend), default=0) or 1
    bars = []
    for index, month in enumerate(trend):
        received_h = round(month["received"] / top * TREND_HEIGHT, 1)
        closed_h = round(month["closed"] / top * TREND_HEIGHT, 1)
        bars.append({**month, "x": 70 * index, "received_h": received_h, "closed_h": closed_h,
                     "received_y": TREND_HEIGHT + 10 - received_h, "closed_y": TREND_HEIGHT + 10 - closed_h})
    return bars


def _bars(rows: list[dict]) -> list[dict]:
    """Closure and on-time rates as bar lengths (0–BAR_WIDTH) for the first CHART_ROWS rows with cases due."""
    due = [row for row in rows if row["due"]][:CHART_ROWS]
    return [{"label": row["label"], "closure": row["closure_rate"] or 0,
             "on_time": row["on_time_rate"] or 0,
             "closure_w": round((row["closure_rate"] or 0) * BAR_WIDTH, 1),
             "on_time_w": round((row["on_time_rate"] or 0) * BAR_WIDTH, 1), "y": 28 * index}
            for index, row in enumerate(due)]


def _patrol_bars(rows: list[dict]) -> list[dict]:
    """Patrol compliance as bar lengths (0–BAR_WIDTH) for the first CHART_ROWS rows with patrols due."""
    due = [row for row in rows if row["due"]][:CHART_ROWS]
    return [{"label": row["label"], "compliance": row["compliance"], "missed": row["missed"], "due": row["due"],
             "width": round(row["compliance"] * BAR_WIDTH, 1), "y": 28 * index} for index, row in enumerate(due)]


def _period(form) -> tuple:
    data, tz = form.cleaned_data, ZoneInfo(settings.TIME_ZONE)
    return data["dimension"], day_start(data["start"], tz), day_end_exclusive(data["end"], tz)


@require_GET
@role_required(*CONSOLE_ROLES, Role.DEPARTMENT_HEAD)
def kpi_page(request):
    today = timezone.localdate()
    form = KpiFilterForm(request.GET or _defaults(today))
    rows, trend, csv_url, patrol_rows, patrol_csv_url = [], [], "", [], ""
    if form.is_valid():
        data = form.cleaned_data
        dimension, start, end = _period(form)
        rows = _labelled(kpi_table(user=request.user, dimension=dimension, start=start, end=end), dimension)
        trend = _trend_bars(kpi_trend(user=request.user, start=start, end=end))
        query = {"dimension": dimension, "start": data["start"], "end": data["end"]}
        csv_url = reverse("kpis") + "?" + urlencode({**query, "format": "csv"})
        if dimension in PATROL_DIMENSIONS:
            patrol_rows = _labelled(patrol_kpi_table(user=request.user, dimension=dimension, start=start, end=end),
                                    dimension)
            patrol_csv_url = reverse("web:console-kpis-patrols-csv") + "?" + urlencode(query)
    bars, patrol_bars = _bars(rows), _patrol_bars(patrol_rows)
    return render(request, "console/kpis.html", {
        "form": form, "rows": rows, "bars": bars, "bar_width": BAR_WIDTH,
        "chart_height": 28 * len(bars) + 8, "csv_url": csv_url,
        "trend": trend, "trend_height": TREND_HEIGHT, "trend_width": 70 * len(trend) + 10,
        "patrols_shown": form.is_valid() and form.cleaned_data["dimension"] in PATROL_DIMENSIONS,
        "patrol_rows": patrol_rows, "patrol_bars": patrol_bars, "patrol_chart_height": 28 * len(patrol_bars) + 8,
        "patrol_csv_url": patrol_csv_url,
    })


@require_GET
@role_required(*CONSOLE_ROLES, Role.DEPARTMENT_HEAD)
def kpi_patrols_csv(request):
    """The patrol table of the KPI page as CSV: the same rows, headers in the reader's language; 400 naming a bad filter."""
    form = KpiFilterForm(request.GET)
    if not form.is_valid() or form.cleaned_data["dimension"] not in PATROL_DIMENSIONS:
        problems = "; ".join(f"{field}: {' '.join(errors)}" for field, errors in form.errors.items()) or (
            f"dimension: patrol figures are per {', '.join(PATROL_DIMENSIONS)}")
        return HttpResponse(problems, status=400, content_type="text/plain; charset=utf-8")
    dimension, start, end = _period(form)
    rows = patrol_kpi_table(user=request.user, dimension=dimension, start=start, end=end)
    out = io.StringIO()
    csv.writer(out).writerow([str(PATROL_COLUMN_LABELS[column]) for column in PATROL_COLUMNS])
    csv.DictWriter(out, fieldnames=PATROL_COLUMNS, extrasaction="ignore").writerows(rows)
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (f'attachment; filename="patrols-{dimension}-{form.cleaned_data["start"]}-'
                                       f'{form.cleaned_data["end"]}.csv"')
    return response
