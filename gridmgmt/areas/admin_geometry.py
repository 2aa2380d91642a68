"""Admin pages show geometry on a map but never change it.

Boundaries, grids and footprints change only through the services that check
topology and write versions (the import commands and the GIS editor): a
geometry saved from a plain admin form would skip both (a community dragged
across its neighbour was once saved "successfully" and broke generation).
"""

from django.contrib.gis.db.models import GeometryField
from leaflet.admin import LeafletGeoAdmin


class ReadOnlyGeometryAdmin(LeafletGeoAdmin):
    """A Leaflet admin whose geometry fields are shown, not editable.

    The map is drawn without edit tools, and the form field is disabled, so a
    hand-made POST carrying another geometry is ignored by the form (Django
    keeps a disabled field's initial value).
    """

    modifiable = False

    def formfield_for_dbfield(self, db_field, request=None, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if isinstance(db_field, GeometryField) and field is not None:
            field.disabled = True
            field.required = False
            field.help_text = "Edited in the GIS editor (/gis/), which checks topology and keeps versions."
        return field
