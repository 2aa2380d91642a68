"""Writes of sensors: registration (located in its grid), locating again when grids change, the HTTP key."""

import hashlib
import secrets

from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q

from gridmgmt.areas.models import Community
from gridmgmt.areas.selectors import locate
from gridmgmt.sensors.models import Sensor


def sensor_key_digest(raw_key: str) -> str:
    # 32 random bytes: sha256 without salt suffices and allows one indexed lookup (as events.api_keys).
    return hashlib.sha256(raw_key.encode("utf-8")).hexdigest()


@transaction.atomic
def sensor_create(*, code: str, kind: str, location: Point, name: str = "", threshold: float | None = None,
                  noise_zone_class: str = "") -> tuple[Sensor, str]:
    """Register a sensor at ``location`` (WGS84) inside the district; returns it and its raw HTTP key (shown once).

    Raises ValidationError naming the problem: a point outside the district, an
    unknown kind, a kind that needs a threshold or a noise zone class without one.
    """
    place = locate(location)
    if place is None:
        raise ValidationError({"location": f"point (lat {location.y:.6f}, lng {location.x:.6f}) is outside "
                                           "the district: no community covers it"})
    raw_key = secrets.token_urlsafe(32)
    sensor = Sensor(code=code, kind=kind, name=name, location=location, threshold=threshold,
                    noise_zone_class=noise_zone_class, key_prefix=raw_key[:8], key_hash=sensor_key_digest(raw_key))
    sensor.grid_code, sensor.community_code, sensor.street_code = _place_codes(place)
    sensor.full_clean()
    sensor.save()
    return sensor, raw_key


def _place_codes(place) -> tuple[str, str, str]:
    """The grid (empty when none covers the point), community and street codes a sensor at ``place``
    (:func:`gridmgmt.areas.selectors.locate`) is stamped with: at registration and when located again."""
    return place.grid.code if place.grid else "", place.community.code, place.community.street.code


def sensor_for_key(raw_key: str | None) -> Sensor | None:
    """The active sensor whose key is ``raw_key``, or None."""
    if not raw_key:
        return None
    return Sensor.objects.filter(key_hash=sensor_key_digest(raw_key), active=True).first()


def sensors_locate_again(*, community_ids) -> int:
    """Stamp the sensors of these communities again with the grid covering their point (as
    :func:`sensor_create` locates them: :func:`gridmgmt.areas.selectors.locate`); how many changed.

    Called when a community's active grids change (a generation activated, an
    edit, an undo) or its boundary does (an import): a sensor kept the codes
    it was registered with, retired or not, so the new grid's file (一格一档)
    and its grid worker's or community's environment view did not show it.
    Its events were right (located at the time); episodes and hourly rows
    belong to the sensor and stay. The sensors looked at: those stored in these
    communities and those standing in them now.
    """
    communities = Community.objects.filter(pk__in=community_ids)
    codes = list(communities.values_list("code", flat=True))
    standing = Exists(communities.filter(boundary__covers=OuterRef("location")))
    changed = []
    for sensor in Sensor.objects.filter(Q(community_code__in=codes) | standing).only(
            "pk", "location", "grid_code", "community_code", "street_code"):
        place = locate(sensor.location)
        if place is None:  # the community's boundary no longer covers it: left as it was, for the areas' import
            continue
        now = _place_codes(place)
        if now != (sensor.grid_code, sensor.community_code, sensor.street_code):
            sensor.grid_code, sensor.community_code, sensor.street_code = now
            changed.append(sensor)
    Sensor.objects.bulk_update(changed, ["grid_code", "community_code", "street_code"])
    return len(changed)
