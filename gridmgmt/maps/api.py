"""Map-layer API of the dashboard, medical and traffic views (GeoJSON, WGS84, lng/lat).

Case and report layers need a role that sees by area (see
:mod:`gridmgmt.maps.scope`): others get 403, not an empty map that looks
like a quiet district.
"""

from datetime import timedelta

from django.http import HttpResponse
from django.middleware.gzip import GZipMiddleware
from django.utils import timezone
from django.utils.cache import get_conditional_response, set_response_etag
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response

from gridmgmt.api_params import int_param
from gridmgmt.areas.api import BBOX, GEOJSON, PRECISION, LayerView, geojson_response
from gridmgmt.maps import selectors
from gridmgmt.maps.scope import area_scope_of
from spatial.hexbins import resolution_for_zoom

GEOJSON_RESPONSE = {(200, GEOJSON): OpenApiTypes.OBJECT}


class HasAreaScope(BasePermission):
    message = "map layers of cases and reports need a role that sees by area (grid, community, street or district)"

    def has_permission(self, request, view):
        return request.user.is_authenticated and not area_scope_of(request.user).empty


_gzip = GZipMiddleware(lambda request: None)


def conditional_layer(request, response):
    """A GeoJSON layer answered so that a refresh that changes nothing moves almost nothing.

    The ETag is a hash of the body; ``Cache-Control: private, no-cache`` makes
    the browser ask again every time with ``If-None-Match``, and an unchanged
    layer is a 304 with no body. A changed layer is gzipped when the client
    accepts it (GeoJSON outlines shrink about 4×).
    """
    if request.method != "GET" or response.status_code != 200:
        return response
    if isinstance(response, Response):
        response.render()  # DRF renders after this hook; the ETag needs the bytes now
    elif type(response) is not HttpResponse:
        return response
    response["Cache-Control"] = "private, no-cache"
    set_response_etag(response)
    unchanged = get_conditional_response(request, etag=response["ETag"], response=response)
    return unchanged if unchanged.status_code == 304 else _gzip.process_response(request, response)


class ConditionalLayerView(LayerView):
    def finalize_response(self, request, response, *args, **kwargs):
        return conditional_layer(request, super().finalize_response(request, response, *args, **kwargs))


class ScopedLayerView(ConditionalLayerView):
    permission_classes = [IsAuthenticated, HasAreaScope]

    def scope(self, request):
        return area_scope_of(request.user)


class OpenCasesByGrid(ScopedLayerView):
    @extend_schema(parameters=[BBOX, PRECISION], responses=GEOJSON_RESPONSE,
                   summary="Active grids with their number of open cases (choropleth)")
    def get(self, request):
        return geojson_response(selectors.open_cases_by_grid_layer(scope=self.scope(request),
                                                                   **self.layer_args(request)))


class ReportHexbins(ScopedLayerView):
    @extend_schema(parameters=[BBOX, PRECISION,
                               OpenApiParameter("zoom", int, description="Map zoom 0–22; picks the H3 resolution"),
                               OpenApiParameter("days", int, description="Reports of the last N days (default 30)")],
                   responses=GEOJSON_RESPONSE,
                   summary="Report density: reports per H3 hexagon, resolution chosen by zoom")
    def get(self, request):
        zoom = int_param(request.query_params, "zoom", default=13, low=0, high=22)
        days = int_param(request.query_params, "days", default=30, low=1, high=3660)
        resolution = resolution_for_zoom(zoom)
        collection = selectors.report_hexbins(scope=self.scope(request), resolution=resolution,
                                              since=timezone.now() - timedelta(days=days),
                                              **self.layer_args(request))
        return Response({**collection, "resolution": resolution}, content_type=GEOJSON)


class GridSummaryView(ScopedLayerView):
    @extend_schema(responses=OpenApiTypes.OBJECT,
                   summary="A grid's code, households, grid workers and open cases (dashboard click)")
    def get(self, request, code: str):
        summary = selectors.grid_summary(scope=self.scope(request), code=code)
        if summary is None:
            raise NotFound(f"grid {code} not found")
        return Response({
            "code": summary.code, "community": summary.community, "street": summary.street,
            "households": summary.households, "residents": summary.residents, "workers": summary.workers,
            "open_cases": summary.open_cases, "by_status": summary.by_status,
            "latest": [{"id": c.pk, "status": c.status, "class": str(c.small_class),
                        "deadline": c.deadline} for c in summary.latest]})


class TrafficCases(ScopedLayerView):
    @extend_schema(parameters=[BBOX, PRECISION], responses=GEOJSON_RESPONSE,
                   summary="Open cases of the traffic classes (02 road traffic, 22 traffic management) as points")
    def get(self, request):
        return geojson_response(selectors.traffic_case_layer(scope=self.scope(request), **self.layer_args(request)))


class HealthFacilities(ConditionalLayerView):
    @extend_schema(parameters=[BBOX, PRECISION], responses=GEOJSON_RESPONSE,
                   summary="Health facilities (hospitals, clinics, pharmacies) as points")
    def get(self, request):
        return geojson_response(selectors.health_facility_layer(**self.layer_args(request)))


class Roads(ConditionalLayerView):
    @extend_schema(parameters=[BBOX, PRECISION], responses=GEOJSON_RESPONSE,
                   summary="Road segments with name and highway class")
    def get(self, request):
        return geojson_response(selectors.road_layer(**self.layer_args(request)))
