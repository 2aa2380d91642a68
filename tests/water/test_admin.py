"""Admin pages of the water and sensor apps: rules editable, recorded facts and geometry not (real PostGIS)."""

from django.contrib.auth import get_user_model
from django.contrib.gis.geos import LineString, Point

from gridmgmt.sensors.services import sensor_create
from gridmgmt.water.models import PatrolRule, WaterBody


def test_rules_editable_patrols_and_sensor_keys_not(client, areas, patrol_rules):
    client.force_login(get_user_model().objects.create_superuser("admin", "a@example.org", "pw-long-enough-1"))
    body = WaterBody.objects.create(code="WB-1", name="一号涌", kind="ditch", source="test",
                                    geometry=LineString((113.262, 23.1205), (113.262, 23.1295), srid=4326))
    sensor, _ = sensor_create(code="air-1", kind="pm25", location=Point(113.263, 23.126, srid=4326))
    rule = PatrolRule.objects.get(warning_level="none")
    assert client.get(f"/admin/water/patrolrule/{rule.pk}/change/").status_code == 200
    assert client.get(f"/admin/water/waterbody/{body.pk}/change/").status_code == 200
    page = client.get(f"/admin/sensors/sensor/{sensor.pk}/change/").content.decode()
    assert 'name="key_hash"' not in page and 'name="threshold"' in page
    assert client.get("/admin/sensors/sensor/add/").status_code == 403
    assert client.get("/admin/water/patrol/").status_code == 200
