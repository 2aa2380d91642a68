"""Address search (地理编码): pg_trgm fuzzy matching over standard addresses and building addresses."""

import pytest
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from shapely.geometry import Point as ShapelyPoint

from gridmgmt.areas.models import Building
from gridmgmt.geocoding.models import Place
from gridmgmt.geocoding.selectors import place_search, places_matching
from gridmgmt.geocoding.services import places_from_buildings, places_import_csv
from spatial.crs import wgs84_to_gcj02

pytestmark = pytest.mark.django_db

CSV = "id,name,address,lng,lat\n" \
      "A1,越秀区中山五路193号,广州市越秀区中山五路193号,113.2665,23.1291\n" \
      "A2,北京路步行街,广州市越秀区北京路,113.2700,23.1260\n" \
      "A3,广州市第一人民医院,越秀区盘福路1号,113.2610,23.1400\n"


@pytest.fixture
def addresses(tmp_path):
    path = tmp_path / "addresses.csv"
    path.write_text(CSV, encoding="utf-8")
    assert places_import_csv(path=path) == 3
    return path


def names(query):
    return [place.name for place in place_search(query=query)]


def test_substring_of_an_address_finds_it_first(addresses):
    assert names("中山五路")[0] == "越秀区中山五路193号"


def test_a_wrong_character_still_finds_the_place(addresses):
    assert "广州市第一人民医院" in names("广州第一人民医院")  # the caller drops 市


def test_empty_and_unrelated_queries_find_nothing(addresses):
    assert names("  ") == [] and names("东风东路") == []


def test_gcj02_csv_is_stored_in_wgs84(tmp_path):
    gcj = wgs84_to_gcj02(ShapelyPoint(113.2665, 23.1291))
    path = tmp_path / "gcj.csv"
    path.write_text(f"id,name,address,lng,lat\nG1,某地,,{gcj.x},{gcj.y}\n", encoding="utf-8")
    places_import_csv(path=path, crs="gcj02")
    stored = Place.objects.get().location
    assert stored.x == pytest.approx(113.2665, abs=1e-5) and stored.y == pytest.approx(23.1291, abs=1e-5)


def test_gbk_csv_as_excel_writes_it_is_read(tmp_path):
    path = tmp_path / "gbk.csv"
    path.write_bytes(CSV.encode("gbk"))
    assert places_import_csv(path=path) == 3 and names("北京路")[0] == "北京路步行街"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8-sig", "gb18030"])
def test_csv_in_the_other_encodings_windows_writes_is_read(tmp_path, encoding):
    path = tmp_path / "unicode.csv"
    path.write_bytes(CSV.replace("\n", "\r\n", 1).encode(encoding))
    assert places_import_csv(path=path) == 3 and names("北京路")[0] == "北京路步行街"


def test_bad_row_refuses_the_whole_file_naming_the_line(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(CSV + "A4,坏点,,500000,2558000\n", encoding="utf-8")
    with pytest.raises(ValidationError, match="line 5"):
        places_import_csv(path=path)
    assert Place.objects.count() == 0


def test_coordinates_in_digits_no_one_types_refuse_the_file(tmp_path):
    # float() alone took full-width digits.
    path = tmp_path / "bad.csv"
    path.write_text(CSV + "A4,坏点,,１１３.２６,23.12\n", encoding="utf-8")
    with pytest.raises(ValidationError, match="line 5: lng/lat are not numbers"):
        places_import_csv(path=path)
    assert Place.objects.count() == 0


def test_command_names_a_missing_column(tmp_path):
    path = tmp_path / "cols.csv"
    path.write_text("id,name\nA,B\n", encoding="utf-8")
    with pytest.raises(CommandError, match="missing columns address, lng, lat"):
        call_command("import_places", str(path))


def test_building_addresses_become_places():
    Building.objects.create(location=Point(113.27, 23.13, srid=4326), address="越秀区惠福东路8号", source="demo",
                            source_id="b1")
    Building.objects.create(location=Point(113.27, 23.13, srid=4326), source="demo", source_id="b2")  # no address
    assert places_from_buildings() == 1
    assert names("惠福东路") == ["越秀区惠福东路8号"]


@pytest.mark.parametrize("query", ["中山五路", "Zhongshan 5th Rd"])
def test_every_branch_of_the_search_is_a_condition_of_the_trigram_indexes(addresses, query):
    """With sequential and plain index scans priced out only bitmap scans are left, and a bitmap index
    scan needs an index condition: a branch no index holds (UPPER(name) LIKE, as icontains writes it,
    against indexes on the plain columns) would leave a Seq Scan of the whole gazetteer."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        plan = places_matching(query).explain()
    assert "Seq Scan" not in plan, plan
    conditions = [line for line in plan.splitlines() if "Index Cond:" in line]
    for column, index in (("name", "place_name_trgm"), ("address", "place_address_trgm")):
        assert f"Bitmap Index Scan on {index}" in plan, plan
        assert any(f"({column})::text ~~* " in line for line in conditions), (column, plan)  # ILIKE
        assert any(f"({column})::text %> " in line for line in conditions), (column, plan)


def test_a_substring_is_found_whatever_its_case(tmp_path):
    path = tmp_path / "places.csv"
    path.write_text("id,name,address,lng,lat\n"
                    "P1,Yuexiu Park,Jiefang North Rd,113.2700,23.1400\n"
                    "P2,Liuhua Lake Park,Dongfeng West Rd,113.2570,23.1400\n", encoding="utf-8")
    places_import_csv(path=path)
    assert names("yuexiu park")[0] == "Yuexiu Park"
    assert names("JIEFANG NORTH")[0] == "Yuexiu Park"  # in the address


def test_building_places_follow_the_buildings_when_run_again():
    kept = Building.objects.create(location=Point(113.27, 23.13, srid=4326), address="惠福东路8号", source="demo",
                                   source_id="b1")
    gone = Building.objects.create(location=Point(113.27, 23.13, srid=4326), address="惠福东路9号", source="demo",
                                   source_id="b2")
    places_from_buildings()
    gone.delete()
    assert places_from_buildings() == 1
    assert list(Place.objects.values_list("source_id", "name")) == [(str(kept.pk), "惠福东路8号")]


def test_the_wrong_encoding_option_is_named_and_nothing_stored(tmp_path):
    path = tmp_path / "gbk.csv"
    path.write_bytes(CSV.encode("gbk"))
    with pytest.raises(CommandError, match="cannot be read as utf-8.*--encoding"):
        call_command("import_places", str(path), "--encoding", "utf-8")
    assert not Place.objects.exists()


def test_the_number_the_caller_names_comes_first_among_alike_names(tmp_path):
    """The demo gazetteer's building addresses differ by their number only; '三眼井 12号' scored 10号 to 19号
    alike by word similarity, and the call-taker's first hit was 10号 (by name), 12号 the third."""
    path = tmp_path / "numbers.csv"
    rows = "".join(f"B{n},三眼井社区示例楼{n}号,,113.26,23.12\n" for n in (10, 11, 12, 112, 120))
    path.write_text("id,name,address,lng,lat\n" + rows, encoding="utf-8")
    places_import_csv(path=path)
    assert names("三眼井 12号")[0] == "三眼井社区示例楼12号"
    assert names("三眼井社区示例楼12号")[0] == "三眼井社区示例楼12号"
