"""Places a person can name: standard addresses, building names, points of interest (地理编码 gazetteer)."""

from django.contrib.gis.db import models
from django.contrib.postgres.indexes import GinIndex

STORAGE_SRID = 4326


class PlaceKind(models.TextChoices):
    ADDRESS = "address", "standard address (标准地址)"
    BUILDING = "building", "building (建筑物)"
    POI = "poi", "place of interest (兴趣点)"


class Place(models.Model):
    """One searchable name at a WGS84 point; ``name`` and ``address`` carry trigram GIN indexes (pg_trgm)."""

    kind = models.CharField(max_length=16, choices=PlaceKind.choices)
    name = models.CharField(max_length=200)
    address = models.CharField(max_length=255, blank=True)
    location = models.PointField(srid=STORAGE_SRID)
    source = models.CharField(max_length=32, help_text="csv, buildings, osm, ...")
    source_id = models.CharField(max_length=64, help_text="Identifier within the source")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["source", "source_id"], name="place_source_unique")]
        indexes = [
            GinIndex(fields=["name"], name="place_name_trgm", opclasses=["gin_trgm_ops"]),
            GinIndex(fields=["address"], name="place_address_trgm", opclasses=["gin_trgm_ops"]),
        ]

    def __str__(self) -> str:
        return self.name
