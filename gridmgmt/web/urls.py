"""Pages of the web app, included at the site root.

The console, department queue, KPI and dashboard pages live in
``urls_console.py`` (included below once it exists).
"""

from importlib.util import find_spec

from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from gridmgmt.accounts.language import set_language
from gridmgmt.web import intake, self_handling, views, worker

app_name = "web"

urlpatterns = [
    path("", views.landing, name="landing"),
    path("sw.js", views.service_worker, name="service-worker"),
    path("map/district.geojson", views.district_geojson, name="district-layer"),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="jsi18n"),
    path("i18n/setlang/", set_language, name="set_language"),  # Django's, remembering a user's choice
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("intake/", intake.hotline, name="intake"),
    path("intake/places/", intake.places, name="intake-places"),
    path("worker/", worker.home, name="worker-home"),
    path("worker/me.json", worker.me, name="worker-me"),
    path("worker/offline/", worker.offline, name="worker-offline"),
    path("worker/offline/signed-in/", worker.offline, {"signed_in": True}, name="worker-offline-signed-in"),
    path("worker/report/", worker.report, name="worker-report"),
    path("worker/reports/", worker.reports, name="worker-reports"),
    path("worker/reports/<int:event_id>/", worker.report_detail, name="worker-report-detail"),
    path("worker/reports/<int:event_id>/case.json", worker.report_case, name="worker-report-case"),
    path("worker/tasks/<int:case_id>/", worker.verify, name="worker-verify"),
    path("worker/fixed/<int:case_id>/", self_handling.fixed_on_the_spot, name="worker-fixed"),
]

# The other engineer's pages; present or not, this module stays importable.
if find_spec("gridmgmt.web.urls_console"):
    urlpatterns.append(path("", include("gridmgmt.web.urls_console")))
