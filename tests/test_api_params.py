"""The one parameter parser: each kind of hostile value gets a ValidationError naming the parameter."""

from datetime import date, datetime, timedelta, timezone

import pytest
from django.core.management import CommandError, call_command
from rest_framework.exceptions import ValidationError

from gridmgmt import api_params as p


def refused(call, name):
    with pytest.raises(ValidationError) as info:
        call()
    assert name in info.value.detail, info.value.detail
    return str(info.value.detail[name])


@pytest.mark.parametrize("raw", ["²", "١٢", "1_000", "12.0", " ", "0x10", "+", "9" * 30, "1e3", "-1"])
def test_int_param_refuses_superscripts_foreign_digits_and_out_of_range(raw):
    message = refused(lambda: p.int_param({"precision": raw}, "precision", default=6, low=0, high=15), "precision")
    assert "'precision'" in message


def test_int_param_reads_ascii_digits_and_defaults():
    assert p.int_param({"limit": " 42 "}, "limit", default=5, low=1, high=50) == 42
    assert p.int_param({}, "limit", default=5, low=1, high=50) == 5


def test_int_list_param_caps_the_number_of_ids_and_refuses_unicode_digits():
    assert p.int_list_param({"ids": "1, 2,3"}, "ids", max_items=3) == [1, 2, 3]
    refused(lambda: p.int_list_param({"ids": "1,2,3,4"}, "ids", max_items=3), "ids")
    refused(lambda: p.int_list_param({"ids": "1,²"}, "ids", max_items=3), "ids")
    refused(lambda: p.int_list_param({"ids": str(2**63)}, "ids", max_items=3), "ids")  # past bigint


@pytest.mark.parametrize("raw", ["nan", "inf", "-inf", "١٢", "1_0", "", "1e999"])
def test_float_value_refuses_non_finite_and_non_ascii(raw):
    refused(lambda: p.float_value(raw, "lat", low=-90, high=90), "lat")


@pytest.mark.parametrize("raw", ["1985-13-12T23:20:50Z", "2026-02-30T00:00:00+08:00", "2026-01-01T24:00:00Z",
                                 "2026-01-01T10:00:00+25:00", "0001-01-01T00:00:00+08:00",
                                 "9999-12-31T23:59:59-08:00", "２０２６-01-01T00:00:00Z", "yesterday"])
def test_datetime_param_refuses_values_that_match_the_pattern_but_are_no_instant(raw):
    message = refused(lambda: p.datetime_param({"start_date": raw}, "start_date"), "start_date")
    assert "ISO 8601" in message


@pytest.mark.parametrize(("raw", "utc"), [
    ("2026-03-01T08:00:00Z", datetime(2026, 3, 1, 8, tzinfo=timezone.utc)),
    ("2026-03-01T16:00:00+08:00", datetime(2026, 3, 1, 8, tzinfo=timezone.utc)),
    ("2026-03-01T03:00:00-05:00", datetime(2026, 3, 1, 8, tzinfo=timezone.utc)),
    ("2026-03-01T16:00:00+0800", datetime(2026, 3, 1, 8, tzinfo=timezone.utc)),
    ("2026-03-01 16:00", datetime(2026, 3, 1, 8, tzinfo=timezone.utc)),  # no offset: Asia/Shanghai
])
def test_datetime_param_reads_any_offset(raw, utc):
    assert p.datetime_param({"t": raw}, "t") == utc


@pytest.mark.parametrize("raw", ["2026-02-30", "2026-13-01", "2026-1-1", "20260101", "2026-02-28T00:00"])
def test_date_param_refuses_days_that_do_not_exist(raw):
    refused(lambda: p.date_param({"end": raw}, "end"), "end")


def test_day_end_exclusive_of_the_last_representable_day_is_no_upper_bound():
    assert p.day_end_exclusive(date.max) == p.END_OF_TIME
    assert p.day_end_exclusive(date.max - timedelta(days=1)) == p.END_OF_TIME
    assert p.day_end_exclusive(date(2026, 1, 31)).isoformat() == "2026-02-01T00:00:00+08:00"


