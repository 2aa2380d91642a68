"""import_osm on the real extracts in ../shared/data/osm and on tiny hand-written ones."""

import bz2
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from gridmgmt.areas.models import Building, Community, District, HealthFacility, Road, Street

pytestmark = pytest.mark.django_db

# Building and road counts measured on the files (data README: 23, 35, 32 buildings).
REAL_FILES = [("West-Oakland.osm.bz2", 23, 17), ("aguascalientes.osm.bz2", 35, 551),
              ("planet_10.068,48.135_10.071,48.137.osm", 32, 4)]


def run(path, *args) -> str:
    out = StringIO()
    call_command("import_osm", str(path), *args, stdout=out, stderr=out)
    return out.getvalue()


@pytest.mark.parametrize("name, buildings, roads", REAL_FILES)
def test_real_extract_imports_buildings_and_roads(shared_data, name, buildings, roads):
    output = run(shared_data / "osm" / name)
    assert f"buildings: {buildings} " in output
    assert Building.objects.filter(source="osm").count() == buildings
    assert Road.objects.count() == roads
    assert all(b.households >= 0 for b in Building.objects.all())
    run(shared_data / "osm" / name)  # again: upserts, no duplicates
    assert Building.objects.filter(source="osm").count() == buildings and Road.objects.count() == roads


# A 1 km square street (admin_level 8) holding one community (admin_level 10), a
# hospital node and an apartment block with building:flats=48, in Yuexiu.
TINY = """<?xml version="1.0" encoding="UTF-8"?>
<osm version="0.6">
 <bounds minlat="23.120" minlon="113.260" maxlat="23.140" maxlon="113.280"/>
 <node id="1" lat="23.120" lon="113.260"/><node id="2" lat="23.120" lon="113.270"/>
 <node id="3" lat="23.130" lon="113.270"/><node id="4" lat="23.130" lon="113.260"/>
 <node id="5" lat="23.121" lon="113.261"/><node id="6" lat="23.121" lon="113.265"/>
 <node id="7" lat="23.125" lon="113.265"/><node id="8" lat="23.125" lon="113.261"/>
 <node id="11" lat="23.1221" lon="113.2621"/><node id="12" lat="23.1221" lon="113.2623"/>
 <node id="13" lat="23.1223" lon="113.2623"/><node id="14" lat="23.1223" lon="113.2621"/>
 <node id="20" lat="23.124" lon="113.264"><tag k="amenity" v="hospital"/><tag k="name" v="示例医院"/></node>
 <way id="100"><nd ref="1"/><nd ref="2"/><nd ref="3"/><nd ref="4"/><nd ref="1"/>
  <tag k="boundary" v="administrative"/><tag k="admin_level" v="8"/><tag k="name" v="示例街道"/><tag k="ref" v="440104099"/></way>
 <way id="101"><nd ref="5"/><nd ref="6"/><nd ref="7"/><nd ref="8"/><nd ref="5"/>
  <tag k="boundary" v="administrative"/><tag k="admin_level" v="10"/><tag k="name" v="示例社区居委会"/>%s</way>
 <way id="102"><nd ref="11"/><nd ref="12"/><nd ref="13"/><nd ref="14"/><nd ref="11"/>
  <tag k="building" v="apartments"/><tag k="building:flats" v="48"/></way>
</osm>"""


@pytest.fixture
def district():
    from django.contrib.gis.geos import MultiPolygon, Polygon
    outline = Polygon.from_bbox((113.25, 23.11, 113.29, 23.15))
    return District.objects.create(code="440104", name="越秀区", boundary=MultiPolygon(outline, srid=4326))


def test_admin_levels_become_streets_and_communities_with_parents(tmp_path, district):
    path = tmp_path / "tiny.osm.bz2"
    path.write_bytes(bz2.compress((TINY % '<tag k="ref" v="440104099001"/>').encode()))
    run(path, "--street-admin-level", "8", "--community-admin-level", "10")
    community = Community.objects.get(code="440104099001")
    assert community.name == "示例社区" and community.street == Street.objects.get(code="440104099")
    building = Building.objects.get(source_id="way/102")
    assert building.households == 48 and building.community == community and building.footprint is not None
    assert HealthFacility.objects.get(osm_id=20).kind == "hospital"


def test_boundary_without_code_refuses_everything(tmp_path, district):
    path = tmp_path / "tiny.osm"
    path.write_text(TINY % "")
    with pytest.raises(CommandError, match="nothing written"):
        run(path, "--street-admin-level", "8", "--community-admin-level", "10")
    assert not Street.objects.exists() and not Building.objects.exists() and not HealthFacility.objects.exists()


def test_broken_file_is_refused_naming_it(tmp_path):
    path = tmp_path / "broken.osm.bz2"
    path.write_bytes(bz2.compress(b"<osm><node id='1'")[:-10])
    with pytest.raises(CommandError, match="broken.osm.bz2"):
        run(path)
    assert not Building.objects.exists()


def test_unknown_crs_is_refused(tmp_path, shared_data):
    with pytest.raises(CommandError, match="EPSG:999999"):
        run(shared_data / "osm" / "West-Oakland.osm.bz2", "--crs", "EPSG:999999")
    assert not Building.objects.exists()
