"""Case API: list and detail (jurisdiction-filtered), one endpoint per workflow action, notifications.

Views only parse, call one service or selector, and serialise. A case
outside the user's jurisdiction answers 404, as if it did not exist; a
refused step answers 403 (role) or 409 (state, stale version) with a message
naming both.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from gridmgmt.api_pagination import Page
from gridmgmt.api_params import point_param
from gridmgmt.cases import postponements, selectors, self_handling, services, ways_back
from gridmgmt.cases import serializers as s
from gridmgmt.cases.errors import CaseError
from gridmgmt.cases.notifications import notification_mark_read


class CaseErrorsMixin:
    """Maps workflow errors to their HTTP status with the service's message."""

    def handle_exception(self, exc):
        if isinstance(exc, CaseError):
            return Response({"detail": str(exc)}, status=exc.http_status)
        if isinstance(exc, DjangoValidationError):
            return Response({"detail": exc.messages}, status=status.HTTP_400_BAD_REQUEST)
        return super().handle_exception(exc)


@extend_schema(parameters=[OpenApiParameter("status", str), OpenApiParameter(
    "mine", bool, description="Only cases where I am the handler or the verifying grid worker")])
class CaseList(generics.ListAPIView):
    """Cases in my jurisdiction, newest report first."""

    permission_classes = [IsAuthenticated]
    serializer_class = s.CaseSerializer
    pagination_class = Page

    def get_queryset(self):
        params = self.request.query_params
        return selectors.case_list(user=self.request.user, status=params.get("status"),
                                   mine=params.get("mine") in ("1", "true"))


class CaseDetail(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=s.CaseDetailSerializer, summary="A case with its reports, history and postponements")
    def get(self, request, case_id: int):
        case = selectors.case_get(user=request.user, case_id=case_id)
        if case is None:
            raise NotFound(f"case {case_id} not found")
        return Response(s.CaseDetailSerializer(case).data)


class CaseAction(CaseErrorsMixin, APIView):
    """POST one workflow step; the body carries the version read (409 if stale)."""

    permission_classes = [IsAuthenticated]
    input_serializer = s.VersionInput

    def perform(self, *, case_id: int, data: dict, request):
        raise NotImplementedError

    def post(self, request, case_id: int):
        if selectors.case_get(user=request.user, case_id=case_id) is None:
            raise NotFound(f"case {case_id} not found")
        form = self.input_serializer(data=request.data)
        form.is_valid(raise_exception=True)
        self.perform(case_id=case_id, data=form.validated_data, request=request)
        return Response(s.CaseDetailSerializer(selectors.case_get(user=request.user, case_id=case_id)).data)


def action_schema(input_serializer, summary: str):
    return extend_schema(request=input_serializer, responses=s.CaseDetailSerializer, summary=summary)


def common(data: dict, request, case_id: int) -> dict:
    return {"case_id": case_id, "version": data["version"], "actor": request.user}


@action_schema(s.VersionInput, "立案 open a reported case (call-taker, shift leader)")
class CaseOpen(CaseAction):
    def perform(self, *, case_id, data, request):
        services.case_open(**common(data, request, case_id), note=data["note"])


@action_schema(s.VersionInput, "注销 cancel an invalid report; note = reason")
class CaseCancel(CaseAction):
    def perform(self, *, case_id, data, request):
        services.case_cancel(**common(data, request, case_id), note=data["note"])


@action_schema(s.DispatchInput, "派遣 dispatch to a department; fixes the deadline (dispatcher, shift leader)")
class CaseDispatch(CaseAction):
    input_serializer = s.DispatchInput

    def perform(self, *, case_id, data, request):
        services.case_dispatch(**common(data, request, case_id), department=data.get("department"),
                               reason=data["reason"])


@action_schema(s.VersionInput, "The department accepts the case")
class CaseAccept(CaseAction):
    def perform(self, *, case_id, data, request):
        services.case_accept(**common(data, request, case_id), note=data["note"])


@action_schema(s.AssignInput, "The department head assigns a handler")
class CaseAssign(CaseAction):
    input_serializer = s.AssignInput

    def perform(self, *, case_id, data, request):
        services.case_assign(**common(data, request, case_id), handler=data["handler"], note=data["note"])


@action_schema(s.HandleInput, "处理反馈 feed back: text and photos (multipart)")
class CaseHandle(CaseAction):
    input_serializer = s.HandleInput

    def perform(self, *, case_id, data, request):
        services.case_handle(**common(data, request, case_id), feedback=data["feedback"], photos=data["photos"])


