"""Pages of the water app: the water body's file (一河一档) and the worker's patrol recorder."""

from django.http import Http404
from django.shortcuts import render

from gridmgmt.accounts.models import Role
from gridmgmt.water.selectors import water_bodies_of_worker, water_body_file
from gridmgmt.web.roles import role_required

any_role = role_required(*Role.values)


@any_role
def water_body_page(request, code: str):
    """Anyone with a role reads the file; the cases in it are limited to their jurisdiction."""
    file = water_body_file(code=code, user=request.user)
    if file is None:
        raise Http404(code)
    return render(request, "water/body.html", file)


@role_required(Role.GRID_WORKER)
def patrol_page(request):
    """The worker's patrol recorder (frontend/static/js/patrol.js): tracks kept on the phone until sent."""
    return render(request, "water/patrol.html", {"bodies": water_bodies_of_worker(request.user)})
