"""The administrative hierarchy: district (区) → street (街道) → community (社区).

Each level carries its official code (GB/T 2260 + GB/T 10114: 6 + 3 + 3
digits) and its current boundary; every boundary ever loaded is also kept in
:class:`BoundaryVersion` with its validity dates, so "what was the boundary on
date D" stays answerable after an edit (MapIt's generations, DB11/T 2157's
start and end dates).
"""

from datetime import date

from django.contrib.gis.db import models

from gridmgmt.geo import STORAGE_SRID


class AreaQuerySet(models.QuerySet):
    def covering(self, point):
        """Areas whose current boundary covers ``point`` (a seam point matches both sides)."""
        return self.filter(boundary__covers=point)


class AdminArea(models.Model):
    code = models.CharField(max_length=12, unique=True)
    name = models.CharField(max_length=64, help_text="Official Chinese name, suffix normalised")
    name_en = models.CharField(max_length=128, blank=True)
    boundary = models.MultiPolygonField(srid=STORAGE_SRID, spatial_index=True)
    boundary_version = models.PositiveIntegerField(default=1)
    boundary_valid_from = models.DateField(default=date.today)

    objects = AreaQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class District(AdminArea):
    """A county-level district (区), e.g. 440104 越秀区."""


class Street(AdminArea):
    """A street (街道), 9-digit code: district + 3 digits."""

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="streets")
    population = models.PositiveIntegerField(null=True, blank=True)


class Community(AdminArea):
    """A community (社区居委会), 12-digit code: street + 3 digits."""

    street = models.ForeignKey(Street, on_delete=models.PROTECT, related_name="communities")

    class Meta(AdminArea.Meta):
        verbose_name_plural = "communities"


class BoundaryLevel(models.TextChoices):
    DISTRICT = "district", "district"
    STREET = "street", "street"
    COMMUNITY = "community", "community"


class BoundaryVersionQuerySet(models.QuerySet):
    def on(self, day: date):
        """Versions valid on ``day`` (valid_from ≤ day < valid_to)."""
        return self.filter(valid_from__lte=day).filter(
            models.Q(valid_to__isnull=True) | models.Q(valid_to__gt=day)
        )

    def covering(self, point):
        return self.filter(geometry__covers=point)


class BoundaryVersion(models.Model):
    """One boundary of one area over a period; ``valid_to`` null = current."""

    level = models.CharField(max_length=16, choices=BoundaryLevel.choices)
    code = models.CharField(max_length=12)
    version = models.PositiveIntegerField()
    name = models.CharField(max_length=64)
    geometry = models.MultiPolygonField(srid=STORAGE_SRID, spatial_index=True)
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)
    source = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = BoundaryVersionQuerySet.as_manager()

    class Meta:
        ordering = ["level", "code", "version"]
        constraints = [
            models.UniqueConstraint(fields=["level", "code", "version"], name="boundary_version_unique"),
        ]
        indexes = [models.Index(fields=["level", "code"])]

    def __str__(self) -> str:
        return f"{self.level} {self.code} v{self.version}"


class HouseholdsSource(models.TextChoices):
    TAG = "tag", "OSM building:flats"
    ESTIMATE = "estimate", "estimate from the footprint"
    COUNT = "count", "counted (imported from a register or survey)"


class BuildingQuerySet(models.QuerySet):
    def in_community(self, community):
        return self.filter(community=community)


class Building(models.Model):
    """A building with its households; grids are built from these (四标四实: real houses)."""

    community = models.ForeignKey(
        Community, on_delete=models.SET_NULL, null=True, blank=True, related_name="buildings"
    )
    location = models.PointField(srid=STORAGE_SRID, spatial_index=True, help_text="Representative point")
    footprint = models.PolygonField(srid=STORAGE_SRID, null=True, blank=True, spatial_index=True)
    households = models.PositiveIntegerField(default=0)
    # Where the count came from, so a real count is never overwritten by an estimate.
    households_source = models.CharField(
        max_length=8, choices=HouseholdsSource.choices, default=HouseholdsSource.ESTIMATE)
    population = models.PositiveIntegerField(default=0)
    address = models.CharField(max_length=255, blank=True)
    source = models.CharField(max_length=32, help_text="demo, osm, import, ...")
    source_id = models.CharField(max_length=64, help_text="Identifier within the source")

    objects = BuildingQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["source", "source_id"], name="building_source_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.source}:{self.source_id} ({self.households} hh)"


class Department(models.Model):
    """A responsible unit (责任单位) that handles dispatched cases."""

    code = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=64)
    name_en = models.CharField(max_length=128, blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Road(models.Model):
    """A road segment, from OSM: grid cut line and traffic-view layer."""

    osm_id = models.BigIntegerField(unique=True)
    name = models.CharField(max_length=128, blank=True)
    highway = models.CharField(max_length=32)
    geometry = models.LineStringField(srid=STORAGE_SRID, spatial_index=True)

    def __str__(self) -> str:
        return self.name or f"way {self.osm_id}"


class LinearBarrier(models.Model):
    """A river, canal, stream or railway line, from OSM (tunnels and culverts left out): a grid cut line
    beside the roads, so grids end at the water or the track instead of crossing it."""

    osm_id = models.BigIntegerField(unique=True)
    name = models.CharField(max_length=128, blank=True)
    key = models.CharField(max_length=16, help_text="waterway or railway")
    value = models.CharField(max_length=32, help_text="the OSM value: river, canal, stream, rail, ...")
    geometry = models.LineStringField(srid=STORAGE_SRID, spatial_index=True)

    def __str__(self) -> str:
        return self.name or f"way {self.osm_id} ({self.key}={self.value})"


class HealthFacility(models.Model):
    """A hospital, clinic, doctor or pharmacy, from OSM: the medical view's layer."""

    osm_type = models.CharField(max_length=8, default="node", help_text="node, way or relation: OSM ids are unique per type")
    osm_id = models.BigIntegerField()
    name = models.CharField(max_length=128, blank=True)
    kind = models.CharField(max_length=32)
    location = models.PointField(srid=STORAGE_SRID, spatial_index=True)

    class Meta:
        verbose_name_plural = "health facilities"
        constraints = [models.UniqueConstraint(fields=["osm_type", "osm_id"], name="health_facility_osm_unique")]

    def __str__(self) -> str:
        return self.name or f"{self.kind} {self.osm_id}"
