"""Backups that restore: the database (pg_dump custom format) plus the media folder (photos).

A backup is a folder ``gridmgmt-YYYYmmdd-HHMMSS/`` holding

- ``database.dump``: ``pg_dump --format=custom`` of the whole database,
- ``media.tar.gz``: every file under MEDIA_ROOT,
- ``manifest.json``: when, from which database, and the row counts of the
  tables below as the dump holds them.

Consistency: the counts and the dump read one exported snapshot
(``pg_export_snapshot`` + ``pg_dump --snapshot``), so they agree exactly even
while reports keep arriving. Media are archived after the snapshot: uploads
are only ever added, so every photo the dump names is in the archive (a
later photo may be too, unreferenced and harmless).

Restore goes into an empty database (created when missing; one with tables
is refused, nothing is changed) and then checks the restored counts against
the manifest. Errors are :class:`BackupError` naming the problem.
"""

import json
import os
import shutil
import subprocess
import tarfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import psycopg2
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from gridmgmt.api_params import ascii_integer, has_control_characters
from gridmgmt.cases.models import Case
from gridmgmt.events.models import Event
from gridmgmt.grids.models import Grid
from gridmgmt.json_input import json_loads

DUMP = "database.dump"
MEDIA = "media.tar.gz"
MANIFEST = "manifest.json"
# What a restore is checked by: reports, cases and grids, by table name.
COUNTED = {"reports": Event._meta.db_table, "cases": Case._meta.db_table, "grids": Grid._meta.db_table}


class BackupError(Exception):
    """A backup or restore that cannot be made; the message names why."""


@dataclass(frozen=True)
class BackupResult:
    folder: Path
    counts: dict[str, int]


def _pg_env(db: dict, name: str | None = None) -> dict[str, str]:
    """Environment for the libpq tools (pg_dump, pg_restore) to reach ``db``'s server, database ``name``."""
    env = dict(os.environ)
    for var, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER"), ("PGPASSWORD", "PASSWORD")):
        if db.get(key):
            env[var] = str(db[key])
    env["PGDATABASE"] = name or db["NAME"]
    return env


def _run(command: list[str], env: dict[str, str]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} not found: install the PostgreSQL client (scripts/setup.sh)")
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()[-2000:]}")


def _count(cursor) -> dict[str, int]:
    counts = {}
    for label, table in COUNTED.items():
        cursor.execute(f'SELECT count(*) FROM "{table}"')  # table names are the models' own, not input
        counts[label] = cursor.fetchone()[0]
    return counts


def backup_create(*, destination: Path, now: datetime | None = None) -> BackupResult:
    """Write a backup folder under ``destination`` (created when missing) and return it with its counts.

    Raises BackupError when the folder exists already or pg_dump fails (the partial folder is removed).
    """
    now = timezone.localtime(now or timezone.now())
    folder = Path(destination) / f"gridmgmt-{now:%Y%m%d-%H%M%S}"
    if folder.exists():
        raise BackupError(f"{folder} exists already: a backup is never written over another")
    folder.mkdir(parents=True)
    db = connection.settings_dict
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                cursor.execute("SELECT pg_export_snapshot()")
                snapshot = cursor.fetchone()[0]
                counts = _count(cursor)
                # The snapshot lives as long as this transaction: pg_dump runs inside it.
                _run(["pg_dump", "--format=custom", f"--snapshot={snapshot}", f"--file={folder / DUMP}"], _pg_env(db))
        media_root = Path(settings.MEDIA_ROOT)
        with tarfile.open(folder / MEDIA, "w:gz") as archive:
            if media_root.is_dir():
                for path in sorted(media_root.rglob("*")):
                    archive.add(path, arcname=str(path.relative_to(media_root)), recursive=False)
        manifest = {"created_at": now.isoformat(), "database": db["NAME"], "counts": counts,
                    "files": [DUMP, MEDIA]}
        (folder / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return BackupResult(folder=folder, counts=counts)


def read_manifest(folder: Path) -> dict:
    """The manifest of a backup folder; BackupError when the folder is not a complete backup."""
    folder = Path(folder)
    missing = [name for name in (MANIFEST, DUMP, MEDIA) if not (folder / name).is_file()]
    if missing:
        raise BackupError(f"{folder} is not a complete backup: missing {', '.join(missing)}")
    try:  # the one JSON rule: a manifest nested 100,000 deep was a RecursionError traceback
        manifest = json_loads((folder / MANIFEST).read_bytes())
        counts = {label: ascii_integer(manifest["counts"][label]) for label in COUNTED}
    except (ValueError, KeyError, TypeError) as exc:
        raise BackupError(f"{folder / MANIFEST} is not a backup manifest: {exc}") from exc
    # A count is a JSON integer (or its ASCII digits): int() also took true, 1.9 and "١٢".
    bad = [label for label, n in counts.items() if n is None or n < 0]
    if bad:
        raise BackupError(f"{folder / MANIFEST} is not a backup manifest: the count of {bad[0]} "
                          f"is no whole number of 0 or more, got {manifest['counts'][bad[0]]!r}")
    return {**manifest, "counts": counts}


def _connect(db: dict, name: str):
    return psycopg2.connect(dbname=name, host=db.get("HOST") or None, port=db.get("PORT") or None,
                            user=db.get("USER") or None, password=db.get("PASSWORD") or None)


def _prepare_empty_database(db: dict, name: str) -> bool:
    """Make sure ``name`` is an empty database; True when it was created here."""
    admin = _connect(db, "postgres")
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                cursor.execute(f'CREATE DATABASE "{name}"')
                return True
    finally:
        admin.close()
    target = _connect(db, name)
    try:
        with target.cursor() as cursor:
            cursor.execute("""SELECT count(*) FROM pg_tables
                              WHERE schemaname NOT IN ('pg_catalog', 'information_schema')
                                AND tablename <> 'spatial_ref_sys'""")
            tables = cursor.fetchone()[0]
    finally:
        target.close()
    if tables:
        raise BackupError(f'database "{name}" has {tables} tables: restore only into an empty database')
    return False


def _drop_database(db: dict, name: str) -> None:
    admin = _connect(db, "postgres")
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
    finally:
        admin.close()


# tarfile's "data" filter (no paths outside the folder, no links or devices,
# no set-id bits) where the interpreter has it: Debian 12's Python 3.11.2
# predates it (3.11.4), so _check_media refuses the same members first.
_DATA_FILTER = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}


