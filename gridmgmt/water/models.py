"""Small and micro water bodies (小微水体) and their water-quality observations.

Storage CRS is WGS84 (:data:`gridmgmt.geo.STORAGE_SRID`).
"""

from django.conf import settings
from django.contrib.gis.db import models

from gridmgmt.events.models import Event
from gridmgmt.geo import STORAGE_SRID
from gridmgmt.water.quality import BlackOdorClass


class WaterBodyKind(models.TextChoices):
    RIVER = "river", "河流 river"
    STREAM = "stream", "溪流 stream"
    CANAL = "canal", "渠 canal"
    DITCH = "ditch", "沟 ditch"
    DRAIN = "drain", "排水渠 drain"
    POND = "pond", "塘 pond"
    LAKE = "lake", "湖 lake"
    OTHER = "other", "其他 other"


class WaterBody(models.Model):
    """A river, stream, canal, ditch or pond: the unit of the river-chief system (一河一档).

    ``geometry`` is a line (waterways) or a polygon (ponds, lakes, wide rivers).
    """

    code = models.CharField(max_length=32, unique=True, help_text="osm:way/123 for OSM features, else the source's id")
    name = models.CharField(max_length=128, blank=True)
    kind = models.CharField(max_length=16, choices=WaterBodyKind.choices)
    geometry = models.GeometryField(srid=STORAGE_SRID, spatial_index=True)
    source = models.CharField(max_length=64, help_text="osm, or the GeoJSON file it came from")

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
