"""综合评价: the KPI page, a table and bar charts of :func:`gridmgmt.cases.kpis.kpi_table`.

The chart is inline SVG drawn by the template from numbers computed here:
no chart library, nothing fetched from outside (closed networks). The CSV
link is the KPI API with the page's own filters, so the file is the table.
"""

from datetime import date
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from gridmgmt.accounts.models import Role
from gridmgmt.api_params import day_end_exclusive, day_start
from gridmgmt.cases.kpis import kpi_table
from gridmgmt.web.console import CONSOLE_ROLES
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


def _defaults(today: date) -> dict:
    return {"dimension": "street", "start": today.replace(day=1).isoformat(), "end": today.isoformat()}


def _bars(rows: list[dict]) -> list[dict]:
    """Closure and on-time rates as bar lengths (0–BAR_WIDTH) for the first CHART_ROWS rows with cases due."""
    due = [row for row in rows if row["due"]][:CHART_ROWS]
    return [{"label": row["name"] or row["key"], "closure": row["closure_rate"] or 0,
             "on_time": row["on_time_rate"] or 0,
             "closure_w": round((row["closure_rate"] or 0) * BAR_WIDTH, 1),
             "on_time_w": round((row["on_time_rate"] or 0) * BAR_WIDTH, 1), "y": 28 * index}
            for index, row in enumerate(due)]


@require_GET
@role_required(*CONSOLE_ROLES, Role.DEPARTMENT_HEAD)
def kpi_page(request):
    today = timezone.localdate()
    form = KpiFilterForm(request.GET or _defaults(today))
    rows, csv_url = [], ""
    if form.is_valid():
        data, tz = form.cleaned_data, ZoneInfo(settings.TIME_ZONE)
        rows = kpi_table(user=request.user, dimension=data["dimension"],
                         start=day_start(data["start"], tz), end=day_end_exclusive(data["end"], tz))
        csv_url = reverse("kpis") + "?" + urlencode({"dimension": data["dimension"], "start": data["start"],
                                                    "end": data["end"], "format": "csv"})
    bars = _bars(rows)
    return render(request, "console/kpis.html", {
        "form": form, "rows": rows, "bars": bars, "bar_width": BAR_WIDTH,
        "chart_height": 28 * len(bars) + 8, "csv_url": csv_url,
    })
