"""The one rule for a path that is not a readable file (or folder): spatial.input_files. No database."""

import argparse

import osmium
import pytest

from spatial.input_files import (
    UnreadableFileError,
    file_argument,
    folder_argument,
    require_readable_file,
    unreadable_reason,
)
from spatial.osm_reader import OsmReadError, _read_error_text, read_extract


def test_each_way_a_path_is_not_a_readable_file_has_its_reason(tmp_path):
    file = tmp_path / "a.csv"
    file.write_text("x")
    (tmp_path / "broken").symlink_to(tmp_path / "gone")
    assert unreadable_reason(file) is None
    assert unreadable_reason(tmp_path, folder=True) is None
    assert unreadable_reason(tmp_path) == "is a folder, not a file"
    assert unreadable_reason(file, folder=True) == "is a file, not a folder"
    assert unreadable_reason(tmp_path / "nothing.csv") == "no such file"
    assert unreadable_reason(tmp_path / "nothing", folder=True) == "no such folder"
    assert unreadable_reason(tmp_path / "broken") == "a broken link (no file behind it)"


def test_the_error_and_the_argparse_types_name_the_path(tmp_path):
    with pytest.raises(UnreadableFileError, match=f"^{tmp_path}: is a folder, not a file$"):
        require_readable_file(tmp_path)
    with pytest.raises(argparse.ArgumentTypeError, match="is a folder, not a file"):
        file_argument(str(tmp_path))
    with pytest.raises(argparse.ArgumentTypeError, match="no such folder"):
        folder_argument(str(tmp_path / "nothing"))


def test_the_osm_reader_calls_a_folder_a_folder(tmp_path):
    # Seen: "cannot read OSM file /tmp/x: no such file: /tmp/x" for a folder.
    with pytest.raises(OsmReadError, match=f"^cannot read OSM file {tmp_path}: is a folder, not a file$"):
        read_extract(tmp_path)


def test_a_bad_coordinate_whose_node_cannot_be_found_says_why_no_id_is_given(tmp_path):
    # A file the XML scan cannot find the node in (here not XML at all): file, cause and why no id.
    path = tmp_path / "x.osm.pbf"
    path.write_bytes(b"\x00\x01")
    text = _read_error_text(path, osmium.InvalidLocationError("wrong format for coordinate: 'abc'"))
    assert text.startswith("a node has a coordinate that is not a number (libosmium: wrong format for "
                           "coordinate: 'abc'); which node is not known: libosmium's parser refuses")
