"""Pages of the supervision/dispatch console, the department queue, the KPI page and the map views."""

from django.urls import path

from gridmgmt.web import console, dashboard, department, kpi, notifications

urlpatterns = [
    path("console/", console.case_list, name="console"),
    path("console/dispatch-bulk/", console.dispatch_bulk, name="console-dispatch-bulk"),
    path("console/cases/<int:case_id>/", console.case_detail, name="console-case"),
    path("console/cases/<int:case_id>/<str:step>/", console.case_step, name="console-step"),
    path("console/kpis/", kpi.kpi_page, name="console-kpis"),
    path("console/kpis/patrols.csv", kpi.kpi_patrols_csv, name="console-kpis-patrols-csv"),
    path("notifications/", notifications.inbox, name="notifications"),
    path("notifications/read-all/", notifications.mark_all_read, name="notifications-read-all"),
    path("notifications/<int:notification_id>/open/", notifications.open_notification, name="notification-open"),
    path("department/", department.queue, name="department"),
    path("department/cases/<int:case_id>/", department.case_detail, name="department-case"),
    path("department/cases/<int:case_id>/<str:step>/", department.case_step, name="department-step"),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("dashboard/medical/", dashboard.medical, name="dashboard-medical"),
    path("dashboard/traffic/", dashboard.traffic, name="dashboard-traffic"),
    path("dashboard/water/", dashboard.water, name="dashboard-water"),
    path("dashboard/environment/", dashboard.environment, name="dashboard-environment"),
]
