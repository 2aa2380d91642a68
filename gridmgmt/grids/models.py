"""Grids (网格): household-balanced units of a community, one grid worker each.

Grids come in generations: generating builds an inactive generation for some
communities; activating it switches those communities' grids over atomically.
Grids of earlier generations stay readable, and events or cases keep a foreign
key to the grid they were made in.
"""

from django.contrib.gis.db import models

from gridmgmt.areas.models import Community
from gridmgmt.geo import STORAGE_SRID


class GridGeneration(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    activated_at = models.DateTimeField(null=True, blank=True)
    target_households = models.PositiveIntegerField()
    code_digits = models.PositiveSmallIntegerField(help_text="2 = 14-digit CJ/T 213, 3 = 15-digit DB11/T 2157")
    note = models.CharField(max_length=255, blank=True)
    # What its last activation did to grid workers (``gridmgmt.grids.succession.Succession.as_json``).
    succession = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        state = "active" if self.activated_at else "inactive"
        return f"generation {self.pk} ({state})"


class GridQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)

    def covering(self, point):
        return self.filter(polygon__covers=point)


class Grid(models.Model):
    generation = models.ForeignKey(GridGeneration, on_delete=models.PROTECT, related_name="grids")
    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="grids")
    code = models.CharField(max_length=15, help_text="Community code + 2- or 3-digit sequence")
    sequence = models.PositiveSmallIntegerField()
    polygon = models.PolygonField(srid=STORAGE_SRID, spatial_index=True)
    households = models.PositiveIntegerField()
    residents = models.PositiveIntegerField()
    area_m2 = models.FloatField()
    active = models.BooleanField(default=False)
    # The code's life (DB11/T 2157 start and end dates): valid_from is when the
    # code first became active, carried over while the grid survives
    # regenerations; valid_to is when this row stopped being active.
    valid_from = models.DateTimeField(null=True, blank=True)
    valid_to = models.DateTimeField(null=True, blank=True)

    objects = GridQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["generation", "code"], name="grid_code_unique_in_generation"),
            # At most one active grid per code: the code is the shared key across departments.
            models.UniqueConstraint(
                fields=["code"], condition=models.Q(active=True), name="grid_code_unique_active"
            ),
        ]
        indexes = [models.Index(fields=["community", "active"])]

    def __str__(self) -> str:
        return self.code
