from django.urls import path

from gridmgmt.duties import views

urlpatterns = [
    path("", views.duties_page, name="duties"),
    path("grids/<str:code>/", views.grid_file_page, name="grid-file"),
    path("reports/", views.report_list, name="monthly-reports"),
    path("reports/<int:pk>.<str:kind>", views.report_download, name="monthly-report-download"),
]
