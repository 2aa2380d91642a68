"""GeoJSON FeatureCollections built inside PostgreSQL.

Large layers (thousands of grids or buildings) are serialised by
``ST_AsGeoJSON`` and ``json_agg`` in one query instead of looping a serializer
over model instances in Python: one round trip, no per-row object creation.
"""

from django.db import connection

from gridmgmt.geo import STORAGE_SRID


def feature_collection(
    *,
    table: str,
    geometry: str,
    properties: dict[str, str],
    where: list[tuple[str, list]] = (),
    bbox: tuple[float, float, float, float] | None = None,
    precision: int = 6,
    order_by: str | None = None,
    joins: str = "",
) -> str:
    """Return a FeatureCollection as JSON text.

    ``properties`` maps output names to trusted SQL expressions (written in
    code, never from requests); request values only reach the query as
    parameters in ``where`` and ``bbox``.
    """
    clauses, params = [], []
    for clause, clause_params in where:
        clauses.append(clause)
        params.extend(clause_params)
    if bbox is not None:
        clauses.append(f"{geometry} && ST_MakeEnvelope(%s, %s, %s, %s, {STORAGE_SRID})")
        params.extend(bbox)
    props = ", ".join(f"'{name}', {expr}" for name, expr in properties.items())
    query = f"""
        SELECT json_build_object(
            'type', 'FeatureCollection',
            'features', coalesce(json_agg(json_build_object(
                'type', 'Feature',
                'id', t.fid,
                'geometry', ST_AsGeoJSON(t.geom, %s)::json,
                'properties', t.props
            ) ORDER BY t.ord), '[]'::json)
        )::text
        FROM (
            SELECT {table}.id AS fid, {geometry} AS geom, {order_by or table + ".id"} AS ord,
                   json_build_object({props}) AS props
            FROM {table} {joins}
            {"WHERE " + " AND ".join(clauses) if clauses else ""}
        ) t
    """
    with connection.cursor() as cursor:
        cursor.execute(query, [precision, *params])
        return cursor.fetchone()[0]
