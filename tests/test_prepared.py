"""Prepared statements: planned once per connection, prepared again on a new one."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gridmgmt.events.models import BigClass, SmallClass
from gridmgmt.prepared import execute_prepared, instance_from_row, select_columns

pytestmark = pytest.mark.django_db(transaction=True)  # reconnecting must not lose a test transaction


def run(value: int) -> int:
    with connection.cursor() as cursor:
        execute_prepared(cursor, "gridmgmt_test_double", "SELECT $1::int * 2", [value])
        return cursor.fetchone()[0]


def statements(fn) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        fn()
    return [query["sql"].split(" ")[0] for query in captured.captured_queries]


def test_prepared_once_per_connection_and_again_after_reconnecting():
    assert statements(lambda: run(2)) == ["PREPARE", "EXECUTE"]
    assert statements(lambda: run(3)) == ["EXECUTE"]
    assert run(21) == 42
    connection.close()
    assert statements(lambda: run(4)) == ["PREPARE", "EXECUTE"]


def test_instance_from_row_applies_field_conversions():
    big = BigClass.objects.create(code="15", kind="event", name="突发事件")
    stored = SmallClass.objects.create(big_class=big, code="1503", name="积水", time_limit_value=2,
                                       time_limit_unit="working_hours",
                                       attributes=[{"code": "depth_cm", "datatype": "number"}])
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {select_columns(SmallClass)} FROM events_smallclass WHERE code = '1503'")
        small_class = instance_from_row(SmallClass, cursor.fetchone())
    assert (small_class.pk, small_class.name, small_class.big_class_id) == (stored.pk, "积水", big.pk)
    assert small_class.attributes == [{"code": "depth_cm", "datatype": "number"}]  # JSON decoded, not a string
