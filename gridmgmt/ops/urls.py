from django.urls import path

from gridmgmt.ops import health

urlpatterns = [path("healthz", health.healthz, name="healthz")]
