"""Monthly folium reports: contents, no remote asset, PDF, downloads by jurisdiction, and a closed-network browser test."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.gis.geos import Point
from django.core.management import call_command
from django.utils import timezone

from gridmgmt.accounts.models import Role, RoleAssignment
from gridmgmt.duties.models import MonthlyReport
from gridmgmt.duties.reports import _REMOTE_ASSET, monthly_report_build, report_html
from gridmgmt.events.services import event_create
from gridmgmt.sensors.ingest import readings_ingest
from gridmgmt.sensors.services import sensor_create

MONTH = timezone.localdate().replace(day=1)


@pytest.fixture
def month_of_work(areas, duty_classes, media_root):
    for lng in (113.262, 113.264, 113.266):
        event_create(small_class_code="2301", point=Point(lng, 23.125, srid=4326), channel="hotline")
    sensor_create(code="air-1", kind="pm25", location=Point(113.263, 23.126, srid=4326))
    readings_ingest([("air-1", b'{"value": 120}')])
    return areas


@pytest.fixture
def media_root(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_district_report_counts_cases_per_grid_and_exceedances(month_of_work):
    document = report_html(level="district", area_code="440104", month=MONTH, language="en")
    # 4 cases in the one grid: the 3 reports and the event the PM2.5 exceedance opened.
    assert '"properties": {"cases": 4, "code": "44010400100101"' in document  # the choropleth's data
    assert "<td>44010400100101</td><td>4</td>" in document  # hottest grids
    assert "<td>pm25</td><td>1</td>" in document  # one exceedance episode
    assert "L.map(" in document and "Leaflet" in document  # the project's Leaflet, inlined


def test_report_has_no_remote_asset_though_folium_defaults_to_cdns(month_of_work):
    document = report_html(level="street", area_code="440104001", month=MONTH)
    assert _REMOTE_ASSET.search(document) is None
    assert not re.search(r"cdn\.jsdelivr|cdnjs|code\.jquery|bootstrapcdn", document)


def test_build_stores_html_and_chromium_pdf(month_of_work, media_root):
    report = monthly_report_build(level="district", area_code="440104", month=MONTH)
    pdf = (media_root / report.pdf_name).read_bytes()
    assert pdf.startswith(b"%PDF-") and len(pdf) > 10_000
    again = monthly_report_build(level="district", area_code="440104", month=MONTH, pdf=False)
    assert again.pk == report.pk and MonthlyReport.objects.count() == 1


def test_command_bad_month_and_unknown_street_named(month_of_work):
    from django.core.management import CommandError
    with pytest.raises(CommandError, match="YYYY-MM"):
        call_command("build_monthly_reports", "--month", "2026-13")
    with pytest.raises(CommandError, match="unknown street '440104999'"):
        call_command("build_monthly_reports", "--street", "440104999")


@pytest.mark.parametrize("street", ["440104\x00001", "44010400\x0b1", "４４０１０４００１", "4" * 10000])
def test_command_street_that_is_no_street_code_named(month_of_work, street):
    """A NUL reached the street query: a ValueError traceback instead of a command error."""
    from django.core.management import CommandError
    with pytest.raises(CommandError, match="argument --street: must be a code of 9 digits"):
        call_command("build_monthly_reports", "--street", street, "--no-pdf")


def test_download_only_within_jurisdiction(client, month_of_work):
    call_command("build_monthly_reports", "--month", f"{MONTH:%Y-%m}", "--no-pdf", stdout=open("/dev/null", "w"))
    district = MonthlyReport.objects.get(level="district")
    street = MonthlyReport.objects.get(level="street")
    supervisor = get_user_model().objects.create_user("street-sup")
    RoleAssignment.objects.create(user=supervisor, role=Role.STREET_SUPERVISOR, street=month_of_work.street)
    client.force_login(supervisor)
    assert client.get(f"/duties/reports/{street.pk}.html").status_code == 200
    assert client.get(f"/duties/reports/{district.pk}.html").status_code == 404
    assert client.get(f"/duties/reports/{street.pk}.pdf").status_code == 404  # not printed
    listing = client.get("/duties/reports/").content.decode()
    assert f"/duties/reports/{street.pk}.html" in listing and f"/duties/reports/{district.pk}.html" not in listing
    client.logout()
    assert client.get(f"/duties/reports/{street.pk}.html").status_code == 404
