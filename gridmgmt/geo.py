"""Spatial constants shared by every app.

All geometries are stored in WGS84 (EPSG:4326), declared here once. Areas and
distances are computed on the ``geography`` type (metres on the spheroid) or in
a local metric projection, never in degrees.
"""

STORAGE_SRID = 4326
