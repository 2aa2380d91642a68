"""KPIs of November 2025 for a hand-built set of cases, against hand-computed figures."""

import csv
import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.gis.geos import Point

from gridmgmt.cases.kpis import kpi_table, kpi_trend
from gridmgmt.cases.models import Case

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")
NOV, DEC = datetime(2025, 11, 1, tzinfo=TZ), datetime(2025, 12, 1, tzinfo=TZ)
NOW = datetime(2025, 12, 15, tzinfo=TZ)


def nov(day: int, hour: int = 10) -> datetime:
    return datetime(2025, 11, day, hour, tzinfo=TZ)


@pytest.fixture
def cases(world, make_event):
    A, B = world["A"], world["B"]

    def mk(place, department, **fields):
        Case.objects.create(small_class=world["rubbish"], location=Point(113.265, 23.125, srid=4326),
                            grid_code=place["grid"].code, community_code=place["community"].code,
                            street_code=place["street"].code, department=department, **fields)

    d1, d2 = world["d1"], world["d2"]
    done = {"status": "closed"}
    mk(A, d1, received_at=nov(3), opened_at=nov(3), deadline=nov(4), closed_at=nov(4, 9),
       handling_working_hours=3.0, **done)                                                  # 1 on time
    mk(A, d1, received_at=nov(5), opened_at=nov(5), deadline=nov(6), closed_at=nov(7),
       handling_working_hours=10.0, rework_count=1, **done)                                 # 2 late, reworked
    mk(A, d1, received_at=nov(10), opened_at=nov(10), deadline=nov(11), status="accepted")  # 3 overdue, open
    mk(A, d1, received_at=datetime(2025, 10, 28, tzinfo=TZ), opened_at=datetime(2025, 10, 28, tzinfo=TZ),
       deadline=nov(2), closed_at=nov(1), handling_working_hours=5.0, **done)               # 4 October's, due now
    mk(A, d1, received_at=nov(20), opened_at=nov(20), deadline=datetime(2025, 12, 3, tzinfo=TZ),
       status="dispatched")                                                                 # 5 due in December
    mk(B, d2, received_at=nov(21), opened_at=nov(21), deadline=nov(25), closed_at=nov(24),
       handling_working_hours=2.0, **done)                                                  # 6 street B
    mk(A, None, received_at=nov(22), status="cancelled")                                   # 7 cancelled
    mk(A, None, received_at=nov(22), status="merged")                                      # 8 a duplicate
    make_event("A", received_at=nov(2))                                                     # 9 workerA's report


def by_key(rows):
    return {row["key"]: row for row in rows}


def test_department_kpis_match_hand_counts(cases, users):
    rows = by_key(kpi_table(user=users["leader"], dimension="department", start=NOV, end=DEC, now=NOW))
    # CG: received 1,2,3,5; opened the same; due 1,2,3,4; closed 1,2,4; on time 1,4; overdue 2 (late), 3.
    cg = rows["CG"]
    assert (cg["received"], cg["opened"], cg["due"], cg["closed"], cg["closed_on_time"], cg["overdue"]) == (
        4, 4, 4, 3, 2, 2)
    assert cg["closure_rate"] == 0.75 and cg["on_time_rate"] == 0.5
    assert cg["rework_rate"] == 0.3333  # 1 of 3 closed
    assert cg["avg_handling_hours"] == 6.0  # (3 + 10 + 5) / 3
    assert cg["name"] == "城管局"
    sw = rows["SW"]
    assert (sw["due"], sw["closed"], sw["on_time_rate"], sw["overdue"], sw["avg_handling_hours"]) == (
        1, 1, 1.0, 0, 2.0)


def test_street_and_grid_worker_kpis_count_reports_and_leave_out_duplicates(cases, users, world):
    streets = by_key(kpi_table(user=users["leader"], dimension="street", start=NOV, end=DEC, now=NOW))
    # Street A received 1, 2, 3, 5, 7 and 9 (the report's own case); 8 is a merged duplicate.
    assert streets["440104001"]["received"] == 6 and streets["440104001"]["due"] == 4
    workers = by_key(kpi_table(user=users["leader"], dimension="grid_worker", start=NOV, end=DEC, now=NOW))
    worker_a = workers[str(users["workerA"].pk)]
    assert (worker_a["received"], worker_a["closed"], worker_a["reports"]) == (6, 3, 1)


def test_kpis_are_limited_to_the_reader_s_jurisdiction(cases, users):
    rows = kpi_table(user=users["handler2"], dimension="department", start=NOV, end=DEC, now=NOW)
    assert [row["key"] for row in rows] == ["SW"]


