"""Small and micro water bodies (小微水体) and their water-quality observations.

Storage CRS is WGS84 (:data:`gridmgmt.geo.STORAGE_SRID`).
"""

from django.conf import settings
from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _

from gridmgmt.events.models import Event
from gridmgmt.geo import STORAGE_SRID
from gridmgmt.water.quality import BlackOdorClass


class WaterBodyKind(models.TextChoices):
    RIVER = "river", _("river")
    STREAM = "stream", _("stream")
    CANAL = "canal", _("canal")
    DITCH = "ditch", _("ditch")
    DRAIN = "drain", _("drain")
    POND = "pond", _("pond")
    LAKE = "lake", _("lake")
    OTHER = "other", _("other water body")


class WarningLevel(models.TextChoices):
    NONE = "none", _("no warning")
    YELLOW = "yellow", _("yellow warning")
    ORANGE = "orange", _("orange warning")
    RED = "red", _("red warning")


class WaterBody(models.Model):
    """A river, stream, canal, ditch or pond: the unit of the river-chief system (一河一档).

    ``geometry`` is a line (waterways) or a polygon (ponds, lakes, wide rivers).
    """

    code = models.CharField(max_length=32, unique=True, help_text="osm:way/123 for OSM features, else the source's id")
    name = models.CharField(max_length=128, blank=True)
    kind = models.CharField(max_length=16, choices=WaterBodyKind.choices)
    geometry = models.GeometryField(srid=STORAGE_SRID, spatial_index=True)
    source = models.CharField(max_length=64, help_text="osm, or the GeoJSON file it came from")
    warning_level = models.CharField(max_length=8, default=WarningLevel.NONE, choices=WarningLevel.choices,
                                     help_text="sets its patrol rule (PatrolRule)")
    # When the patrol reminder last warned about this body (due soon / overdue), so it warns once per period.
    patrol_warned_at = models.DateTimeField(null=True, blank=True)
    patrol_overdue_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "water bodies"

    def __str__(self) -> str:
        return self.name or self.code


class ObservationSource(models.TextChoices):
    MANUAL = "manual", "by hand"
    SENSOR = "sensor", "by sensor"


class WaterObservation(models.Model):
    """One set of water-quality measurements at a point, classed by the 2015 guide (gridmgmt.water.quality)."""

    water_body = models.ForeignKey(WaterBody, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="observations")
    location = models.PointField(srid=STORAGE_SRID)
    observed_at = models.DateTimeField()
    transparency_cm = models.FloatField(null=True, blank=True)
    dissolved_oxygen_mg_l = models.FloatField(null=True, blank=True)
    orp_mv = models.FloatField(null=True, blank=True)
    ammonia_nitrogen_mg_l = models.FloatField(null=True, blank=True)
    water_depth_cm = models.FloatField(null=True, blank=True)
    black_odor_class = models.PositiveSmallIntegerField(
        choices=[(c.value, c.key) for c in BlackOdorClass], help_text="0 none, 1 light, 2 severe")
    source = models.CharField(max_length=8, choices=ObservationSource.choices)
    observer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="water_observations")
    grid_code = models.CharField(max_length=15, blank=True)
    event = models.ForeignKey(Event, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="water_observations", help_text="the event a black-odorous result opened")

    class Meta:
        ordering = ["-observed_at"]
        indexes = [models.Index(fields=["water_body", "observed_at"]), models.Index(fields=["grid_code"])]


class ChiefLevel(models.TextChoices):
    DISTRICT = "district", _("district river chief")
    STREET = "street", _("street river chief")
    COMMUNITY = "community", _("village or community river chief")


class RiverChief(models.Model):
    """A person responsible for a water body under the river-chief system (河长制), at one level.

    The grid worker of each grid the body touches is responsible too; that
    comes from the grid workers' roles, not from here.
    """

    water_body = models.ForeignKey(WaterBody, on_delete=models.CASCADE, related_name="chiefs")
    level = models.CharField(max_length=16, choices=ChiefLevel.choices)
    name = models.CharField(max_length=64)
    phone = models.CharField(max_length=32, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="river_chief_of")

    class Meta:
        ordering = ["water_body", "level", "name"]
        constraints = [models.UniqueConstraint(fields=["water_body", "level", "name"], name="river_chief_unique")]


class PatrolRule(models.Model):
    """How often and how long a water body under a warning level must be patrolled (巡河).

    Rules are data, edited by admins. ``source`` says where the values come
    from; empty means a local setting, not from a standard, set by the district.
    The default for a body without warning is from《广州市河长湖长巡查河湖指导意见》
    (Guangzhou river chief office, 2021, as reported by 广州日报 2021-07-06):
    village-level river chiefs patrol such a body at least one day in each
    旬 (ten-day period; approximated here as every 10 days), each patrol at
    least 10 minutes and 1 km. The same document raises the frequency for
    yellow, orange and red warnings, but the reports found do not give those
    frequencies: the defaults for them (every 5, 3 and 1 days) are local
    settings.
    """

    warning_level = models.CharField(max_length=8, choices=WarningLevel.choices, unique=True)
    every_days = models.PositiveSmallIntegerField()
    min_minutes = models.PositiveSmallIntegerField()
    min_km = models.FloatField()
    source = models.CharField(max_length=300, blank=True,
                              help_text="the document the values come from; empty: a local setting, not from a "
                                        "standard, set by the district")

    def __str__(self) -> str:
        return f"{self.warning_level}: every {self.every_days} d, ≥ {self.min_minutes} min, ≥ {self.min_km} km"


class Patrol(models.Model):
    """One patrol of a water body (or of the worker's grid) with its cleaned GPS track.

    ``track`` holds the kept fixes (GPS jumps dropped, counted in
    ``dropped_fixes``); ``compliant`` says whether it meets the body's rule
    at the time it was recorded.
    """

    worker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="patrols")
    water_body = models.ForeignKey(WaterBody, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="patrols")
    grid_code = models.CharField(max_length=15, blank=True)
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField()
    track = models.LineStringField(srid=STORAGE_SRID)
    length_m = models.FloatField()
    duration_s = models.FloatField()
    dropped_fixes = models.PositiveIntegerField(default=0)
    compliant = models.BooleanField()
    client_id = models.CharField(max_length=64, help_text="the phone's id for this patrol: a resend is stored once")
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-started_at"]
        constraints = [models.UniqueConstraint(fields=["worker", "client_id"], name="patrol_client_id_unique")]
        indexes = [models.Index(fields=["water_body", "started_at"])]
