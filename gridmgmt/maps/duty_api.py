"""Map-layer API of the dashboard's water and environment views (JSON with GeoJSON in WGS84, lng/lat).

Both need a role that sees by area, like the case layers (:class:`gridmgmt.maps.api.ScopedLayerView`),
and answer an unchanged poll with a 304 whose version is computed before the layer is built.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response

from gridmgmt.api_params import choice_param
from gridmgmt.areas.api import PRECISION
from gridmgmt.maps import sensor_view, water_view
from gridmgmt.maps.api import ScopedLayerView


class WaterView(ScopedLayerView):
    @extend_schema(parameters=[PRECISION], responses=OpenApiTypes.OBJECT,
                   summary="Water bodies in the reader's area with warning level, latest black-odour class and "
                           "patrol state; open water cases; the worst bodies; counts")
    def get(self, request):
        scope, precision = self.scope(request), self.layer_args(request)["precision"]
        # The state without geometries is the version; the geometries are read only when it changed.
        state = water_view.water_state(scope=scope)
        return self.unless_unchanged(request, f"{precision}|{state.digest()}", lambda: Response(
            water_view.water_layer(scope=scope, state=state, precision=precision)))


class SensorView(ScopedLayerView):
    @extend_schema(parameters=[OpenApiParameter("type", str, enum=list(sensor_view.SENSOR_TYPES),
                                                description="Only sensors of this type (default: all)")],
                   responses=OpenApiTypes.OBJECT,
                   summary="Active sensors in the reader's area with their state (ok, exceeding, stale), "
                           "latest value and limit; open exceedance episodes with grid, event and case")
    def get(self, request):
        scope = self.scope(request)
        sensor_type = choice_param(request.query_params, "type", list(sensor_view.SENSOR_TYPES))
        return self.unless_unchanged(
            request, f"{sensor_type}|{sensor_view.sensors_version(scope=scope, sensor_type=sensor_type)}",
            lambda: Response(sensor_view.sensor_layer(scope=scope, sensor_type=sensor_type)))
