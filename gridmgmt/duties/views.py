"""Pages of the duties app: medical coverage and traffic, the grid's file, the monthly reports (within jurisdiction)."""

from datetime import timedelta

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from gridmgmt.accounts.jurisdiction import scope_of
from gridmgmt.duties.coverage import worst_served
from gridmgmt.duties.grid_file import grid_file
from gridmgmt.duties.models import MonthlyReport
from gridmgmt.duties.traffic import traffic_segments
from gridmgmt.maps.scope import area_scope_of
from gridmgmt.water.views import any_role


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
    return render(request, "duties/reports.html", {"reports": _readable(request.user)})


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
    return render(request, "duties/medical.html", {"worst": worst_served(10), "segments": segments,
                                                   "start": start, "end": end})