@action_schema(s.VerifyInput, "核查 verify on site (grid worker): close, or return for rework (multipart)")
class CaseVerify(CaseAction):
    input_serializer = s.VerifyInput

    def perform(self, *, case_id, data, request):
        services.case_verify(**common(data, request, case_id), passed=data["passed"],
                             location=point_param(request.data), photos=data["photos"], note=data["note"])


@action_schema(s.PostponeInput, "延期 request more time (department)")
class CasePostpone(CaseAction):
    input_serializer = s.PostponeInput

    def perform(self, *, case_id, data, request):
        postponements.case_postpone_request(**common(data, request, case_id), value=data["value"],
                                            unit=data["unit"], reason=data["reason"])


@action_schema(s.DecideInput, "Approve or refuse the pending postponement (supervisor)")
class CasePostponeDecision(CaseAction):
    input_serializer = s.DecideInput

    def perform(self, *, case_id, data, request):
        postponements.case_postpone_decide(**common(data, request, case_id), approve=data["approve"],
                                           note=data["note"])


@action_schema(s.VersionInput, "挂账 suspend (supervisor); note = reason")
class CaseSuspend(CaseAction):
    def perform(self, *, case_id, data, request):
        services.case_suspend(**common(data, request, case_id), note=data["note"])


@action_schema(s.VersionInput, "Resume a suspended case; the deadline moves by the time suspended")
class CaseResume(CaseAction):
    def perform(self, *, case_id, data, request):
        services.case_resume(**common(data, request, case_id), note=data["note"])


@action_schema(s.MergeInput, "Merge other reports' cases into this one (supervisor)")
class CaseMerge(CaseAction):
    input_serializer = s.MergeInput

    def perform(self, *, case_id, data, request):
        services.case_merge(**common(data, request, case_id), note=data["note"],
                            others=[(ref["id"], ref["version"]) for ref in data["others"]])


@action_schema(s.RedispatchInput, "改派 redispatch to another department with a reason; new deadline (dispatcher)")
class CaseRedispatch(CaseAction):
    input_serializer = s.RedispatchInput

    def perform(self, *, case_id, data, request):
        ways_back.case_redispatch(**common(data, request, case_id), department=data["department"],
                                  reason=data["reason"])


@action_schema(s.ReasonInput, "退回 the department returns the case as not theirs, to the dispatcher")
class CaseReturn(CaseAction):
    input_serializer = s.ReasonInput

    def perform(self, *, case_id, data, request):
        ways_back.case_return(**common(data, request, case_id), reason=data["reason"])


@action_schema(s.ReasonInput, "Reopen a closed case for rework with a new deadline (supervisor)")
class CaseReopen(CaseAction):
    input_serializer = s.ReasonInput

    def perform(self, *, case_id, data, request):
        ways_back.case_reopen(**common(data, request, case_id), reason=data["reason"])


@action_schema(s.SelfHandleInput, "即报即处 the reporting grid worker closes a matter fixed on the spot (multipart)")
class CaseSelfHandle(CaseAction):
    input_serializer = s.SelfHandleInput

    def perform(self, *, case_id, data, request):
        self_handling.case_self_handle(**common(data, request, case_id), note=data["note"], photos=data["photos"])


class CaseDispatchBulk(CaseErrorsMixin, APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=s.BulkDispatchInput, responses=s.CaseSerializer(many=True),
                   summary="Dispatch several cases at once; one refusal refuses all")
    def post(self, request):
        form = s.BulkDispatchInput(data=request.data)
        form.is_valid(raise_exception=True)
        refs = [(ref["id"], ref["version"]) for ref in form.validated_data["cases"]]
        visible = set(selectors.cases_visible_to(request.user).filter(
            pk__in=[case_id for case_id, _ in refs]).values_list("pk", flat=True))
        missing = [case_id for case_id, _ in refs if case_id not in visible]
        if missing:
            raise NotFound(f"cases not found: {missing}")
        cases = services.case_dispatch_bulk(cases=refs, actor=request.user,
                                            department=form.validated_data.get("department"),
                                            reason=form.validated_data["reason"])
        return Response(s.CaseSerializer(cases, many=True).data)


@extend_schema(parameters=[OpenApiParameter("unread", bool)])
class NotificationList(generics.ListAPIView):
    """My notifications, newest first."""

    permission_classes = [IsAuthenticated]
    serializer_class = s.NotificationSerializer
    pagination_class = Page

    def get_queryset(self):
        return selectors.notifications_of(
            self.request.user, unread=self.request.query_params.get("unread") in ("1", "true"))


class NotificationRead(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None}, summary="Mark one of my notifications read")
    def post(self, request, notification_id: int):
        notification_mark_read(user=request.user, notification_id=notification_id)
        return Response(status=status.HTTP_204_NO_CONTENT)
