"""The one rule for "the path given is not a readable file" (or folder), for every reader and command.

A person types a path; what is there may be missing, a folder where a file
was meant (or a file where a folder was meant), or unreadable for the user
the command runs as. Each reader used to say this its own way, and a folder
was called "no such file" by two of them. Every command that takes a path
(``import_osm``, ``import_boundaries``, ``import_households``,
``import_holidays``, ``restore``, ...) uses ``file_argument`` or
``folder_argument`` as the argument's ``type``, so argparse names the
argument as typed; the readers underneath (``spatial.osm_reader``,
``gridmgmt.areas.boundary_reader``, ``gridmgmt.water.osm_water``) call
``require_readable_file`` for callers that are not commands.

Pure Python (the OSM reader in ``spatial`` uses it, and ``spatial`` never
imports Django).
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path


class UnreadableFileError(OSError):
    """The path is not a readable file (or folder); the message names the path and why."""


def unreadable_reason(path: str | os.PathLike[str], *, folder: bool = False) -> str | None:
    """Why ``path`` cannot be read as a file (as a folder with ``folder``), or None when it can."""
    path = Path(path)
    wanted = "folder" if folder else "file"
    if not path.exists():
        return f"no such {wanted}" if not path.is_symlink() else f"a broken link (no {wanted} behind it)"
    if folder and not path.is_dir():
        return "is a file, not a folder"
    if not folder and path.is_dir():
        return "is a folder, not a file"
    if not os.access(path, os.R_OK | (os.X_OK if folder else 0)):
        return f"is a {wanted} this user may not read (permission denied)"
    return None


def require_readable_file(path: str | os.PathLike[str], *, folder: bool = False) -> Path:
    """``path`` as a Path; ``UnreadableFileError`` ("<path>: is a folder, not a file") when it cannot be read."""
    reason = unreadable_reason(path, folder=folder)
    if reason is not None:
        raise UnreadableFileError(f"{path}: {reason}")
    return Path(path)


def file_argument(value: str) -> Path:
    """argparse ``type`` of a command's file argument: the error names the argument as typed."""
    try:
        return require_readable_file(value)
    except UnreadableFileError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def folder_argument(value: str) -> Path:
    """argparse ``type`` of a command's folder argument (a folder to read, such as a backup)."""
    try:
        return require_readable_file(value, folder=True)
    except UnreadableFileError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
