"""Health facilities from CSV: loaded and reloaded by id, bad rows named, nothing stored (real PostGIS)."""

import pytest
from django.core.management import CommandError, call_command

from gridmgmt.areas.models import HealthFacility


def write(tmp_path, text):
    path = tmp_path / "facilities.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_loaded_and_reloaded_by_id(areas, tmp_path):
    path = write(tmp_path, "id,name,kind,lng,lat\n1,一社区卫生服务站,clinic,113.265,23.125\n2,药店,pharmacy,113.27,23.126\n")
    call_command("import_health_facilities", path, stdout=open("/dev/null", "w"))
    call_command("import_health_facilities", path, stdout=open("/dev/null", "w"))
    assert sorted(HealthFacility.objects.values_list("osm_type", "osm_id", "kind")) == [
        ("csv", 1, "clinic"), ("csv", 2, "pharmacy")]


def test_bad_rows_named_and_nothing_stored(areas, tmp_path):
    path = write(tmp_path, "id,name,kind,lng,lat\n1,a,clinic,113.265,23.125\n2,b,spa,113.265,23.125\n"
                           "3,c,clinic,-71.06,42.36\nx,d,clinic,1,2\n1,e,clinic,113.266,23.125\n")
    with pytest.raises(CommandError) as info:
        call_command("import_health_facilities", path)
    message = str(info.value)
    assert "4 rows refused" in message and "line 3: kind 'spa'" in message
    assert "line 4: (42.36, -71.06) is outside the district" in message and "line 5: id, lng and lat" in message
    assert "line 6: id 1 appears twice" in message
    assert not HealthFacility.objects.exists()


@pytest.mark.parametrize("row", ["١٢,a,clinic,113.265,23.125", "1_2,a,clinic,113.265,23.125",
                                 "12,a,clinic,１１３.２６５,23.125"])
def test_numbers_in_digits_no_one_types_are_refused(areas, tmp_path, row):
    # int() and float() alone took Arabic-Indic and full-width digits, and 1_2 as 12.
    with pytest.raises(CommandError, match="line 2: id, lng and lat must be numbers"):
        call_command("import_health_facilities", write(tmp_path, f"id,name,kind,lng,lat\n{row}\n"))
    assert not HealthFacility.objects.exists()


def test_missing_column_named(areas, tmp_path):
    with pytest.raises(CommandError, match="missing columns kind"):
        call_command("import_health_facilities", write(tmp_path, "id,name,lng,lat\n1,a,113.265,23.125\n"))


FACILITIES = "id,name,kind,lng,lat\r\n1,一社区卫生服务站,clinic,113.265,23.125\n2,大药房,pharmacy,113.27,23.126\r"


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8-sig", "utf-16"])
def test_a_file_as_excel_writes_it_in_china_is_read_whatever_its_line_endings(areas, tmp_path, encoding):
    path = tmp_path / "facilities.csv"
    path.write_bytes(FACILITIES.encode(encoding))
    call_command("import_health_facilities", str(path), stdout=open("/dev/null", "w"))
    assert sorted(HealthFacility.objects.values_list("osm_id", "name")) == [(1, "一社区卫生服务站"), (2, "大药房")]


def test_the_wrong_encoding_option_is_named_and_nothing_stored(areas, tmp_path):
    path = tmp_path / "facilities.csv"
    path.write_bytes(FACILITIES.encode("gbk"))
    with pytest.raises(CommandError, match="cannot be read as utf-8.*--encoding"):
        call_command("import_health_facilities", str(path), "--encoding", "utf-8")
    assert not HealthFacility.objects.exists()


def test_an_empty_file_is_refused_naming_the_columns(areas, tmp_path):
    with pytest.raises(CommandError, match="missing columns id, name, kind, lng, lat"):
        call_command("import_health_facilities", write(tmp_path, ""))
