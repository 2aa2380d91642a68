from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from gridmgmt.areas import api as areas_api
from gridmgmt.events.photo_view import photo_download
from gridmgmt.grids import api as grids_api
from gridmgmt.water import urls as water_urls

api_patterns = [
    path("streets/", areas_api.StreetLayer.as_view(), name="street-layer"),
    path("communities/", areas_api.CommunityLayer.as_view(), name="community-layer"),
    path("buildings/", areas_api.BuildingLayer.as_view(), name="building-layer"),
    path("grids/", grids_api.GridLayer.as_view(), name="grid-layer"),
    path("locate", areas_api.LocateView.as_view(), name="locate"),
    path("", include("gridmgmt.cases.urls")),
    path("maps/", include("gridmgmt.maps.urls")),
    path("sensors/", include("gridmgmt.sensors.urls")),
    path("duties/", include("gridmgmt.duties.urls")),
    path("", include(water_urls.api_urlpatterns)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include(api_patterns)),
    path("api/", include("gridmgmt.events.urls")),
    path("open311/v2/", include("gridmgmt.open311.urls")),
    # Every stored photo's .url lands here: served after a jurisdiction check (gridmgmt.events.photo_view).
    path(settings.MEDIA_URL.lstrip("/") + "<path:name>", photo_download, name="photo"),
    path("", include("gridmgmt.ops.urls")),
    path("", include(water_urls.page_urlpatterns)),
    path("duties/", include("gridmgmt.duties.page_urls")),
    path("gis/", include("gridmgmt.gis.urls")),
    path("", include("gridmgmt.web.urls")),
]
