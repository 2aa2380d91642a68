"""Monthly map reports with folium: one self-contained HTML per street and for the district, and its PDF.

The HTML opens on a closed network: folium's CDN links are dropped and the
project's own Leaflet (npm, ``vendor/leaflet`` in the static files) is
inlined, the map has no tile layer (the grids are the map), and the
finished document is refused if any ``http(s)://`` asset remains. The PDF
is printed by headless Chromium (``--print-to-pdf``) from that HTML.

Contents: cases per grid (choropleth of cases received in the month),
the hottest grids, case KPIs (received, closed, overdue), patrol compliance
of the water bodies in the area, and sensor exceedance episodes.
"""

import calendar
import html
import json
import re
import subprocess
import tempfile
from datetime import date, datetime
from pathlib import Path

import folium
from branca.element import Element, Figure
from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import Count, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from gridmgmt.api_params import day_end_exclusive, day_start
from gridmgmt.areas.models import District, Street
from gridmgmt.cases.models import Case
from gridmgmt.duties.models import MonthlyReport
from gridmgmt.geojson_sql import feature_collection
from gridmgmt.sensors.models import SensorEpisode
from gridmgmt.water.models import Patrol, WaterBody
from gridmgmt.water.patrols import patrol_statuses

CHROMIUM = "/usr/lib/chromium/chromium"
# Light to dark red by cases in the grid (ColorBrewer Reds, 5 classes).
COLOURS = ["#fee5d9", "#fcae91", "#fb6a4a", "#de2d26", "#a50f15"]
# What a browser would fetch by itself: scripts, styles, images, frames and CSS url(); a link in Leaflet's
# attribution is only followed when clicked.
_REMOTE_ASSET = re.compile(r"""<(?:script|link|img|iframe|source)\b[^>]*\b(?:src|href)\s*=\s*["']?(?:https?:)?//"""
                           r"""|url\(\s*["']?(?:https?:)?//""", re.IGNORECASE)


class ReportError(RuntimeError):
    """The report could not be built as a closed-network document (names the cause)."""


def month_bounds(month: date) -> tuple[datetime, datetime]:
    """The month of ``month`` as [start, end) in TIME_ZONE; December 9999 ends at no upper bound (no overflow)."""
    first = month.replace(day=1)
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    return day_start(first), day_end_exclusive(last)


def _local_asset(path: str) -> str:
    found = finders.find(path)
    if not found:
        raise ReportError(f"static file {path} not found: run scripts/setup.sh (npm ci installs Leaflet)")
    return Path(found).read_text(encoding="utf-8")


