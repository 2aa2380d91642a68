"""Pages shared by every role: the landing redirect, the service worker, the district outline layer."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from gridmgmt.web.roles import home_for
from gridmgmt.web.selectors import district_layer


@login_required
def landing(request):
    """Sends each user to the home of their first role; without a role, says so instead of a blank page."""
    home = home_for(request.user)
    if home:
        return redirect(home)
    return render(request, "web/no_role.html", status=403)


@require_GET
def service_worker(request):
    """sw.js from the site root: a worker's scope cannot be wider than the folder it is served from."""
    response = FileResponse(open(finders.find("sw.js"), "rb"), content_type="application/javascript")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"  # a new version must reach devices on the next visit
    return response


@require_GET
def district_geojson(request):
    """The district outline; the areas API serves streets and communities but no district layer."""
    return HttpResponse(district_layer(precision=settings.GEOJSON_PRECISION), content_type="application/geo+json")
