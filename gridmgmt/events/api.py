"""REST API of events (GeoJSON, WGS84 (lng, lat) axis order): thin views over services and selectors."""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from gridmgmt.accounts.jurisdiction import scope_for_request
from gridmgmt.api_params import bbox_param, code_param, datetime_param, int_param, list_param, point_param
from gridmgmt.events.authentication import IsUserOrApiKey
from gridmgmt.events.models import ApiKey, Channel, RoutingStatus
from gridmgmt.events.representation import event_feature
from gridmgmt.events.selectors import duplicate_candidates, event_list
from gridmgmt.events.serializers import DuplicateSerializer, EventCreateSerializer, EventSerializer
from gridmgmt.events.services import event_create, small_class_for_report
from gridmgmt.json_input import JSONParser


def optional_point(data):
    """The report's WGS84 point, or None when neither lat nor lng is given (photo GPS may fill it)."""
    if data.get("lat") in (None, "") and data.get("lng") in (None, ""):
        return None
    return point_param(data)


LIST_PARAMETERS = [
    OpenApiParameter("status", str, description="fine status(es), comma-separated, e.g. reported,dispatched"),
    OpenApiParameter("service_code", str, description="small-class code(s), comma-separated"),
    OpenApiParameter("street_code", str), OpenApiParameter("community_code", str),
    OpenApiParameter("grid_code", str),
    OpenApiParameter("in_bbox", str, description="minLng,minLat,maxLng,maxLat (WGS84; lng first)"),
    OpenApiParameter("received_from", OpenApiTypes.DATETIME), OpenApiParameter("received_to", OpenApiTypes.DATETIME),
    OpenApiParameter("routing_status", str, enum=RoutingStatus.values,
                     description="'manual' lists the reports waiting for manual routing"),
    OpenApiParameter("limit", int, description="at most this many features (default 500, max 5000)"),
]


class EventListCreate(generics.GenericAPIView):
    """List reports (GeoJSON FeatureCollection) or create one (JSON or multipart with photos)."""

    serializer_class = EventSerializer
    permission_classes = [IsUserOrApiKey]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(parameters=LIST_PARAMETERS, responses=EventSerializer(many=True))
    def get(self, request):
        params = request.query_params
        routing_status = params.get("routing_status")
        if routing_status and routing_status not in RoutingStatus.values:
            raise ValidationError({"routing_status": f"must be one of {RoutingStatus.values}, got {routing_status!r}"})
        events = event_list(
            status=list_param(params, "status"), small_class_codes=list_param(params, "service_code"),
            street_code=code_param(params, "street_code"), community_code=code_param(params, "community_code"),
            grid_code=code_param(params, "grid_code"), bbox=bbox_param(params),
            received_from=datetime_param(params, "received_from"),
            received_to=datetime_param(params, "received_to"), routing_status=routing_status,
        )
        events = scope_for_request(request).events(events)[: int_param(params, "limit", default=500, low=1, high=5000)]
        return Response(EventSerializer(events, many=True, context={"request": request}).data)

    @extend_schema(request={"application/json": EventCreateSerializer, "multipart/form-data": EventCreateSerializer},
                   responses={201: EventSerializer, 200: EventSerializer})
    def post(self, request):
        data = request.data
        payload = EventCreateSerializer(data=data)
        payload.is_valid(raise_exception=True)
        values = payload.validated_data
        key = request.auth if isinstance(request.auth, ApiKey) else None
        # An integration's channel is fixed by its key; a logged-in user is a grid worker unless told otherwise.
        channel = key.channel if key else values.get("channel", Channel.WORKER_APP)
        try:
            result = event_create(
                small_class_code=values["service_code"], point=optional_point(data), channel=channel,
                description=values["description"], address=values["address"], attributes=values["attributes"],
                photos=request.FILES.getlist("photos"), component_code=values.get("component_code") or None,
                reporter=request.user if request.user.is_authenticated else None, api_key=key,
                idempotency_key=values.get("idempotency_key") or request.headers.get("Idempotency-Key"),
                device_time=values.get("device_time"),
            )
        except DjangoValidationError as exc:
            raise ValidationError(exc.message_dict) from None
        return Response(event_feature(result.event, result.photos, request),
                        status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK)


class EventDetail(generics.RetrieveAPIView):
    serializer_class = EventSerializer
    permission_classes = [IsUserOrApiKey]

    def get_queryset(self):
        return scope_for_request(self.request).events(event_list())


class DuplicateSuggestions(APIView):
    """Open reports of the same class near a point, in the caller's jurisdiction: likely duplicates, nearest first."""

    permission_classes = [IsUserOrApiKey]

    @extend_schema(parameters=[
        OpenApiParameter("lat", float, required=True), OpenApiParameter("lng", float, required=True),
        OpenApiParameter("crs", str, description="wgs84 (default) or gcj02"),
        OpenApiParameter("service_code", str, required=True)],
        responses=DuplicateSerializer(many=True))
    def get(self, request):
        point = point_param(request.query_params)
        try:
            small_class = small_class_for_report(request.query_params.get("service_code"))
        except DjangoValidationError as exc:
            raise ValidationError(exc.message_dict) from None
        candidates = scope_for_request(request).events(duplicate_candidates(small_class=small_class, point=point))[:50]
        return Response(DuplicateSerializer(candidates, many=True, context={"request": request}).data)
