"""Water API: patrols and hand observations.

``POST /api/patrols/``: a patrol from the worker's phone (session or token), resendable by ``client_id``.

Body: ``{"client_id": "<phone's id>", "water_body": "<code>" | null,
"fixes": [[lng, lat, unix_seconds], ...]}`` (WGS84). 201 with the stored
patrol, 200 with the first one when the same ``client_id`` was already
stored, 400 naming the bad field, 403 for anyone but a grid worker.
"""

from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from gridmgmt.accounts.selectors import assignments_of
from gridmgmt.api_params import datetime_param, float_param, text_param
from gridmgmt.geo import STORAGE_SRID
from gridmgmt.water.models import Patrol, WaterBody
from gridmgmt.water.patrols import patrol_client_id, patrol_record
from gridmgmt.water.quality import PHYSICAL_RANGES
from gridmgmt.water.services import water_observation_record

MAX_FIXES = 20000  # a 5-hour patrol at one fix a second


def _water_body(body: dict) -> WaterBody | None:
    """The body's ``water_body`` code (text, as the column holds it; a NUL was a 500), or None when absent."""
    code = text_param(body, "water_body", max_length=WaterBody._meta.get_field("code").max_length)
    if code is None:
        return None
    water_body = WaterBody.objects.filter(code=code).first()
    if water_body is None:
        raise ValidationError({"water_body": f"unknown water body {code!r}"})
    return water_body


def patrol_json(patrol: Patrol) -> dict:
    return {"id": patrol.pk, "client_id": patrol.client_id, "water_body": patrol.water_body.code if
            patrol.water_body else None, "grid_code": patrol.grid_code, "started_at": patrol.started_at,
            "ended_at": patrol.ended_at, "length_m": patrol.length_m, "duration_s": patrol.duration_s,
            "dropped_fixes": patrol.dropped_fixes, "compliant": patrol.compliant}


class PatrolCreateView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=dict, responses={201: dict, 200: dict, 400: dict})
    def post(self, request):
        body = request.data if isinstance(request.data, dict) else {}
        fixes = body.get("fixes")
        if not isinstance(fixes, list) or len(fixes) > MAX_FIXES:
            raise ValidationError({"fixes": f"a list of at most {MAX_FIXES} [lng, lat, unix_seconds] fixes"})
        water_body = _water_body(body)
        try:
            client_id = patrol_client_id(body.get("client_id"))
            existed = Patrol.objects.filter(worker=request.user, client_id=client_id).exists()
            patrol = patrol_record(worker=request.user, fixes=fixes, client_id=client_id, water_body=water_body)
        except DjangoValidationError as exc:
            if "worker" in exc.message_dict:
                return Response({"detail": exc.message_dict["worker"][0]}, status=status.HTTP_403_FORBIDDEN)
            raise ValidationError(exc.message_dict) from None
        return Response(patrol_json(patrol), status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED)


class WaterObservationCreateView(APIView):
    """``POST /api/water-observations/``: a hand measurement (grid worker or river chief's staff with a role).

    Body: ``lat``, ``lng`` (WGS84), optional ``water_body`` (code) and
    ``observed_at`` (ISO 8601; default now), and any of ``transparency_cm``,
    ``dissolved_oxygen_mg_l``, ``orp_mv``, ``ammonia_nitrogen_mg_l``,
    ``water_depth_cm``. 201 with the black-odorous class (0 none, 1 light,
    2 severe) and the event it opened, 400 naming the bad field.
    """

    permission_classes = [IsAuthenticated]

    @extend_schema(request=dict, responses={201: dict, 400: dict, 403: dict})
    def post(self, request):
        if not assignments_of(request.user):
            return Response({"detail": "only users with a role record observations"},
                            status=status.HTTP_403_FORBIDDEN)
        body = request.data if isinstance(request.data, dict) else {}
        values = {name: float_param(body, name, low=low, high=high, required=False)
                  for name, (low, high) in PHYSICAL_RANGES.items()}
        lat = float_param(body, "lat", low=-90, high=90)
        lng = float_param(body, "lng", low=-180, high=180)
        water_body = _water_body(body)
        try:
            observation = water_observation_record(
                location=Point(lng, lat, srid=STORAGE_SRID), water_body=water_body, observer=request.user,
                observed_at=datetime_param(body, "observed_at") or timezone.now(), **values)
        except DjangoValidationError as exc:
            raise ValidationError(exc.message_dict) from None
        return Response({"id": observation.pk, "black_odor_class": observation.black_odor_class,
                         "grid_code": observation.grid_code, "event": observation.event_id},
                        status=status.HTTP_201_CREATED)
