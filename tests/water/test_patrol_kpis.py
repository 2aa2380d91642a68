"""Patrol figures on the KPI page: due, done, short, missed, compliance per unit; chart, table and CSV alike."""

import csv
import io
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.gis.geos import LineString

from gridmgmt.accounts.models import Role
from gridmgmt.water.models import WaterBody
from gridmgmt.water.patrol_kpis import patrol_kpi_table
from gridmgmt.water.patrols import patrol_record
from tests.water.test_pages import user_with

LNG, LAT = 113.262, 23.121
LOCAL = ZoneInfo("Asia/Shanghai")
START = datetime(2026, 10, 1, tzinfo=LOCAL)  # the page's period 2026-10-01 .. 2026-10-30: 30 days
END = START + timedelta(days=30)


def walk(at: datetime, minutes: float, km: float, steps: int = 20) -> list:
    t0 = at.timestamp()
    return [[LNG, LAT + km / 111.195 * i / steps, t0 + minutes * 60 * i / steps] for i in range(steps + 1)]


@pytest.fixture
def patrolled(areas, patrol_rules):
    """Grid 44010400100101 holds a ditch without warning (every 10 days: 3 windows in the period) and a pond under
    red warning (every day: 30 windows). One compliant and one short patrol of the ditch; none of the pond."""
    line = LineString((LNG, 23.1205), (LNG, 23.1295), srid=4326)
    ditch = WaterBody.objects.create(code="WB-1", name="一号涌", kind="ditch", source="test", geometry=line)
    WaterBody.objects.create(code="WB-2", name="二号塘", kind="pond", source="test", warning_level="red",
                             geometry=line.buffer(0.0005))
    worker = user_with("worker1", Role.GRID_WORKER, grid_code="44010400100101")
    patrol_record(worker=worker, water_body=ditch, client_id="ok", fixes=walk(START + timedelta(days=1), 12, 1.1))
    patrol_record(worker=worker, water_body=ditch, client_id="short",
                  fixes=walk(START + timedelta(days=11), 6, 1.1))  # 6 min: too short, window 2 stays missed
    return worker


EXPECTED = {"due": 33, "done": 1, "short": 1, "missed": 32, "compliance": round(1 / 33, 4)}
ZEROS = {"due": 0, "done": 0, "short": 0, "missed": 0, "compliance": None}


def figures(row: dict) -> dict:
    return {k: row[k] for k in ("due", "done", "short", "missed", "compliance")}


def test_due_done_short_missed_per_community_and_worker_zeros_listed(patrolled):
    leader = user_with("leader", Role.DISTRICT_LEADER)
    rows = patrol_kpi_table(user=leader, dimension="community", start=START, end=END, now=END + timedelta(days=1))
    assert {row["key"]: figures(row) for row in rows} == {"440104001001": EXPECTED, "440104001002": ZEROS}
    workers = patrol_kpi_table(user=leader, dimension="grid_worker", start=START, end=END, now=END)
    assert [(row["name"], figures(row)) for row in workers] == [("worker1", EXPECTED)]


def test_windows_still_to_come_are_not_due(patrolled):
    leader = user_with("leader", Role.DISTRICT_LEADER)
    [street] = patrol_kpi_table(user=leader, dimension="street", start=START, end=END,
                                now=START + timedelta(days=10, hours=12))  # ditch: 1 window over, pond: 10
    assert figures(street) == {"due": 11, "done": 1, "short": 1, "missed": 10, "compliance": round(1 / 11, 4)}


def test_department_has_no_patrol_figures():
    with pytest.raises(ValueError, match="patrol figures are per street"):
        patrol_kpi_table(user=None, dimension="department", start=START, end=END)


def table_rows(html: str) -> list[tuple[str, str, list[str]]]:
    """(unit key, label, cell texts) of each body row of the first table in ``html``."""
    body = html[:html.index("</table>")]
    return [(key, label, re.findall(r"<td>([^<]*)</td>", cells))
            for key, label, cells in re.findall(r'<tr data-unit="(\w+)"><th scope="row">([^<]*)</th>(.*?)</tr>',
                                                body, re.S)]


def test_kpi_page_chart_table_and_csv_show_the_same_rows(client, patrolled):
    client.force_login(user_with("leader", Role.DISTRICT_LEADER))
    query = {"dimension": "community", "start": "2026-10-01", "end": "2026-10-30"}
    page = client.get("/console/kpis/", query, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    table = page[page.index('data-testid="kpi-patrols-table"'):]
    assert table_rows(table) == [("440104001001", "一社区 (zh)", ["33", "1", "1", "32", "3%"]),
                                 ("440104001002", "二社区 (zh)", ["0", "0", "0", "0", "—"])]  # zeros listed
    chart = page[page.index('data-testid="kpi-patrols-chart"'):page.index('data-testid="kpi-patrols-table"')]
    assert chart.count("<g ") == 1 and 'data-unit-label="一社区 (zh)"' in chart and ">3%</text>" in chart  # 1/33
    response = client.get("/console/kpis/patrols.csv", query, HTTP_ACCEPT_LANGUAGE="en")
    rows = list(csv.reader(io.StringIO(response.content.decode().lstrip("\ufeff"))))
    assert rows[0] == ["Code", "Name", "Patrols due", "Patrols done", "Patrols too short", "Patrols missed",
                       "Patrol compliance"]
    assert rows[1:] == [["440104001001", "一社区", "33", "1", "1", "32", str(round(1 / 33, 4))],
                        ["440104001002", "二社区", "0", "0", "0", "0", ""]]
    chinese = client.get("/console/kpis/patrols.csv", query, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert chinese.lstrip("\ufeff").startswith("编码,名称,应巡河,已巡河,巡河时长或里程不足,漏巡,")


def test_patrol_csv_bad_filter_is_400_naming_it(client, patrolled):
    client.force_login(user_with("leader", Role.DISTRICT_LEADER))
    bad_date = client.get("/console/kpis/patrols.csv", {"dimension": "street", "start": "2026-13-01", "end": "x"})
    assert bad_date.status_code == 400 and "start" in bad_date.content.decode()
    department = client.get("/console/kpis/patrols.csv",
                            {"dimension": "department", "start": "2026-10-01", "end": "2026-10-30"})
    assert department.status_code == 400 and "patrol figures are per street" in department.content.decode()
    page = client.get("/console/kpis/", {"dimension": "department", "start": "2026-10-01", "end": "2026-10-30"},
                      HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Patrol figures are per street, community, grid or grid worker." in page


def test_a_period_from_year_one_counts_its_windows_without_walking_them(patrolled):
    """A hostile period (0001-01-01 to today): 739,000-odd daily windows of the red pond, counted not looped."""
    leader = user_with("leader", Role.DISTRICT_LEADER)
    start = datetime(1, 1, 1, tzinfo=LOCAL)
    [street] = patrol_kpi_table(user=leader, dimension="street", start=start, end=END, now=END)
    days = (END - start).days
    assert street["due"] == days + days // 10 and street["missed"] == street["due"] - 1 and street["done"] == 1
