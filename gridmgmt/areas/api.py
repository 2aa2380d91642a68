"""Read API of the areas: GeoJSON layers and point location."""

from django.conf import settings
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from gridmgmt.api_params import bbox_param, code_param, int_param, point_param
from gridmgmt.areas import selectors

GEOJSON = "application/geo+json"

BBOX = OpenApiParameter(
    "in_bbox", str, description="minLng,minLat,maxLng,maxLat in WGS84 (lng before lat, as in GeoJSON)"
)
PRECISION = OpenApiParameter("precision", int, description="Decimal places of coordinates (0–15)")
COMMUNITY = OpenApiParameter("community", str, description="12-digit community code")


def geojson_response(text: str) -> HttpResponse:
    return HttpResponse(text, content_type=GEOJSON)


class LayerView(APIView):
    """Base for FeatureCollection endpoints: parses bbox and precision once."""

    def layer_args(self, request) -> dict:
        return {
            "bbox": bbox_param(request.query_params),
            "precision": int_param(request.query_params, "precision",
                                   default=settings.GEOJSON_PRECISION, low=0, high=15),
        }


class StreetLayer(LayerView):
    @extend_schema(parameters=[BBOX, PRECISION], responses={(200, GEOJSON): OpenApiTypes.OBJECT},
                   summary="Streets (街道) as a GeoJSON FeatureCollection")
    def get(self, request):
        return geojson_response(selectors.area_layer("street", **self.layer_args(request)))


class CommunityLayer(LayerView):
    @extend_schema(parameters=[BBOX, PRECISION, OpenApiParameter("street", str, description="9-digit street code")],
                   responses={(200, GEOJSON): OpenApiTypes.OBJECT},
                   summary="Communities (社区) as a GeoJSON FeatureCollection")
    def get(self, request):
        return geojson_response(selectors.area_layer(
            "community", street_code=code_param(request.query_params, "street"), **self.layer_args(request)))


class BuildingLayer(LayerView):
    @extend_schema(parameters=[BBOX, PRECISION, COMMUNITY], responses={(200, GEOJSON): OpenApiTypes.OBJECT},
                   summary="Buildings with households as a GeoJSON FeatureCollection")
    def get(self, request):
        return geojson_response(selectors.building_layer(
            community_code=code_param(request.query_params, "community"), **self.layer_args(request)))


def area_ref(area) -> dict:
    return {"code": area.code, "name": area.name, "name_en": area.name_en}


AREA_REF = inline_serializer("AreaRef", {"code": serializers.CharField(), "name": serializers.CharField(),
                                         "name_en": serializers.CharField()})


class LocateView(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("lat", float, required=True, description="Latitude"),
            OpenApiParameter("lng", float, required=True, description="Longitude"),
            OpenApiParameter("crs", str, description="wgs84 (default), gcj02 or an EPSG code"),
        ],
        responses={200: inline_serializer("Location", {
            "district": AREA_REF, "street": AREA_REF, "community": AREA_REF,
            "grid": inline_serializer("GridRef", {"code": serializers.CharField(),
                                                  "households": serializers.IntegerField()}, allow_null=True),
            "lng": serializers.FloatField(), "lat": serializers.FloatField()}),
            404: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT},
        summary="Locate a point in district → street → community → grid",
    )
    def get(self, request):
        point = point_param(request.query_params)
        location = selectors.locate(point)
        if location is None:
            return Response(
                {"detail": f"point (lng {point.x:.6f}, lat {point.y:.6f}) is not inside any community"},
                status=404)
        grid = location.grid
        return Response({
            "district": area_ref(location.district),
            "street": area_ref(location.street),
            "community": area_ref(location.community),
            "grid": {"code": grid.code, "households": grid.households} if grid else None,
            "lng": point.x, "lat": point.y,
        })