def test_shifted_clamps_instead_of_overflowing():
    early = datetime(1, 1, 2, tzinfo=timezone.utc)
    assert p.shifted(early, -timedelta(days=90)).year == 1
    late = datetime(9999, 12, 31, tzinfo=timezone.utc)
    assert p.shifted(late, timedelta(days=90)).year == 9999


def test_nul_is_refused_and_other_c0_controls_are_stripped_from_text():
    refused(lambda: p.clean_text("a\x00b", "description"), "description")
    assert p.clean_text("line\x0bone\ttab\nnew\x1f", "description") == "lineone\ttab\nnew"
    refused(lambda: p.code_param({"street": "\x00"}, "street"), "street")


@pytest.mark.parametrize("raw", ["1,2,3", "a,b,c,d", "113,23,112,24", "nan,0,1,1", "0,0,200,1", "1,2,3,4,5"])
def test_bbox_param_refuses_malformed_or_out_of_range_boxes(raw):
    refused(lambda: p.bbox_param({"in_bbox": raw}), "in_bbox")


@pytest.mark.parametrize("raw", ["EPSG:99999999", "x" * 500, "EPSG:43\x0b26", "wgs 84 please"])
def test_crs_param_refuses_unknown_names(raw):
    refused(lambda: p.crs_param({"crs": raw}), "crs")


@pytest.mark.parametrize("raw", ["12a", "²", "44010400100", "４４０１"])
def test_code_param_takes_ascii_digits_of_the_given_lengths(raw):
    refused(lambda: p.code_param({"street": raw}, "street", lengths=(9,)), "street")
    assert p.code_param({"street": "440104001"}, "street", lengths=(9,)) == "440104001"


@pytest.mark.parametrize("raw", ["١٢", "1_000", "²", True, "nan", "1e309", float("inf"), None, [1], "", 10**400])
def test_ascii_number_is_none_for_what_no_client_meant_as_a_number(raw):
    assert p.ascii_number(raw) is None


@pytest.mark.parametrize(("raw", "value"), [(" 12 ", 12.0), ("-1.5e3", -1500.0), (7, 7.0), (0.25, 0.25), (".5", 0.5)])
def test_ascii_number_reads_ascii_text_and_json_numbers(raw, value):
    assert p.ascii_number(raw) == value


@pytest.mark.parametrize("command, args", [
    ("grid_activate", ["\u0661"]),  # Arabic-Indic 1: type=int activated generation 1
    ("grid_activate", ["0"]),
    ("grid_report", ["--generation", "1_0"]),
    ("grid_report", ["--target-households", "0"]),  # was a report against a cap of 0 households
    ("grid_report", ["--target-households", "-5"]),
    ("generate_grids", ["--all", "--target-households", str(2**64)]),  # was a DataError traceback
    ("generate_grids", ["--all", "--target-households", "\u0662\u0660\u0660"]),
    ("import_osm", ["/dev/null", "--street-admin-level", "\u0661\u0660"]),
    ("import_osm", ["/dev/null", "--street-admin-level", "99999999999999999999"]),
    ("import_osm", ["/dev/null", "--dwelling-area", "nan"]),
    ("import_osm", ["/dev/null", "--dwelling-area", "\u0669\u0660"]),
    ("import_osm", ["/dev/null", "--default-levels", "1_0"]),
])
def test_command_number_options_take_ascii_numbers_in_range_only(command, args):
    # Refused by the option's type before anything is read or stored (no database access here).
    with pytest.raises(CommandError, match=r"argument .*must be an? (integer|number) from"):
        call_command(command, *args)


def test_int_argument_and_number_argument_read_ascii_text():
    assert p.int_argument(low=1, high=10)(" 7 ") == 7
    assert p.number_argument(low=0, high=1e9)("90.5") == 90.5
    assert p.number_argument(low=0, high=1e9)("1e3") == 1000.0
