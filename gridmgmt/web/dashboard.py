"""The map pages: the dashboard (open cases per grid, report density), the medical and the traffic view.

The pages are frames; their layers come from the maps API (/api/maps/…),
which applies the reader's area scope.
"""

from functools import wraps

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.views.decorators.http import require_GET

from gridmgmt.accounts.models import Role
from gridmgmt.maps.scope import area_scope_of
from gridmgmt.web.roles import role_required


def area_scope_required(view):
    """Signed in (else sign-in page) with a role that sees by area (else 403): see gridmgmt.maps.scope."""

    @wraps(view)
    def guarded(request, *args, **kwargs):
        if area_scope_of(request.user).empty:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return role_required(*Role.values)(guarded)


def _page(request, mode: str):
    """One template, three sets of layers (dashboard.js reads ``mode``)."""
    return render(request, "dashboard/map.html", {
        "mode": mode, "refresh_seconds": settings.GRIDMGMT_DASHBOARD_REFRESH_SECONDS})


@require_GET
@area_scope_required
def dashboard(request):
    return _page(request, "dashboard")


@require_GET
@area_scope_required
def medical(request):
    return _page(request, "medical")


@require_GET
@area_scope_required
def traffic(request):
    return _page(request, "traffic")
