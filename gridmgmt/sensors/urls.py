from django.urls import path

from gridmgmt.sensors import api

urlpatterns = [
    path("readings", api.SensorReadingsView.as_view(), name="sensor-readings"),
]
