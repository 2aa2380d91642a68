"""``manage.py compute_coverage``: recompute every grid's medical coverage (15-minute walk)."""

from django.core.management.base import BaseCommand

from gridmgmt.duties.coverage import coverage_compute, worst_served


class Command(BaseCommand):
    help = "Share of each grid's households within a 15-minute walk (1,080 m on the road network) of a health facility."

    def handle(self, *args, **opts):
        summary = coverage_compute()
        self.stdout.write(f"{summary.grids} grids, {summary.roads} road segments, {summary.facilities} facilities: "
                          f"{summary.households_within:,} of {summary.households:,} households within the walk "
                          f"({summary.share:.1%})")
        for row in worst_served(5):
            self.stdout.write(f"  worst: {row.grid_code} {row.share:.0%} of {row.households} households")
