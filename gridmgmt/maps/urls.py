from django.urls import path

from gridmgmt.maps import api

urlpatterns = [
    path("open-cases-by-grid/", api.OpenCasesByGrid.as_view(), name="map-open-cases-by-grid"),
    path("report-hexbins/", api.ReportHexbins.as_view(), name="map-report-hexbins"),
    path("grids/<str:code>/", api.GridSummaryView.as_view(), name="map-grid-summary"),
    path("traffic-cases/", api.TrafficCases.as_view(), name="map-traffic-cases"),
    path("health-facilities/", api.HealthFacilities.as_view(), name="map-health-facilities"),
    path("roads/", api.Roads.as_view(), name="map-roads"),
]
