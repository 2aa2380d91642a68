"""A number as a client sends it in JSON, checked once: pure Python, for the request parameters
(:mod:`gridmgmt.api_params`), sensor payloads, patrol tracks and GeoJSON coordinates alike."""

import json
import math


def json_number(raw) -> float | None:
    """The finite float of a JSON number (``int`` or ``float``, never ``true``/``false``), or None.

    None also for NaN, infinities and an integer beyond a float (``10**400``, whose ``float()`` raises
    OverflowError: a 500 wherever a number was read with ``float()`` alone).
    """
    if not isinstance(raw, (int, float)) or isinstance(raw, bool):
        return None
    try:
        value = float(raw)
    except OverflowError:
        return None
    return value if math.isfinite(value) else None


def geojson_number_problem(value) -> str | None:
    """The first coordinate of a GeoJSON object (a geometry, a GeometryCollection or a Feature) that is no
    JSON number (:func:`json_number`), as JSON text cut to 40 characters, or None.

    shapely's ``shape`` reads a coordinate with ``float()``, which takes the text "113.26", Arabic-Indic
    digits ("١١٣.٢٦") and ``true`` (1.0), so such a ring was checked and saved as if drawn in numbers; an
    integer beyond a float (10**400) raised OverflowError. Ask this before ``shape``: the GIS editor's
    bodies and the water-body files.
    """
    objects = [value] if isinstance(value, dict) else []  # anything else is no GeoJSON object: shape says so
    coordinates = []
    while objects:
        item = objects.pop()
        coordinates += [item["coordinates"]] if isinstance(item.get("coordinates"), list) else []
        inner = item.get("geometries") if isinstance(item.get("geometries"), list) else [item.get("geometry")]
        objects += [g for g in inner if isinstance(g, dict)]
    while coordinates:
        item = coordinates.pop()
        if isinstance(item, list):
            coordinates += item
        elif json_number(item) is None:
            return json.dumps(item, ensure_ascii=False)[:40]
    return None
