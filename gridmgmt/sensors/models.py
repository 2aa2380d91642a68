"""Live environmental sensors (环境监测), their readings kept hourly, and exceedance episodes.

Storage CRS is WGS84 (:data:`gridmgmt.geo.STORAGE_SRID`). Limits and units
per kind are in :mod:`gridmgmt.sensors.standards`.
"""

from django.contrib.gis.db import models
from django.contrib.postgres.indexes import BrinIndex

from gridmgmt.events.models import Event
from gridmgmt.geo import STORAGE_SRID
from gridmgmt.sensors.standards import NOISE_LIMITS_DBA, SensorKind, limit_for


class Sensor(models.Model):
    """A monitor at a fixed point, located in its grid when it is registered.

    ``threshold`` overrides the standard's limit (for noise: the day limit);
    ``key_hash`` is the sha256 of the key the sensor sends over HTTP
    (``X-Sensor-Key``). The last reading and the open episode are the
    sensor's state: an episode opens on the first reading above the limit
    and closes on the first one back at or below it (a reading above again
    within ``SENSOR_EPISODE_RESUME_MINUTES`` of its end resumes it).
    """

    code = models.SlugField(max_length=64, unique=True, help_text="also the MQTT topic segment")
    name = models.CharField(max_length=128, blank=True)
    kind = models.CharField(max_length=24, choices=[(k.value, k.value) for k in SensorKind])
    location = models.PointField(srid=STORAGE_SRID)
    grid_code = models.CharField(max_length=15, blank=True)
    community_code = models.CharField(max_length=12)
    street_code = models.CharField(max_length=9)
    noise_zone_class = models.CharField(max_length=2, blank=True,
                                        choices=[(c, c) for c in NOISE_LIMITS_DBA], help_text="GB 3096-2008")
    threshold = models.FloatField(null=True, blank=True, help_text="in the kind's unit; empty = the standard's")
    key_prefix = models.CharField(max_length=8, blank=True)
    key_hash = models.CharField(max_length=64, blank=True, db_index=True)
    active = models.BooleanField(default=True)
    last_value = models.FloatField(null=True, blank=True)
    last_reading_at = models.DateTimeField(null=True, blank=True)
    open_episode = models.OneToOneField("SensorEpisode", on_delete=models.SET_NULL, null=True, blank=True,
                                        related_name="+")

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code

    def clean(self):
        from django.core.exceptions import ValidationError
        try:
            self.limit()
        except ValueError as exc:
            raise ValidationError({"threshold": str(exc)}) from None

    def limit(self):
        return limit_for(self.kind, threshold=self.threshold, noise_zone_class=self.noise_zone_class)


class SensorHour(models.Model):
    """Readings of one sensor in one clock hour (UTC), kept instead of every reading.

    A sensor sending every 10 s makes 8,760 rows a year here instead of
    3.2 million; the mean, extremes and the count above the limit are what
    the daily-mean standards and the reports need.
    """

    # No index of its own: sensor_hour_unique (sensor, hour) serves lookups by sensor, and every index
    # costs on the consumer's per-batch upsert.
    sensor = models.ForeignKey(Sensor, on_delete=models.CASCADE, related_name="hours", db_index=False)
    hour = models.DateTimeField()
    count = models.PositiveIntegerField()
    value_sum = models.FloatField()
    value_min = models.FloatField()
    value_max = models.FloatField()
    exceeding_count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["sensor", "hour"], name="sensor_hour_unique")]

    @property
    def mean(self) -> float:
        return self.value_sum / self.count


class SensorReadingKey(models.Model):
    """A reading stored, by its identity: the sensor and the time it was measured (one sensor measures one
    quantity, its kind, so the quantity is the sensor's).

    Only hourly aggregates are kept, so a reading sent again (an MQTT QoS 1
    redelivery, a device resending after a lost PUBACK, an HTTP batch posted
    twice) can only be recognised here: its key is inserted with the batch
    (ON CONFLICT DO NOTHING) and only the readings whose key is new reach the
    hourly rows and the episodes. ``value`` tells a repetition (same value:
    a duplicate, changes nothing) from a conflict (another value for the same
    reading: refused, the stored one stands). Readings without a device time
    (dated at receipt) have no identity and no key. Keys are kept for
    ``SENSOR_MAX_READING_AGE_DAYS``: an older reading is refused by age
    anyway (:func:`gridmgmt.sensors.ingest.reading_keys_forget`, hourly).
    """

    # The primary key is the identity: its index is the one unique check (no surrogate id to index too).
    pk = models.CompositePrimaryKey("sensor", "measured_at")
    # No foreign-key constraint: its check is a query per inserted key at commit (2,000 a batch), and keys
    # are only written for sensors the same transaction holds locked. Django still deletes them with the sensor.
    sensor = models.ForeignKey(Sensor, on_delete=models.CASCADE, related_name="+", db_index=False,
                               db_constraint=False)
    measured_at = models.DateTimeField()
    value = models.FloatField()

    class Meta:
        # Keys arrive roughly in time order: a BRIN index (a few pages) serves the hourly delete by age.
        indexes = [BrinIndex(fields=["measured_at"], name="sensor_reading_key_age")]


class SensorEpisode(models.Model):
    """One exceedance: from the first reading above the limit to the first back below; one event.

    Above the limit again within ``SENSOR_EPISODE_RESUME_MINUTES`` of its end, it is resumed (``ended_at``
    emptied): a value wavering around the limit is one exceedance, one event.
    """

    sensor = models.ForeignKey(Sensor, on_delete=models.CASCADE, related_name="episodes")
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    peak_value = models.FloatField()
    readings = models.PositiveIntegerField(default=1, help_text="readings above the limit in the episode")
    event = models.ForeignKey(Event, on_delete=models.PROTECT, null=True, blank=True, related_name="sensor_episodes")

    class Meta:
        ordering = ["-started_at"]
        constraints = [models.UniqueConstraint(fields=["sensor"], condition=models.Q(ended_at__isnull=True),
                                               name="sensor_one_open_episode")]
