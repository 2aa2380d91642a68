"""The grid's file (一格一档): everything the departments know about one grid, joined by its code.

Households and buildings (areas), grid workers (accounts), cases by class
and by month (cases, limited to the reader's jurisdiction: a department
reads its own duty's cases), health facilities, water bodies with their
patrol state, sensors with their last reading, and medical coverage.
"""

from datetime import timedelta

from django.db.models import Count, F
from django.db.models.functions import TruncMonth
from django.utils import timezone

from gridmgmt.accounts.jurisdiction import scope_of
from gridmgmt.accounts.models import Role
from gridmgmt.accounts.selectors import users_with_role
from gridmgmt.areas.models import Building, HealthFacility
from gridmgmt.cases.models import Case
from gridmgmt.duties.models import GridCoverage
from gridmgmt.grids.models import Grid
from gridmgmt.sensors.models import Sensor
from gridmgmt.water.models import WaterBody
from gridmgmt.water.patrols import patrol_statuses

TREND_MONTHS = 6


def grid_file(*, code: str, user) -> dict | None:
    """The grid's file for ``user``; None when no active grid has ``code``.

    ``cases_by_class``: rows {code, name, name_en, n} of the small classes,
    most cases first; ``cases_by_month``: rows {month (first day), n} of the
    last :data:`TREND_MONTHS` months that have cases.
    """
    grid = Grid.objects.active().select_related("community__street").filter(code=code).first()
    if grid is None:
        return None
    cases = scope_of(user).cases(Case.objects.filter(grid_code=code))
    since = (timezone.localdate().replace(day=1) - timedelta(days=31 * (TREND_MONTHS - 1))).replace(day=1)
    bodies = WaterBody.objects.filter(geometry__intersects=grid.polygon)
    return {
        "grid": grid,
        "buildings": Building.objects.filter(location__within=grid.polygon).count(),
        "workers": users_with_role(Role.GRID_WORKER, grid_code=code),
        "cases_by_class": cases.values(code=F("small_class__code"), name=F("small_class__name"),
                                       name_en=F("small_class__name_en"))
                               .annotate(n=Count("id")).order_by("-n", "code"),
        "cases_by_month": cases.filter(received_at__date__gte=since).annotate(month=TruncMonth("received_at"))
                               .values("month").annotate(n=Count("id")).order_by("month"),
        "facilities": HealthFacility.objects.filter(location__within=grid.polygon).order_by("kind", "name"),
        "water": patrol_statuses(bodies=bodies),
        "sensors": Sensor.objects.filter(grid_code=code).select_related("open_episode").order_by("code"),
        "coverage": GridCoverage.objects.filter(grid_code=code).first(),
    }