def _check_media(path: Path) -> None:
    """Refuse (``BackupError`` naming it) a media archive that cannot be read or holds a member other
    than a plain file or folder inside the media folder (a link, a device, an absolute or ``..`` path)."""
    try:
        with tarfile.open(path, "r:gz") as archive:
            members = archive.getmembers()
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise BackupError(f"{path.name} cannot be read: {exc}") from None
    for member in members:
        name = Path(member.name)
        if not (member.isfile() or member.isdir()) or name.is_absolute() or ".." in name.parts:
            raise BackupError(f"{path.name}: {member.name!r} is not a plain file or folder inside the media folder")


def backup_restore(*, source: Path, database: str, media_root: Path) -> dict[str, int]:
    """Restore the backup folder ``source`` into the empty database ``database`` and ``media_root``.

    Returns the restored counts (equal to the manifest's). Raises BackupError on an incomplete
    backup, a non-empty target database, a failing pg_restore, counts that differ or media that cannot
    be written; a database this call created is then dropped. The counts are checked before the media
    are unpacked, so a refused restore writes no photo.
    """
    if not database or '"' in database or len(database) > 63 or has_control_characters(database):
        raise BackupError(f"not a database name: {database!r}")
    manifest = read_manifest(source)
    _check_media(Path(source) / MEDIA)  # before anything is restored
    db = connection.settings_dict
    created = _prepare_empty_database(db, database)
    try:
        _run(["pg_restore", "--no-owner", "--exit-on-error", "--single-transaction", f"--dbname={database}",
              str(Path(source) / DUMP)], _pg_env(db, database))
        counts = _restored_counts(db, database)
        if counts != manifest["counts"]:
            raise BackupError(f"restored counts {counts} differ from the backup's {manifest['counts']}; "
                              "the restored database is dropped")
        media_root = Path(media_root)
        media_root.mkdir(parents=True, exist_ok=True)
        with tarfile.open(Path(source) / MEDIA, "r:gz") as archive:
            archive.extractall(media_root, **_DATA_FILTER)
    except (tarfile.TarError, OSError) as exc:
        if created:
            _drop_database(db, database)
        raise BackupError(f"the media could not be restored into {media_root}: {exc}; the restored database is "
                          "dropped, photos already written stay") from None
    except BackupError:
        if created:  # a refused restore leaves no database behind (a dump pg_restore cannot read, other counts)
            _drop_database(db, database)
        raise
    return counts


def _restored_counts(db: dict, database: str) -> dict[str, int]:
    target = _connect(db, database)
    try:
        with target.cursor() as cursor:
            return _count(cursor)
    finally:
        target.close()
