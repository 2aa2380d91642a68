"""Map-layer API of the dashboard, medical and traffic views (GeoJSON and JSON in WGS84, lng/lat; vector tiles).

Case and report layers (open cases per grid as GeoJSON, vector tiles and
summary; report hexagons; traffic cases; a grid's summary) need a role that
sees by area (see :mod:`gridmgmt.maps.scope`): others get 403, not an empty
map that looks like a quiet district. Reference layers (area labels,
buildings, health facilities, roads) are open like the other area layers.
Every layer answers conditionally (:func:`conditional_layer`): polled
layers compute their version before building (:mod:`gridmgmt.maps.versions`).
"""

import hashlib
from datetime import timedelta

from django.http import HttpResponse
from django.middleware.gzip import GZipMiddleware
from django.utils import timezone
from django.utils.cache import get_conditional_response, set_response_etag
from django.utils.http import quote_etag
from django.utils.translation import get_language
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response

from gridmgmt.api_params import bbox_param, int_param, tile_param
from gridmgmt.areas.api import BBOX, GEOJSON, PRECISION, LayerView, geojson_response
from gridmgmt.areas.selectors import building_layer
from gridmgmt.maps import labels, selectors, tiles, versions
from gridmgmt.maps.scope import area_scope_of
from gridmgmt.web.names import name_in_language
from spatial.hexbins import resolution_for_zoom

GEOJSON_RESPONSE = {(200, GEOJSON): OpenApiTypes.OBJECT}


class HasAreaScope(BasePermission):
    message = "map layers of cases and reports need a role that sees by area (grid, community, street or district)"

    def has_permission(self, request, view):
        return request.user.is_authenticated and not area_scope_of(request.user).empty


_gzip = GZipMiddleware(lambda request: None)


def conditional_layer(request, response):
    """A layer answered so that a refresh that changes nothing moves almost nothing.

    The ETag is the layer's version when the view set one before building it
    (:meth:`ConditionalLayerView.unless_unchanged`), else a hash of the body;
    ``Cache-Control: private, no-cache`` makes the browser ask again every
    time with ``If-None-Match``, and an unchanged layer is a 304 with no body.
    A changed layer is gzipped when the client accepts it (GeoJSON outlines
    shrink about 4×, vector tiles about 2×).
    """
    if request.method != "GET" or response.status_code not in (200, 304):
        return response
    response["Cache-Control"] = "private, no-cache"
    if response.status_code == 304:
        return response
    if isinstance(response, Response):
        response.render()  # DRF renders after this hook; the ETag needs the bytes now
    elif type(response) is not HttpResponse:
        return response
    if not response.has_header("ETag"):
        set_response_etag(response)
    unchanged = get_conditional_response(request, etag=response["ETag"], response=response)
    return unchanged if unchanged.status_code == 304 else _gzip.process_response(request, response)


class ConditionalLayerView(LayerView):
    def finalize_response(self, request, response, *args, **kwargs):
        return conditional_layer(request, super().finalize_response(request, response, *args, **kwargs))

    @staticmethod
    def unless_unchanged(request, version: str, build):
        """A 304 when the client holds ``version`` (cheap, computed first), else ``build()`` tagged with it."""
        etag = quote_etag(hashlib.md5(f"{version}|{get_language()}".encode()).hexdigest())
        response = get_conditional_response(request, etag=etag) or build()  # 304 (or 412) without building
        response["ETag"] = etag
        return response


class ScopedLayerView(ConditionalLayerView):
    permission_classes = [IsAuthenticated, HasAreaScope]

    def scope(self, request):
        return area_scope_of(request.user)


class OpenCasesByGrid(ScopedLayerView):
    @extend_schema(parameters=[BBOX, PRECISION], responses=GEOJSON_RESPONSE,
                   summary="Active grids with their number of open cases (choropleth)")
    def get(self, request):
        scope, args = self.scope(request), self.layer_args(request)
        return self.unless_unchanged(
            request, versions.open_cases_version(scope=scope, bbox=args["bbox"]),
            lambda: geojson_response(selectors.open_cases_by_grid_layer(scope=scope, **args)))


