"""The audit trail of geometry and base-data changes made by people (issue 13, point 5)."""

from django.conf import settings
from django.db import models


class ChangeKind(models.TextChoices):
    BOUNDARY = "boundary", "boundary"
    GRID = "grid", "grid"
    BUILDING = "building", "building"
    COMPONENT = "component", "component"


class ChangeRecord(models.Model):
    """Who changed what, when, why, and the state before and after (GeoJSON geometries in WGS84).

    ``code`` is the area or grid code the change is filed under (an area's
    12- or 9-digit code, a community's code for a grid edit), so the history
    of one area or one grid is a filter on it. ``before``/``after`` are JSON
    objects: ``{"<code>": <GeoJSON geometry or attributes>}``.
    """

    kind = models.CharField(max_length=16, choices=ChangeKind.choices)
    action = models.CharField(max_length=32, help_text="edit, split, merge, undo, ...")
    code = models.CharField(max_length=15, db_index=True)
    codes = models.JSONField(default=list, help_text="Every area or grid code the change touched")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="gis_changes")
    at = models.DateTimeField(auto_now_add=True)
    reason = models.CharField(max_length=500)
    before = models.JSONField(default=dict)
    after = models.JSONField(default=dict)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} {self.action} {self.kind} {self.code}"
