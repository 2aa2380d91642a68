"""Results of the grid duties kept for the views and reports.

:class:`GridCoverage`: the medical-coverage figure of one grid (the share of
its households within a 15-minute walk of a health facility), recomputed as
a whole by :func:`gridmgmt.duties.coverage.coverage_compute`.
"""

from django.db import models


class GridCoverage(models.Model):
    grid_code = models.CharField(max_length=15, unique=True)
    households = models.PositiveIntegerField()
    households_within = models.PositiveIntegerField()
    share = models.FloatField(null=True, help_text="households_within / households; null for a grid without households")
    walk_limit_m = models.FloatField()
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ["share", "grid_code"]


class MonthlyReport(models.Model):
    """A monthly map report (self-contained HTML, and its PDF) for a street or the district."""

    level = models.CharField(max_length=8, choices=[("district", "district"), ("street", "street")])
    area_code = models.CharField(max_length=9)
    month = models.DateField(help_text="first day of the month")
    html_name = models.CharField(max_length=255, help_text="name in the default storage")
    pdf_name = models.CharField(max_length=255, blank=True)
    built_at = models.DateTimeField()

    class Meta:
        ordering = ["-month", "level", "area_code"]
        constraints = [models.UniqueConstraint(fields=["level", "area_code", "month"], name="monthly_report_unique")]
