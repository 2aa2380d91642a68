"""R13: hotline CSVs and catalogues saved by Excel in China (GBK) or with a UTF-8 BOM are read;
an undecodable file is a CommandError naming --encoding, and nothing is stored."""

import json

import pytest
from django.core.management import CommandError, call_command

from gridmgmt.events.catalogue import DEFAULT_CATALOGUE
from gridmgmt.events.models import Event, SmallClass
from gridmgmt.text_files import detect_encoding
from tests.events.conftest import areas, catalogue  # noqa: F401  (shared tiny areas)

TICKETS = """ticket_id,lat,lng,service_code,description,attribute[depth_cm]
T1,23.125,113.265,1102,东风路口垃圾堆放,
T2,23.125,113.275,1503,人行道积水,30
"""


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8-sig", "utf-8", "utf-16"])
def test_import_events_reads_the_encodings_excel_writes(areas, catalogue, tmp_path, capsys, encoding):
    path = tmp_path / "tickets.csv"
    path.write_bytes(TICKETS.encode(encoding))
    call_command("import_events", str(path), "--channel", "hotline")
    assert "2 rows: 2 reports created" in capsys.readouterr().out
    assert set(Event.objects.values_list("description", flat=True)) == {"东风路口垃圾堆放", "人行道积水"}


def test_import_events_with_the_wrong_encoding_option_names_the_option_and_stores_nothing(areas, catalogue, tmp_path):
    path = tmp_path / "tickets.csv"
    path.write_bytes(TICKETS.encode("gbk"))
    with pytest.raises(CommandError, match="--encoding"):
        call_command("import_events", str(path), "--channel", "hotline", "--encoding", "utf-8")
    assert not Event.objects.exists()


def test_import_events_with_an_unknown_encoding_name_is_refused(areas, catalogue, tmp_path):
    path = tmp_path / "tickets.csv"
    path.write_bytes(TICKETS.encode("utf-8"))
    with pytest.raises(CommandError, match="unknown encoding 'klingon'"):
        call_command("import_events", str(path), "--channel", "hotline", "--encoding", "klingon")


@pytest.mark.parametrize("encoding", ["gbk", "utf-8-sig"])
def test_load_catalogue_reads_gbk_and_bom(db, tmp_path, capsys, encoding):
    data = json.loads(DEFAULT_CATALOGUE.read_text(encoding="utf-8"))
    path = tmp_path / "catalogue.json"
    path.write_bytes(json.dumps(data, ensure_ascii=False).encode(encoding))
    call_command("load_catalogue", str(path))
    assert SmallClass.objects.filter(name=data["small_classes"][0]["name"]).exists()


@pytest.mark.parametrize(("content", "named"), [(b"\x81\x30", "--encoding"), (b"{", "not JSON"),
                                                  (b"[]", "needs the lists")])
def test_load_catalogue_refuses_unreadable_files_by_name(db, tmp_path, content, named):
    path = tmp_path / "catalogue.json"
    path.write_bytes(content)
    with pytest.raises(CommandError, match=named):
        call_command("load_catalogue", str(path), *(["--encoding", "utf-8"] if named == "--encoding" else []))
    assert not SmallClass.objects.exists()


def test_detect_encoding_does_not_take_a_utf8_character_cut_at_the_sniff_boundary_for_gbk():
    text = ("网" * 10).encode("utf-8")
    assert detect_encoding(text[:-1]) == "utf-8"
    assert detect_encoding("网格".encode("gbk") * 10) == "gb18030"
