from django.urls import path

from gridmgmt.water import api, views

api_urlpatterns = [
    path("patrols/", api.PatrolCreateView.as_view(), name="patrol-create"),
    path("water-observations/", api.WaterObservationCreateView.as_view(), name="water-observation-create"),
]
page_urlpatterns = [
    path("water/patrol/", views.patrol_page, name="water-patrol"),  # before the code pattern, which would take it
    # path: codes of OSM water bodies hold a slash (osm:way/123)
    path("water/<path:code>/", views.water_body_page, name="water-body"),
]
