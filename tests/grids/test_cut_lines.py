"""Waterways and railways are grid cut lines beside the roads: imported from OSM, stored, and followed by
generation (issue #10: grids from the faces enclosed by roads, waterways and railways). Extract written here,
near 116.04 E, 30.15 N inside the district box of tests/data/osm/cases/district_box.geojson."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from gridmgmt.areas.models import LinearBarrier
from gridmgmt.grids.models import Grid
from tests.areas.test_import_osm import run
from tests.areas.test_import_osm_real_shapes import LEVELS, district_box  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

LINE_LON = 116.0430  # the railway or river, north to south across the community


def extract(key: str, value: str, tunnel: bool = False) -> str:
    """One community (street and community on one square), a line across it at ``LINE_LON``, and 30-flat
    buildings: 4 west of the line (120 households), 6 east (180), so two grids, and a balanced straight cut
    (150 and 150) would cross the line."""
    corners = [(1, 30.1500, 116.0400), (2, 30.1500, 116.0500), (3, 30.1550, 116.0500), (4, 30.1550, 116.0400)]
    nodes = [f'<node id="{n}" lat="{lat}" lon="{lon}"/>' for n, lat, lon in corners]
    nodes += [f'<node id="5" lat="30.1490" lon="{LINE_LON}"/>', f'<node id="6" lat="30.1560" lon="{LINE_LON}"/>']
    ways = ['<way id="10"><nd ref="1"/><nd ref="2"/><nd ref="3"/></way>',
            '<way id="11"><nd ref="3"/><nd ref="4"/><nd ref="1"/></way>',
            f'<way id="12"><nd ref="5"/><nd ref="6"/><tag k="{key}" v="{value}"/><tag k="name" v="Line"/>'
            + ('<tag k="tunnel" v="yes"/>' if tunnel else '') + '</way>']
    west = [116.0405 + 0.0005 * k for k in range(4)]
    east = [116.0440 + 0.0008 * k for k in range(6)]
    for b, lon in enumerate(west + east):
        first = 100 + 4 * b
        square = [(30.1520, lon), (30.1520, lon + 0.0001), (30.1521, lon + 0.0001), (30.1521, lon)]
        nodes += [f'<node id="{first + k}" lat="{lat}" lon="{x:.4f}"/>' for k, (lat, x) in enumerate(square)]
        refs = "".join(f'<nd ref="{first + k}"/>' for k in (0, 1, 2, 3, 0))
        ways.append(f'<way id="{1000 + b}">{refs}<tag k="building" v="apartments"/>'
                    '<tag k="building:flats" v="30"/></way>')
    relations = [f'<relation id="{n}"><member type="way" ref="10" role="outer"/>'
                 '<member type="way" ref="11" role="outer"/><tag k="type" v="boundary"/>'
                 f'<tag k="boundary" v="administrative"/><tag k="admin_level" v="{level}"/>'
                 f'<tag k="ref:NBS" v="{code}"/><tag k="name" v="Area {code}"/></relation>'
                 for n, level, code in ((100, 8, "091000001"), (101, 10, "091000001001"))]
    return f'<?xml version="1.0"?><osm version="0.6">{"".join(nodes + ways + relations)}</osm>'


def crossing_length_deg(osm_id: int) -> float:
    """Length of the line inside the active grids' interiors (0 when every grid edge follows it)."""
    with connection.cursor() as cursor:
        cursor.execute("""
            SELECT coalesce(sum(ST_Length(ST_Intersection(l.geometry, ST_Buffer(g.polygon, -1e-6)))), 0)
            FROM areas_linearbarrier l, grids_grid g WHERE l.osm_id = %s AND g.active""", [osm_id])
        return cursor.fetchone()[0]


@pytest.mark.parametrize(("key", "value"), [("railway", "rail"), ("waterway", "river")])
def test_grids_end_at_a_railway_or_river_instead_of_crossing_it(tmp_path, district_box, key, value):  # noqa: F811
    path = tmp_path / "line.osm"
    path.write_text(extract(key, value))
    report = run(path, *LEVELS)
    assert "waterways and railways (grid cut lines): 1 (0 cut at the extract's edge" in report
    assert list(LinearBarrier.objects.values_list("osm_id", "key", "value", "name")) == [(12, key, value, "Line")]
    call_command("generate_grids", "--all", "--activate", stdout=StringIO())
    grids = sorted(Grid.objects.filter(active=True).values_list("households", flat=True))
    assert grids == [120, 180]  # the two sides of the line, not 150 and 150 across it
    assert crossing_length_deg(12) == 0


def test_a_railway_in_a_tunnel_is_no_cut_line(tmp_path, district_box):  # noqa: F811
    path = tmp_path / "tunnel.osm"
    path.write_text(extract("railway", "rail", tunnel=True))
    assert "waterways and railways (grid cut lines): 0" in run(path, *LEVELS)
    assert not LinearBarrier.objects.exists()
