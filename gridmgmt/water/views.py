"""Pages of the water app: the water body's file (一河一档)."""

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render

from gridmgmt.accounts.models import Role
from gridmgmt.water.selectors import water_body_file, water_bodies_of_worker
from gridmgmt.web.roles import role_required, roles_of


def water_body_page(request, code: str):
    """Anyone with a role reads the file; the cases in it are limited to their jurisdiction."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not (roles_of(request.user) or request.user.is_superuser):
        raise PermissionDenied
    file = water_body_file(code=code, user=request.user)
    if file is None:
        raise Http404(code)
    return render(request, "water/body.html", file)


@role_required(Role.GRID_WORKER)
def patrol_page(request):
    """The worker's patrol recorder (frontend/static/js/patrol.js): tracks kept on the phone until sent."""
    return render(request, "water/patrol.html", {"bodies": water_bodies_of_worker(request.user)})
