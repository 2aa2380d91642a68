"""Read API of grids."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema

from gridmgmt.api_params import code_param, int_param
from gridmgmt.areas.api import BBOX, COMMUNITY, GEOJSON, PRECISION, LayerView, geojson_response
from gridmgmt.grids.selectors import grid_layer


class GridLayer(LayerView):
    @extend_schema(parameters=[BBOX, PRECISION, COMMUNITY,
                               OpenApiParameter("generation", int, description="Generation id (default: active grids)")],
                   responses={(200, GEOJSON): OpenApiTypes.OBJECT},
                   summary="Grids (网格) as a GeoJSON FeatureCollection")
    def get(self, request):
        generation = int_param(request.query_params, "generation", default=0, low=0, high=2**63 - 1)
        return geojson_response(grid_layer(
            community_code=code_param(request.query_params, "community"), generation=generation or None,
            **self.layer_args(request)))
