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


def test_admin_sets_a_patrol_rule_and_its_source(client, patrol_rules):
    client.force_login(get_user_model().objects.create_superuser("admin", "a@example.org", "pw-long-enough-1"))
    rule = PatrolRule.objects.get(warning_level="orange")
    assert rule.source == ""  # no standard found: a local setting until the district says otherwise
    response = client.post(f"/admin/water/patrolrule/{rule.pk}/change/", {
        "warning_level": "orange", "every_days": 2, "min_minutes": 15, "min_km": 1.5, "source": "区河长办 2026 年通知"})
    assert response.status_code == 302
    rule.refresh_from_db()
    assert (rule.every_days, rule.min_minutes, rule.min_km, rule.source) == (2, 15, 1.5, "区河长办 2026 年通知")
