"""The map pages: the dashboard (open cases per grid, report density), the medical, traffic, water and environment views.

The pages are frames; their layers come from the maps API (/api/maps/…),
which applies the reader's area scope.
"""

from functools import wraps

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from gridmgmt.accounts.models import Role
from gridmgmt.maps.scope import area_scope_of
from gridmgmt.maps.sensor_view import SENSOR_TYPES
from gridmgmt.web.roles import role_required

# The environment view's type filter, labelled in the reader's language.
SENSOR_TYPE_LABELS = list(zip(SENSOR_TYPES, [_("Air (PM2.5, PM10)"), _("Noise"), _("Construction dust"),
                                             _("Water level"), _("Water quality")], strict=True))


def area_scope_required(view):
    """Signed in (else sign-in page) with a role that sees by area (else 403): see gridmgmt.maps.scope."""

    @wraps(view)
    def guarded(request, *args, **kwargs):
        if area_scope_of(request.user).empty:
            raise PermissionDenied(_("These maps show the cases, reports and duties of an area (a community, a "
                                     "street or the district); none of your roles covers an area."))
        return view(request, *args, **kwargs)

    return role_required(*Role.values)(guarded)


# (mode, url name, tab label, page title): the tabs of every map page, in this order.
VIEWS = [
    ("dashboard", "web:dashboard", _("Cases and reports"), _("Dashboard")),
    ("medical", "web:dashboard-medical", _("Medical"), _("Medical view")),
    ("traffic", "web:dashboard-traffic", _("Traffic"), _("Traffic view")),
    ("water", "web:dashboard-water", _("Water"), _("Water view")),
    ("environment", "web:dashboard-environment", _("Environment"), _("Environment view")),
]


def _page(request, mode: str):
    """One template, one set of layers per view (dashboard.js reads ``mode``)."""
    tabs = [{"mode": m, "url": reverse(name), "label": label, "current": m == mode} for m, name, label, _t in VIEWS]
    title = next(t for m, _n, _l, t in VIEWS if m == mode)
    return render(request, "dashboard/map.html", {
        "mode": mode, "title": title, "tabs": tabs, "sensor_types": SENSOR_TYPE_LABELS,
        "refresh_seconds": settings.GRIDMGMT_DASHBOARD_REFRESH_SECONDS})


def _view(mode: str):
    @require_GET
    @area_scope_required
    def view(request):
        return _page(request, mode)

    view.__name__ = mode
    return view


dashboard, medical, traffic, water, environment = (_view(mode) for mode, *_rest in VIEWS)