class ReportHexbins(ScopedLayerView):
    @extend_schema(parameters=[BBOX, PRECISION,
                               OpenApiParameter("zoom", int, description="Map zoom 0–22; picks the H3 resolution"),
                               OpenApiParameter("days", int, description="Reports of the last N days (default 30)")],
                   responses=GEOJSON_RESPONSE,
                   summary="Report density: reports per H3 hexagon, resolution chosen by zoom")
    def get(self, request):
        zoom = int_param(request.query_params, "zoom", default=13, low=0, high=22)
        days = int_param(request.query_params, "days", default=30, low=1, high=3660)
        resolution, scope, args = resolution_for_zoom(zoom), self.scope(request), self.layer_args(request)
        since = timezone.now() - timedelta(days=days)

        def build():
            collection = selectors.report_hexbins(scope=scope, resolution=resolution, since=since, **args)
            return Response({**collection, "resolution": resolution}, content_type=GEOJSON)

        return self.unless_unchanged(
            request, versions.report_hexbins_version(scope=scope, since=since, bbox=args["bbox"]), build)


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
            "latest": [{"id": c.pk, "number": c.number, "status": c.status, "class": str(c.small_class),
                        "deadline": c.deadline} for c in summary.latest],
            "bbox": summary.bbox})


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


MVT = "application/vnd.mapbox-vector-tile"
TILE_PARAMETERS = [OpenApiParameter(name, int, required=True, description=text) for name, text in (
    ("z", "Zoom 0–22"), ("x", "Tile column 0–2^z−1, from longitude −180"), ("y", "Tile row 0–2^z−1, from the north"))]


class OpenCasesTiles(ScopedLayerView):
    @extend_schema(parameters=TILE_PARAMETERS, responses={(200, MVT): OpenApiTypes.BINARY},
                   summary="Open cases per grid as a vector tile (MVT layer 'grids': code, open_cases; below zoom 13 "
                           "only grids with open cases)")
    def get(self, request):
        z, x, y = tile_param(request.query_params)
        scope = self.scope(request)
        return self.unless_unchanged(
            request, f"{z}|{versions.open_cases_version(scope=scope, bbox=tiles.tile_query_bbox(z, x, y))}",
            lambda: HttpResponse(tiles.open_cases_tile(scope=scope, z=z, x=x, y=y), content_type=MVT))


class OpenCasesSummaryView(ScopedLayerView):
    @extend_schema(responses=OpenApiTypes.OBJECT,
                   summary="Open cases in the reader's area: totals, the five busiest grids with their bounds, and "
                           "the layer's version (it changes when the open-cases tiles do)")
    def get(self, request):
        scope = self.scope(request)
        version = versions.open_cases_version(scope=scope)

        def build():
            summary = selectors.open_cases_summary(scope=scope)
            return Response({"version": version, "open_cases": summary.open_cases,
                             "grids_with_open_cases": summary.grids_with_open_cases,
                             "hottest": [{"code": g.code, "open_cases": g.open_cases, "bbox": g.bbox}
                                         for g in summary.hottest]})

        return self.unless_unchanged(request, version, build)


class AreaLabels(ConditionalLayerView):
    @extend_schema(parameters=[
        OpenApiParameter("zoom", int, required=True, description="Map zoom 0–22: streets below 14, communities "
                                                                   "14–15, grids from 16"),
        OpenApiParameter("in_bbox", str, required=True, description=BBOX.description)],
        responses=OpenApiTypes.OBJECT,
        summary="Labels of the areas in view for the zoom, each at a point inside its area, largest first")
    def get(self, request):
        zoom = int_param(request.query_params, "zoom", default=None, low=0, high=22, required=True)
        bbox = bbox_param(request.query_params, required=True)
        return Response({"level": labels.label_level(zoom), "labels": [_label(label) for label in
                                                                        labels.labels_in_view(zoom=zoom, bbox=bbox)]})


def _label(label: labels.Label) -> dict:
    if label.kind == "grid":
        text, title, untranslated = labels.short_grid_code(label.code), label.code, False
    else:
        text, untranslated = name_in_language(label)
        title = f"{text} · {label.code}"
    return {"kind": label.kind, "code": label.code, "text": text, "title": title, "untranslated": untranslated,
            "lng": label.lng, "lat": label.lat, "box": label.box}


class BuildingsInView(ConditionalLayerView):
    MAX_SPAN = 0.1  # degrees per side: a zoomed-in view (zoom 16 on a 2,560 px screen spans 0.055°)

    @extend_schema(parameters=[OpenApiParameter("in_bbox", str, required=True, description=BBOX.description),
                               PRECISION],
                   responses=GEOJSON_RESPONSE,
                   summary="Buildings (footprint or point) with households, population and address in a small view")
    def get(self, request):
        args = {**self.layer_args(request), "bbox": bbox_param(request.query_params, required=True)}
        bbox = args["bbox"]
        if bbox[2] - bbox[0] > self.MAX_SPAN or bbox[3] - bbox[1] > self.MAX_SPAN:
            raise ValidationError({"in_bbox": f"spans more than {self.MAX_SPAN}° a side: buildings are shown "
                                              "zoomed in (zoom 16 or more)"})
        return geojson_response(building_layer(**args))
