"""Pages of the duties app: medical coverage and traffic, the grid's file, the monthly reports (within jurisdiction)."""

from datetime import timedelta

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from gridmgmt.accounts.jurisdiction import scope_of
from gridmgmt.accounts.models import Role
from gridmgmt.duties.coverage import worst_served
from gridmgmt.duties.grid_file import grid_file
from gridmgmt.duties.models import MonthlyReport
from gridmgmt.duties.traffic import traffic_segments
from gridmgmt.maps.scope import area_scope_of
from gridmgmt.web.roles import roles_of
from gridmgmt.water.views import any_role


# The coverage map's colour steps: (lowest share of households within 15 min, fill), red to green. The map
# colours each grid by its step and the legend lists the same steps: one rule for both.
COVERAGE_STEPS = ((0.0, "#d7301f"), (0.25, "#fc8d59"), (0.5, "#fee08b"), (0.75, "#91cf60"), (0.9, "#1a9850"))
NO_HOUSEHOLDS = "#bbbbbb"


def coverage_legend() -> list[dict]:
    """``[{"low": 0, "high": 25, "colour": "#d7301f"}, ...]``: each step's share range in percent (``high``
    None for the last, which runs to 100 %)."""
    bounds = [low for low, _colour in COVERAGE_STEPS[1:]] + [None]
    return [{"low": round(100 * low), "high": None if high is None else round(100 * high), "colour": colour}
            for (low, colour), high in zip(COVERAGE_STEPS, bounds)]


def _readable(user) -> list[MonthlyReport]:
    """Reports the user may read: the district's for district-wide roles, a street's for its supervisors too."""
    scope = scope_of(user).area
    reports = MonthlyReport.objects.all()
    if scope.district:
        return list(reports)
    return [r for r in reports if r.level == "street" and r.area_code in scope.street_codes]


@require_GET
def report_list(request):
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login
        return redirect_to_login(request.get_full_path())
    return render(request, "duties/reports.html", {
        "reports": _readable(request.user),
        # Building on demand is the operator's command (headless Chromium for the PDF): named to administrators.
        "can_build": request.user.is_superuser or Role.ADMIN in roles_of(request.user)})


@require_GET
def report_download(request, pk: int, kind: str):
    """The report's HTML (shown inline) or PDF (attachment); 404 when it is not the reader's."""
    report = next((r for r in _readable(request.user) if r.pk == pk), None) if request.user.is_authenticated else None
    name = (report.html_name if kind == "html" else report.pdf_name) if report else ""
    if not name or not default_storage.exists(name):
        raise Http404("no such report")
    filename = f"{report.level}-{report.area_code}-{report.month:%Y-%m}.{kind}"
    return FileResponse(default_storage.open(name, "rb"), as_attachment=kind == "pdf", filename=filename,
                        content_type="text/html; charset=utf-8" if kind == "html" else "application/pdf")


@require_GET
@any_role
def grid_file_page(request, code: str):
    """Anyone with a role reads the grid's file; its cases are limited to their jurisdiction."""
    file = grid_file(code=code, user=request.user)
    if file is None:
        raise Http404(code)
    return render(request, "duties/grid.html", file)


@require_GET
@any_role
def duties_page(request):
    """Medical coverage (choropleth, worst-served grids) and the traffic segments of the last 30 days."""
    end = timezone.now()
    start = end - timedelta(days=30)
    segments = traffic_segments(scope=area_scope_of(request.user), start=start, end=end)["features"]
    return render(request, "duties/medical.html", {
        "worst": worst_served(10), "segments": segments, "start": start, "end": end, "legend": coverage_legend(),
        "steps": {"steps": COVERAGE_STEPS, "none": NO_HOUSEHOLDS}})
