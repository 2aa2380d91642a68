"""HTTP front door for readings: ``POST /api/sensors/readings`` with the sensor's own key.

Header ``X-Sensor-Key: <key>`` (from ``sensor_create``); body one reading
``{"value": 81.5, "time": "2026-11-02T10:00:00+08:00"}`` or
``{"readings": [...]}`` (at most :data:`MAX_READINGS`). All or nothing: any
bad reading is a 400 naming it and nothing is stored; a reading stored
before with another value is a 409 (``conflict``), nothing stored. 202 with
the counts: a batch posted again (a lost answer retried) is answered 202
with its readings counted as ``duplicates`` and nothing stored again.
"""

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from gridmgmt.sensors.ingest import ReadingRefused, ReadingRejected, reading_parse, readings_store
from gridmgmt.sensors.services import sensor_for_key

MAX_READINGS = 1000


class SensorReadingsView(APIView):
    authentication_classes = []  # the sensor's key, checked below, is the only credential
    permission_classes = [AllowAny]

    @extend_schema(request=dict, responses={202: dict, 400: dict, 401: dict, 409: dict},
                   parameters=[OpenApiParameter("X-Sensor-Key", location="header", required=True)])
    def post(self, request):
        sensor = sensor_for_key(request.META.get("HTTP_X_SENSOR_KEY"))
        if sensor is None:
            return Response({"detail": "unknown, inactive or missing sensor key (X-Sensor-Key)"},
                            status=status.HTTP_401_UNAUTHORIZED)
        body = request.data
        items = body.get("readings") if isinstance(body, dict) and "readings" in body else [body]
        if not isinstance(items, list) or not items or len(items) > MAX_READINGS:
            return Response({"detail": f"readings must be a list of 1 to {MAX_READINGS} objects"},
                            status=status.HTTP_400_BAD_REQUEST)
        received_at = timezone.now()
        readings = []
        for index, item in enumerate(items):
            try:
                readings.append(reading_parse(sensor.code, item, received_at=received_at))
            except ReadingRejected as error:
                return Response({"detail": f"reading {index}: {error.detail}", "reason": error.reason},
                                status=status.HTTP_400_BAD_REQUEST)
        try:
            report = readings_store(readings, all_or_nothing=True)
        except ReadingRefused as error:
            return Response({"detail": "; ".join(error.messages), "reason": error.reason},
                            status=status.HTTP_409_CONFLICT if error.reason == "conflict"
                            else status.HTTP_400_BAD_REQUEST)
        return Response({"accepted": report.accepted, "duplicates": report.duplicates,
                         "episodes_opened": report.episodes_opened,
                         "episodes_closed": report.episodes_closed, "episodes_resumed": report.episodes_resumed,
                         "event_ids": report.event_ids},
                        status=status.HTTP_202_ACCEPTED)
