from django.urls import path

from gridmgmt.maps import api, duty_api

urlpatterns = [
    path("open-cases-by-grid/", api.OpenCasesByGrid.as_view(), name="map-open-cases-by-grid"),
    path("open-cases-tiles/", api.OpenCasesTiles.as_view(), name="map-open-cases-tiles"),
    path("open-cases-summary/", api.OpenCasesSummaryView.as_view(), name="map-open-cases-summary"),
    path("labels/", api.AreaLabels.as_view(), name="map-labels"),
    path("buildings/", api.BuildingsInView.as_view(), name="map-buildings"),
    path("report-hexbins/", api.ReportHexbins.as_view(), name="map-report-hexbins"),
    path("grids/<str:code>/", api.GridSummaryView.as_view(), name="map-grid-summary"),
    path("traffic-cases/", api.TrafficCases.as_view(), name="map-traffic-cases"),
    path("health-facilities/", api.HealthFacilities.as_view(), name="map-health-facilities"),
    path("roads/", api.Roads.as_view(), name="map-roads"),
    path("water/", duty_api.WaterView.as_view(), name="map-water"),
    path("sensors/", duty_api.SensorView.as_view(), name="map-sensors"),
]
