"""Tiny areas (tests/events/conftest.py's two communities, one grid) and the duty classes of the catalogue."""

from types import SimpleNamespace

import pytest

from gridmgmt.areas.models import Department
from gridmgmt.events.models import BigClass, SmallClass
from tests.events.conftest import INSIDE_C1, INSIDE_C2, OUTSIDE, areas

__all__ = ["INSIDE_C1", "INSIDE_C2", "OUTSIDE", "areas", "duty_classes", "patrol_rules"]


@pytest.fixture
def patrol_rules(db):
    """The default patrol rules: a transactional test elsewhere may have flushed the migration's rows."""
    from gridmgmt.water.patrols import patrol_rules_ensure
    patrol_rules_ensure()


@pytest.fixture
def duty_classes(db, patrol_rules):
    """Classes 2301 black-odorous water (SW), 2401 excess noise and 2404 monitor alarm (STHJ), as fixtures/catalogue."""
    sw = Department.objects.create(code="SW", name="水务局")
    sthj = Department.objects.create(code="STHJ", name="生态环境局")
    water = BigClass.objects.create(code="23", kind="event", name="小微水体")
    environment = BigClass.objects.create(code="24", kind="event", name="环境监测")
    classes = {
        "2301": SmallClass.objects.create(big_class=water, code="2301", name="小微水体黑臭", default_department=sw,
                                          time_limit_value=15, time_limit_unit="working_days"),
        "2401": SmallClass.objects.create(
            big_class=environment, code="2401", name="噪声超标", default_department=sthj, time_limit_value=1,
            time_limit_unit="working_days",
            attributes=[{"code": "level_db", "datatype": "number", "required": False, "order": 1,
                         "description": "Measured level, in dB(A)"}]),
        "2404": SmallClass.objects.create(big_class=environment, code="2404", name="监测设备报警",
                                          default_department=sthj, time_limit_value=4,
                                          time_limit_unit="working_hours"),
    }
    return SimpleNamespace(sw=sw, sthj=sthj, classes=classes)
