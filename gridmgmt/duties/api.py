"""API of the duty views: medical coverage choropleth and the traffic segments ranking (GeoJSON, WGS84, lng/lat)."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from gridmgmt.api_params import date_param, day_end_exclusive, day_start, int_param
from gridmgmt.areas.api import GEOJSON, PRECISION, LayerView, geojson_response
from gridmgmt.duties.coverage import coverage_layer
from gridmgmt.duties.traffic import traffic_segments
from gridmgmt.maps.api import HasAreaScope
from gridmgmt.maps.scope import area_scope_of

GEOJSON_RESPONSE = {(200, GEOJSON): OpenApiTypes.OBJECT}


class CoverageLayer(LayerView):
    permission_classes = [IsAuthenticated]

    @extend_schema(parameters=[PRECISION], responses=GEOJSON_RESPONSE,
                   summary="Grids with the share of households within a 15-minute walk of a health facility")
    def get(self, request):
        return geojson_response(coverage_layer(precision=self.layer_args(request)["precision"]))


class TrafficSegments(LayerView):
    permission_classes = [IsAuthenticated, HasAreaScope]

    @extend_schema(parameters=[
        OpenApiParameter("start", str, description="first day YYYY-MM-DD (default: 30 days ago)"),
        OpenApiParameter("end", str, description="last day YYYY-MM-DD, included (default: today)"),
        OpenApiParameter("limit", int, description="segments, 1–100 (default 10)"), PRECISION],
        responses=GEOJSON_RESPONSE, summary="Road segments with most traffic cases received in the period")
    def get(self, request):
        params = request.query_params
        today = timezone.localdate()
        first = date_param(params, "start") or today - timedelta(days=30)
        last = date_param(params, "end") or today
        if last < first:
            raise ValidationError({"end": f"end {last} is before start {first}"})
        start, end = day_start(first), day_end_exclusive(last)  # end=9999-12-31: no upper bound, no overflow
        collection = traffic_segments(scope=area_scope_of(request.user), start=start, end=end,
                                      limit=int_param(params, "limit", default=10, low=1, high=100),
                                      precision=int_param(params, "precision", default=settings.GEOJSON_PRECISION,
                                                          low=0, high=15))
        return Response(collection, content_type=GEOJSON)