def test_kpi_api_exports_csv_with_headers_in_the_readers_language(cases, client_as):
    params = {"dimension": "department", "start": "2025-11-01", "end": "2025-11-30", "format": "csv"}
    client = client_as("leader")
    response = client.get("/api/kpis/", params, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    table = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [(r["Code"], r["Due"]) for r in table] == [("CG", "4"), ("SW", "1")]
    chinese = client.get("/api/kpis/", params, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode("utf-8-sig")
    header = chinese.splitlines()[0]
    assert header.startswith("编码,名称,英文名称,受理数,已立案,应结案") and "Due" not in header
    bad = client_as("leader").get("/api/kpis/", {"dimension": "planet", "start": "2025-11-01", "end": "2025-11-30"})
    assert bad.status_code == 400 and "planet" in str(bad.json())


def test_every_unit_is_listed_with_zeros(cases, users, world):
    world["d1"].name_en = "Urban management"
    world["d1"].save()
    from gridmgmt.areas.models import Department
    Department.objects.create(code="ZZ", name="无案卷局")
    rows = by_key(kpi_table(user=users["leader"], dimension="department", start=NOV, end=DEC, now=NOW))
    assert set(rows) == {"CG", "SW", "ZZ"}
    idle = rows["ZZ"]
    assert (idle["received"], idle["due"], idle["closed"], idle["closure_rate"]) == (0, 0, 0, None)
    assert rows["CG"]["name_en"] == "Urban management"
    quiet = kpi_table(user=users["leader"], dimension="street", start=datetime(2024, 1, 1, tzinfo=TZ),
                      end=datetime(2024, 2, 1, tzinfo=TZ), now=NOW)
    assert [(r["key"], r["received"]) for r in quiet] == [("440104001", 0), ("440104002", 0)]


def test_units_follow_the_readers_jurisdiction(cases, users):
    communities = kpi_table(user=users["community_supB"], dimension="community", start=NOV, end=DEC, now=NOW)
    assert [r["key"] for r in communities] == ["440104002001"]
    grids = kpi_table(user=users["street_supA"], dimension="grid", start=NOV, end=DEC, now=NOW)
    assert [r["key"] for r in grids] == ["44010400100101"]
    workers = kpi_table(user=users["street_supA"], dimension="grid_worker", start=NOV, end=DEC, now=NOW)
    assert [r["key"] for r in workers] == [str(users["workerA"].pk)]


def test_trend_gives_each_month_of_the_period_with_zeros(cases, users):
    trend = kpi_trend(user=users["leader"], start=datetime(2025, 10, 1, tzinfo=TZ), end=datetime(2026, 1, 1, tzinfo=TZ),
                      now=NOW)
    assert [m["month"] for m in trend] == ["2025-10", "2025-11", "2025-12"]
    october, november, december = trend
    assert october["received"] == 1 and october["closed"] == 0
    november_table = kpi_table(user=users["leader"], dimension="street", start=NOV, end=DEC, now=NOW)
    assert november["received"] == sum(r["received"] for r in november_table)  # the same counting as the table
    assert november["closed"] == sum(r["closed"] for r in november_table)
    assert december["received"] == 0 and december["due"] == 1  # case 5 falls due on 3 December


def test_self_handled_cases_are_counted_apart(cases, users, world):
    Case.objects.create(small_class=world["rubbish"], location=Point(113.265, 23.125, srid=4326),
                        grid_code=world["A"]["grid"].code, community_code=world["A"]["community"].code,
                        street_code=world["A"]["street"].code, received_at=nov(26), opened_at=nov(26),
                        closed_at=nov(26, 11), status="closed", self_handled=True)
    street = by_key(kpi_table(user=users["leader"], dimension="street", start=NOV, end=DEC, now=NOW))["440104001"]
    assert street["self_handled"] == 1 and street["due"] == 4 and street["closed"] == 3


def test_trend_of_a_long_period_shows_its_last_24_months_up_to_now(cases, users):
    trend = kpi_trend(user=users["leader"], start=datetime(2020, 1, 1, tzinfo=TZ),
                      end=datetime(2031, 1, 1, tzinfo=TZ), now=NOW)
    assert len(trend) == 24 and trend[0]["month"] == "2024-01" and trend[-1]["month"] == "2025-12"
    assert sum(m["received"] for m in trend) == 8  # cases 1-7 and 9: all but the merged duplicate
