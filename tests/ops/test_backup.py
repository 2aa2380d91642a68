"""manage.py backup / restore: a consistent dump plus media, restored into an empty database."""

import io
import json
import tarfile

import psycopg2
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from gridmgmt.cases.models import Case
from gridmgmt.events.models import Event
from gridmgmt.grids.models import Grid

pytestmark = pytest.mark.django_db(transaction=True)


def connect(name: str):
    db = connection.settings_dict
    return psycopg2.connect(dbname=name, host=db["HOST"] or None, port=db["PORT"] or None,
                            user=db["USER"] or None, password=db["PASSWORD"] or None)


@pytest.fixture
def restored_name():
    """An unused database name on the test server, dropped afterwards."""
    name = f"{connection.settings_dict['NAME']}_restored"
    admin = connect("postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
    yield name
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


def rows(name: str, sql: str) -> list[tuple]:
    conn = connect(name)
    try:
        with conn.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchall()
    finally:
        conn.close()


def test_backup_restores_into_an_empty_database_with_the_same_reports_cases_grids_and_photos(
        make_event, case_of, restored_name, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    (settings.MEDIA_ROOT / "events" / "2026").mkdir(parents=True)
    (settings.MEDIA_ROOT / "events" / "2026" / "p1.jpg").write_bytes(b"\xff\xd8photo")
    events = [make_event("A"), make_event("B"), make_event("A")]
    cases = sorted(case_of(e).number for e in events)

    call_command("backup", "--to", str(tmp_path / "backups"), stdout=open("/dev/null", "w"))
    (folder,) = (tmp_path / "backups").iterdir()
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["counts"] == {"reports": 3, "cases": 3, "grids": 2}

    make_event("B")  # after the backup: not in it
    call_command("restore", str(folder), "--database", restored_name, "--media-root", str(tmp_path / "restored"),
                 stdout=open("/dev/null", "w"))
    assert [r[0] for r in rows(restored_name, f"SELECT number FROM {Case._meta.db_table} ORDER BY number")] == cases
    assert sorted(r[0] for r in rows(restored_name, f"SELECT id FROM {Event._meta.db_table}")) == sorted(
        e.id for e in events)
    assert sorted(r[0] for r in rows(restored_name, f"SELECT code FROM {Grid._meta.db_table}")) == sorted(
        Grid.objects.values_list("code", flat=True))
    # PostGIS came along: geometry still answers spatial questions.
    assert rows(restored_name, f"SELECT count(*) FROM {Grid._meta.db_table} "
                               "WHERE ST_Contains(polygon, ST_SetSRID(ST_MakePoint(113.265, 23.125), 4326))") == [(1,)]
    assert (tmp_path / "restored" / "events" / "2026" / "p1.jpg").read_bytes() == b"\xff\xd8photo"


def test_restore_refuses_a_database_with_tables_and_changes_nothing(make_event, tmp_path):
    make_event("A")
    call_command("backup", "--to", str(tmp_path), stdout=open("/dev/null", "w"))
    (folder,) = tmp_path.iterdir()
    with pytest.raises(CommandError, match="restore only into an empty database"):
        call_command("restore", str(folder), "--database", connection.settings_dict["NAME"])
    assert Event.objects.count() == 1


@pytest.mark.parametrize("member", ["../outside.txt", "/etc/cron.d/evil", "events/link"])
def test_restore_refuses_media_reaching_outside_the_media_folder_and_restores_nothing(
        make_event, restored_name, tmp_path, member):
    make_event("A")
    call_command("backup", "--to", str(tmp_path / "backups"), stdout=open("/dev/null", "w"))
    (folder,) = (tmp_path / "backups").iterdir()
    with tarfile.open(folder / "media.tar.gz", "w:gz") as archive:
        entry = tarfile.TarInfo(member)
        if member.endswith("link"):
            entry.type, entry.linkname = tarfile.SYMTYPE, "/etc/passwd"
            archive.addfile(entry)
        else:
            entry.size = 4
            archive.addfile(entry, io.BytesIO(b"evil"))
    with pytest.raises(CommandError, match=f"media.tar.gz: '{member}' is not a plain file or folder"):
        call_command("restore", str(folder), "--database", restored_name, "--media-root", str(tmp_path / "restored"))
    assert rows("postgres", f"SELECT count(*) FROM pg_database WHERE datname = '{restored_name}'") == [(0,)]
    assert not (tmp_path / "outside.txt").exists() and not (tmp_path / "restored").exists()


def test_restore_of_an_incomplete_folder_names_what_is_missing(tmp_path, restored_name):
    (tmp_path / "manifest.json").write_text("{}")
    with pytest.raises(CommandError, match="missing database.dump, media.tar.gz"):
        call_command("restore", str(tmp_path), "--database", restored_name)


def test_backup_into_an_unwritable_place_is_a_command_error(tmp_path):
    (tmp_path / "file").write_text("")
    with pytest.raises(CommandError, match="backup: "):
        call_command("backup", "--to", str(tmp_path / "file" / "below"))


@pytest.mark.parametrize("manifest, problem", [
    ("[" * 100_000 + "]" * 100_000, "nested deeper than"),  # was a RecursionError traceback
    ('{"counts": {"reports": "\u0661\u0662", "cases": 1, "grids": 1}}', "count of reports is no whole number"),
    ('{"counts": {"reports": 1, "cases": true, "grids": 1}}', "count of cases is no whole number"),
    ('{"counts": {"reports": 1, "cases": 1, "grids": 1.9}}', "count of grids is no whole number"),
    ('{"counts": {"reports": -1, "cases": 1, "grids": 1}}', "count of reports is no whole number of 0 or more, got -1"),
    (b"\xff\xfe\x00", "not a backup manifest"),
])
def test_restore_of_a_manifest_that_is_no_manifest_is_a_command_error_and_creates_nothing(
        tmp_path, restored_name, manifest, problem):
    folder = tmp_path / "gridmgmt-20261201-000000"
    folder.mkdir()
    (folder / "manifest.json").write_bytes(manifest if isinstance(manifest, bytes) else manifest.encode())
    (folder / "database.dump").write_bytes(b"")
    with tarfile.open(folder / "media.tar.gz", "w:gz"):
        pass
    with pytest.raises(CommandError, match=problem):
        call_command("restore", str(folder), "--database", restored_name)
    assert rows("postgres", f"SELECT count(*) FROM pg_database WHERE datname = '{restored_name}'") == [(0,)]


def test_restore_of_a_dump_pg_restore_cannot_read_leaves_no_database_behind(make_event, tmp_path, restored_name):
    make_event("A")
    call_command("backup", "--to", str(tmp_path), stdout=open("/dev/null", "w"))
    (folder,) = tmp_path.iterdir()
    (folder / "database.dump").write_bytes(b"PGDMP")  # truncated after its signature
    with pytest.raises(CommandError, match="pg_restore failed"):
        call_command("restore", str(folder), "--database", restored_name, "--media-root", str(tmp_path / "restored"))
    assert rows("postgres", f"SELECT count(*) FROM pg_database WHERE datname = '{restored_name}'") == [(0,)]
    assert not (tmp_path / "restored").exists()


@pytest.mark.parametrize("name", ["bk\x00x", "bk\x0bx"])
def test_restore_into_a_database_name_with_a_control_character_is_refused(tmp_path, make_event, name):
    make_event("A")
    call_command("backup", "--to", str(tmp_path), stdout=open("/dev/null", "w"))
    (folder,) = tmp_path.iterdir()
    with pytest.raises(CommandError, match="not a database name"):
        call_command("restore", str(folder), "--database", name)


def test_restore_whose_counts_differ_from_the_manifest_leaves_no_database_and_no_photo(make_event, tmp_path,
                                                                                        restored_name):
    # Before: the restored database was kept and the media unpacked, though the restore was refused.
    make_event("A")
    call_command("backup", "--to", str(tmp_path), stdout=open("/dev/null", "w"))
    (folder,) = tmp_path.iterdir()
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["counts"]["reports"] += 1
    (folder / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(CommandError, match="differ from the backup's .*; the restored database is dropped"):
        call_command("restore", str(folder), "--database", restored_name, "--media-root", str(tmp_path / "restored"))
    assert rows("postgres", f"SELECT count(*) FROM pg_database WHERE datname = '{restored_name}'") == [(0,)]
    assert not (tmp_path / "restored").exists()
