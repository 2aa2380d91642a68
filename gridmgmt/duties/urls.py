from django.urls import path

from gridmgmt.duties import api

urlpatterns = [
    path("coverage/", api.CoverageLayer.as_view(), name="duties-coverage"),
    path("traffic/segments/", api.TrafficSegments.as_view(), name="duties-traffic-segments"),
]
