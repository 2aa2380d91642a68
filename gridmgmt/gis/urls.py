from django.urls import path

from gridmgmt.gis import correction_views, import_views, views

app_name = "gis"

urlpatterns = [
    path("", views.editor, name="editor"),
    path("field/", correction_views.field_form, name="field"),
    path("corrections/", correction_views.corrections_list, name="corrections"),
    path("import/", import_views.import_page, name="import"),
    path("api/boundaries/check/", views.boundary_check, name="boundary-check"),
    path("api/boundaries/save/", views.boundary_save, name="boundary-save"),
    path("api/grids/split/", views.grid_split, name="grid-split"),
    path("api/grids/merge/", views.grid_merge, name="grid-merge"),
    path("api/grids/redraw/", views.grid_redraw, name="grid-redraw"),
    path("api/grids/propose/", views.grid_propose, name="grid-propose"),
    path("api/grids/activate/", views.grid_activate, name="grid-activate"),
    path("api/grids/undo/", views.grid_undo, name="grid-undo"),
    path("api/grids/stale/", views.stale_grids, name="grid-stale"),
    path("api/history/<str:code>/", views.history, name="history"),
    path("history/", views.history_page, name="history-latest"),
    path("history/<str:code>/", views.history_page, name="history-page"),
    path("api/map-on/", views.map_on, name="map-on"),
    path("api/workload/", views.workload, name="workload"),
]
