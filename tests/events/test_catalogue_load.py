"""load_catalogue on a catalogue with a bad row: refused naming the row and the problem, nothing stored."""

import json

import pytest
from django.core.management import CommandError, call_command

from gridmgmt.areas.models import Department
from gridmgmt.events.models import BigClass, SmallClass

pytestmark = pytest.mark.django_db

GOOD_SMALL = {"code": "1101", "name": "暴露垃圾", "department": "HW", "limit": [4, "working_hours"]}


def _catalogue(tmp_path, small: dict):
    path = tmp_path / "catalogue.json"
    path.write_text(json.dumps({"departments": [{"code": "HW", "name": "环卫所"}],
                                "big_classes": [{"code": "11", "kind": "event", "name": "市容环境"}],
                                "small_classes": [GOOD_SMALL, small]}), encoding="utf-8")
    return path


@pytest.mark.parametrize(("small", "named"), [
    # The model's integer field cut 3.5 working days to 3 without a word.
    ({**GOOD_SMALL, "code": "1102", "limit": [3.5, "working_days"]}, "small_classes #2 (1102): the limit must be a "
                                                                       "whole number of working_days, got 3.5"),
    ({"code": "1102", "name": "x", "department": "HW"}, "small_classes #2 (1102): no 'limit'"),  # was a KeyError
    ({**GOOD_SMALL, "code": "1102", "limit": 4}, "small_classes #2 (1102)"),  # was a TypeError
    ({**GOOD_SMALL, "code": "1102", "limit": [4, "fortnights"]}, "small_classes #2 (1102)"),  # was a ValidationError
    ({**GOOD_SMALL, "code": "1102", "department": "XX"}, "department 'XX' is not among the catalogue's departments"),
    ({**GOOD_SMALL, "code": "1902"}, "small_classes #2 (1902): its big class '19' is not among"),
])
def test_a_bad_row_is_refused_naming_it_and_nothing_is_loaded(tmp_path, small, named):
    with pytest.raises(CommandError) as refused:
        call_command("load_catalogue", str(_catalogue(tmp_path, small)))
    assert named in str(refused.value) and "nothing loaded" in str(refused.value)
    assert not (Department.objects.exists() or BigClass.objects.exists() or SmallClass.objects.exists())


def test_a_good_catalogue_loads(tmp_path):
    call_command("load_catalogue", str(_catalogue(tmp_path, {**GOOD_SMALL, "code": "1102"})), stdout=open("/dev/null", "w"))
    assert SmallClass.objects.get(code="1102").time_limit_value == 4
