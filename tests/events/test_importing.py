"""Bulk CSV import: all rows or nothing, bad rows named by line, idempotent re-import."""

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from gridmgmt.cases.models import Case, CaseHistory
from gridmgmt.events.importing import ImportRefused, events_import_csv
from gridmgmt.events.models import Event, RoutingRule
from gridmgmt.events.signals import events_created

GOOD = """ticket_id,lat,lng,service_code,description,attribute[depth_cm]
T1,23.125,113.265,1102,垃圾,
T2,23.125,113.275,1503,积水,30
T3,23.121,113.261,1601,其他,
"""


def run(text, channel="hotline"):
    return events_import_csv(text=io.StringIO(text), channel=channel)


def test_rows_are_located_routed_and_keyed_by_ticket(areas, catalogue):
    RoutingRule.objects.create(small_class=catalogue.rubbish, level="grid", area_code="44010400100101",
                               department=catalogue.depts["JDB"])
    received = []
    events_created.connect(lambda **kw: received.append(kw["event_ids"]), weak=False, dispatch_uid="t")
    try:
        result = run(GOOD)
    finally:
        events_created.disconnect(dispatch_uid="t")
    assert (result.rows, result.created) == (3, 3)
    t1, t2, t3 = (Event.objects.get(idempotency_key=k) for k in ("T1", "T2", "T3"))
    assert (t1.grid_code, t1.department.code, t1.routing_rule.level) == ("44010400100101", "JDB", "grid")
    assert (t2.community_code, t2.grid_code, t2.department.code, t2.attributes) == (
        "440104001002", "", "SW", {"depth_cm": 30.0})
    assert (t3.routing_status, t3.department) == ("manual", None)
    assert t1.channel == "hotline" and t1.location.x == pytest.approx(113.265)
    assert sorted(received[0]) == sorted([t1.pk, t2.pk, t3.pk])


def test_every_row_becomes_a_case_with_its_history(areas, catalogue):
    run(GOOD)
    cases = Case.objects.filter(sources__event__channel="hotline").distinct()
    assert cases.count() == 3 and set(Event.objects.values_list("status", flat=True)) == {"reported"}
    assert CaseHistory.objects.filter(case__in=cases, action="report").count() == 3
    t2 = Event.objects.get(idempotency_key="T2")
    assert (t2.case_source.case.community_code, t2.case_source.case.suggested_department.code) == (
        "440104001002", "SW")


def test_a_failure_after_the_insert_stores_no_report_and_no_case(areas, catalogue):
    def fail(**kwargs):
        raise RuntimeError("receiver failed")

    events_created.connect(fail, weak=False, dispatch_uid="fail")
    try:
        with pytest.raises(RuntimeError):
            run(GOOD)
    finally:
        events_created.disconnect(dispatch_uid="fail")
    assert (Event.objects.count(), Case.objects.count(), CaseHistory.objects.count()) == (0, 0, 0)


def test_reimport_skips_existing_tickets(areas, catalogue):
    run(GOOD)
    again = run(GOOD)
    assert (again.created, again.skipped_existing) == (0, 3) and Event.objects.count() == 3
    assert Case.objects.count() == 3


@pytest.mark.parametrize("bad_line, problem", [
    ("T9,north,113.265,1102,x,", "lat must be a number"),
    ("T9,٢٣.125,113.265,1102,x,", "lat must be a number"),  # float() alone took Arabic-Indic digits
    ("T9,23.125,113_265,1102,x,", "lng must be a number"),
    ("T9,23.125,113.265,9999,x,", "unknown service_code '9999'"),
    ("T9,23.125,113.265,1503,x,", "属性“depth_cm”为必填项"),
    ("T1,23.125,113.265,1102,x,", "ticket id 'T1' repeats line 2"),
    ("T9,23.125,113.265,1102,a\x00b,", "contains a NUL character"),
    ("T9,23.5,113.265,1102,x,", "outside the district"),
])
def test_one_bad_row_refuses_the_file_naming_line_5(areas, catalogue, bad_line, problem):
    with pytest.raises(ImportRefused) as exc:
        run(GOOD + bad_line + "\n")
    assert exc.value.errors[0].startswith("line 5: ") and problem in exc.value.errors[0]
    assert Event.objects.count() == 0


def test_boston_shape_is_read_and_refused_as_outside(areas, catalogue):
    path = Path(__file__).resolve().parents[1] / "data" / "events" / "boston311-100.csv"
    with pytest.raises(CommandError) as exc:
        call_command("import_events", str(path), "--channel", "hotline", "--service-code", "1601")
    message = str(exc.value)
    assert "line 2: point (lat 42.3594, lng -71.0587) is outside the district" in message
    assert "and 90 more" in message  # 100 rows, 10 shown
    assert Event.objects.count() == 0


def test_command_reports_counts(areas, catalogue, tmp_path, capsys):
    path = tmp_path / "tickets.csv"
    path.write_text(GOOD, encoding="utf-8")
    call_command("import_events", str(path), "--channel", "hotline")
    assert "3 rows: 3 reports created" in capsys.readouterr().out


def test_chunk_by_chunk_in_the_callers_transaction_names_every_point_outside(areas, catalogue, settings):
    settings.EVENTS_IMPORT_CHUNK_ROWS = 1  # one statement per row; inside the test's transaction: one connection
    far = "42.3594,-71.0587,1102,far\n"
    with pytest.raises(ImportRefused) as exc:
        run(GOOD + "T8," + far + "T9," + far)
    assert [error[:8] for error in exc.value.errors] == ["line 5: ", "line 6: "]
    assert Event.objects.count() == 0
    assert run(GOOD).created == 3 and Case.objects.count() == 3


def test_text_with_quotes_backslashes_braces_and_newlines_is_stored_as_written(areas, catalogue):
    tricky = 'He said "垃圾", C:\\bin\\{x}, NULL,\nsecond line'
    run('ticket_id,lat,lng,service_code,description\nT1,23.125,113.265,1102,"' + tricky.replace('"', '""') + '"\n'
        'T2,23.125,113.265,1102,\n')
    stored = dict(Event.objects.values_list("idempotency_key", "description"))
    assert stored == {"T1": tricky, "T2": ""}