def _table(headers: list[str], rows: list[list]) -> str:
    head = "".join(f"<th>{html.escape(str(h))}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def report_html(*, level: str, area_code: str, month: date, language: str = "zh-hans") -> str:
    """The report as one HTML document with every asset inlined; ReportError if it would need the network."""
    start, end = month_bounds(month)
    if level == "district":
        area = District.objects.get(code=area_code)
        case_filter, name = Q(), area.name
        boundary = area.boundary
    else:
        area = Street.objects.get(code=area_code)
        case_filter, name, boundary = Q(street_code=area_code), area.name, area.boundary
    cases = Case.objects.filter(case_filter, received_at__gte=start, received_at__lt=end)
    per_grid = dict(cases.exclude(grid_code="").values_list("grid_code").annotate(n=Count("id")))
    kpis = cases.aggregate(received=Count("id"), closed=Count("id", filter=Q(closed_at__isnull=False)),
                           overdue=Count("id", filter=Q(overdue_at__isnull=False)))
    grid_where = [("grids_grid.active", [])]
    if level == "street":
        grid_where.append(("c.code LIKE %s", [area_code + "%"]))
    grids = json.loads(feature_collection(
        table="grids_grid", geometry="grids_grid.polygon", properties={"code": "grids_grid.code"},
        joins="JOIN areas_community c ON c.id = grids_grid.community_id", where=grid_where, precision=6))
    top = max(per_grid.values(), default=0)
    for feature in grids["features"]:
        n = per_grid.get(feature["properties"]["code"], 0)
        feature["properties"]["cases"] = n
        feature["properties"]["colour"] = COLOURS[min(4, int(5 * n / (top + 1)))] if n else "#ffffff"
    bodies = WaterBody.objects.filter(geometry__intersects=boundary)
    patrols = Patrol.objects.filter(water_body__in=bodies, started_at__gte=start, started_at__lt=end)
    statuses = patrol_statuses(now=min(end, timezone.now()), bodies=bodies)
    episodes = SensorEpisode.objects.filter(started_at__gte=start, started_at__lt=end,
                                            sensor__location__intersects=boundary)
    by_kind = episodes.values_list("sensor__kind").annotate(n=Count("id")).order_by("sensor__kind")

    with translation.override(language):
        title = f"{name} · {month:%Y-%m} · {_('Monthly report')}"
        hottest = sorted(per_grid.items(), key=lambda item: (-item[1], item[0]))[:10]
        sections = [
            f"<h1>{html.escape(title)}</h1>",
            f"<h2>{_('Cases')}</h2>",
            _table([_("Cases received"), _("Closed"), _("Overdue")], [[kpis["received"], kpis["closed"], kpis["overdue"]]]),
            f"<h2>{_('Hottest grids')}</h2>",
            _table([_("Grid"), _("Cases")], [list(row) for row in hottest]) if hottest else f"<p>{_('No cases.')}</p>",
            f"<h2>{_('Patrol compliance')}</h2>",
            _table([_("Patrols"), _("Compliant"), _("Short"), _("Water bodies missed")],
                   [[patrols.count(), patrols.filter(compliant=True).count(), patrols.filter(compliant=False).count(),
                     sum(s.state == "missed" for s in statuses)]]),
            f"<h2>{_('Sensor exceedances')}</h2>",
            _table([_("Sensor kind"), _("Episodes")], [list(row) for row in by_kind]) if by_kind
            else f"<p>{_('No exceedances.')}</p>",
        ]
    figure = Figure(title=title)
    figure.header.add_child(Element(f"<style>{_local_asset('vendor/leaflet/leaflet.css')}</style>"), name="leaflet_css")
    figure.header.add_child(Element(f"<script>{_local_asset('vendor/leaflet/leaflet.js')}</script>"), name="leaflet_js")
    figure.header.add_child(Element(
        "<style>body{font-family:sans-serif;margin:16px}table{border-collapse:collapse;margin:8px 0}"
        "td,th{border:1px solid #999;padding:2px 8px}</style>"), name="report_css")
    figure.html.add_child(Element("".join(sections)))
    centre = boundary.point_on_surface
    fmap = folium.Map(location=[centre.y, centre.x], zoom_start=14, tiles=None, height="520px",
                      control_scale=True)  # (lat, lng) for folium; no tiles: nothing to fetch
    fmap.default_js, fmap.default_css = [], []  # folium's CDN links; Leaflet is inlined above
    folium.GeoJson(grids, name="grids",
                   style_function=lambda f: {"fillColor": f["properties"]["colour"], "color": "#555",
                                             "weight": 0.5, "fillOpacity": 0.8},
                   tooltip=folium.GeoJsonTooltip(fields=["code", "cases"])).add_to(fmap)
    if grids["features"]:
        fmap.fit_bounds(_bounds(grids))
    figure.add_child(fmap)
    document = figure.render()
    if _REMOTE_ASSET.search(document):
        raise ReportError(f"the report still links a remote asset: {_REMOTE_ASSET.search(document).group(0)}")
    return document


def _bounds(collection: dict) -> list[list[float]]:
    lngs, lats = [], []

    def walk(coords):
        if isinstance(coords[0], (int, float)):
            lngs.append(coords[0])
            lats.append(coords[1])
        else:
            for c in coords:
                walk(c)

    for feature in collection["features"]:
        walk(feature["geometry"]["coordinates"])
    return [[min(lats), min(lngs)], [max(lats), max(lngs)]]


def html_to_pdf(html_text: str) -> bytes:
    """The document printed by headless Chromium; ReportError naming the failure."""
    with tempfile.TemporaryDirectory(prefix="gridmgmt-report-") as tmp:
        source, target = Path(tmp) / "report.html", Path(tmp) / "report.pdf"
        source.write_text(html_text, encoding="utf-8")
        try:
            subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                            f"--user-data-dir={tmp}/profile", "--no-pdf-header-footer", "--virtual-time-budget=5000",
                            f"--print-to-pdf={target}", source.as_uri()],
                           check=True, capture_output=True, timeout=120)
        except (OSError, subprocess.SubprocessError) as exc:
            raise ReportError(f"headless Chromium could not print the report: {exc}") from None
        if not target.exists():
            raise ReportError("headless Chromium wrote no PDF")
        return target.read_bytes()


def monthly_report_build(*, level: str, area_code: str, month: date, pdf: bool = True) -> MonthlyReport:
    """Build (or rebuild) one report, store its HTML (and PDF) and return its record."""
    month = month.replace(day=1)
    document = report_html(level=level, area_code=area_code, month=month)
    base = f"reports/{month:%Y-%m}/{level}-{area_code}"
    for suffix in (".html", ".pdf"):
        if default_storage.exists(base + suffix):
            default_storage.delete(base + suffix)
    html_name = default_storage.save(base + ".html", ContentFile(document.encode("utf-8")))
    pdf_name = default_storage.save(base + ".pdf", ContentFile(html_to_pdf(document))) if pdf else ""
    report, _ = MonthlyReport.objects.update_or_create(
        level=level, area_code=area_code, month=month,
        defaults={"html_name": html_name, "pdf_name": pdf_name, "built_at": timezone.now()})
    return report


def monthly_reports_build(*, month: date, pdf: bool = True) -> list[MonthlyReport]:
    """The district's report and every street's, for ``month``."""
    district = District.objects.order_by("code").first()
    reports = [monthly_report_build(level="district", area_code=district.code, month=month, pdf=pdf)] if district else []
    for street in Street.objects.order_by("code"):
        reports.append(monthly_report_build(level="street", area_code=street.code, month=month, pdf=pdf))
    return reports


def previous_month(today: date | None = None) -> date:
    today = today or timezone.localdate()
    return date(today.year - (today.month == 1), (today.month - 2) % 12 + 1, 1)

