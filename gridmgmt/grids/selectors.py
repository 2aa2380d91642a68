"""Reads of grids: map layers."""

from gridmgmt.geojson_sql import feature_collection


def grid_layer(*, bbox=None, precision: int, community_code: str | None = None,
               generation: int | None = None) -> str:
    where = [("grids_grid.generation_id = %s", [generation])] if generation else [("grids_grid.active", [])]
    if community_code:
        where.append(("c.code = %s", [community_code]))
    return feature_collection(
        table="grids_grid", geometry="grids_grid.polygon",
        properties={"code": "grids_grid.code", "community_code": "c.code", "community_name": "c.name",
                    "households": "grids_grid.households", "residents": "grids_grid.residents",
                    "area_m2": "round(grids_grid.area_m2)", "generation": "grids_grid.generation_id",
                    "active": "grids_grid.active"},
        joins="JOIN areas_community c ON c.id = grids_grid.community_id",
        where=where, bbox=bbox, precision=precision, order_by="grids_grid.code")
