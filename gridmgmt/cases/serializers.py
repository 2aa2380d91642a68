"""Shapes of the case API: what the workflow actions take and what a case looks like."""

from django.contrib.auth import get_user_model
from rest_framework import serializers

from gridmgmt.api_fields import AsciiInteger, PersonText, photo_files
from gridmgmt.areas.models import Department
from gridmgmt.cases.models import Case, CaseHistory, Notification, Postponement
from gridmgmt.cases.notifications import notification_text
from gridmgmt.events.models import TimeLimitUnit


class VersionInput(serializers.Serializer):
    version = AsciiInteger(min_value=1, help_text="The case version you read (optimistic lock)")
    note = PersonText(required=False, allow_blank=True, default="")


def department_field():
    return serializers.SlugRelatedField(
        slug_field="code", queryset=Department.objects.all(), required=False, allow_null=True,
        help_text="Department code; default: the report's routed department")


class DispatchInput(VersionInput):
    department = department_field()
    reason = PersonText(required=False, allow_blank=True, default="",
                                   help_text="Required when the department differs from the routed one")


class RedispatchInput(VersionInput):
    department = serializers.SlugRelatedField(slug_field="code", queryset=Department.objects.all(),
                                              help_text="Code of the department to send the case to")
    reason = PersonText(help_text="Why the case moves (kept in the history)")


class ReasonInput(VersionInput):
    reason = PersonText(help_text="Why (kept in the history)")


class SelfHandleInput(VersionInput):
    note = PersonText(help_text="What was done on the spot")
    photos = photo_files(allow_empty=False,
                                   help_text="Photos after; the report's photos are the ones before")


class CaseRef(serializers.Serializer):
    id = AsciiInteger()
    version = AsciiInteger(min_value=1)


class BulkDispatchInput(serializers.Serializer):
    cases = CaseRef(many=True, allow_empty=False)
    department = department_field()
    reason = PersonText(required=False, allow_blank=True, default="")


class AssignInput(VersionInput):
    handler = serializers.PrimaryKeyRelatedField(queryset=get_user_model().objects.filter(is_active=True))


class HandleInput(VersionInput):
    feedback = PersonText()
    photos = photo_files(allow_empty=False)


class VerifyInput(VersionInput):
    passed = serializers.BooleanField()
    lat = serializers.FloatField(help_text="GPS latitude, WGS84 unless crs says otherwise")
    lng = serializers.FloatField(help_text="GPS longitude")
    crs = serializers.CharField(required=False, help_text="wgs84 (default) or gcj02")
    photos = photo_files(allow_empty=False)


class PostponeInput(VersionInput):
    value = AsciiInteger(min_value=1)
    unit = serializers.ChoiceField(choices=TimeLimitUnit.choices)
    reason = PersonText()


class DecideInput(VersionInput):
    approve = serializers.BooleanField()


class MergeInput(VersionInput):
    others = CaseRef(many=True, allow_empty=False)


class HistorySerializer(serializers.ModelSerializer):
    actor = serializers.StringRelatedField()
    attachments = serializers.SerializerMethodField()

    class Meta:
        model = CaseHistory
        fields = ["action", "from_status", "to_status", "actor", "role", "at", "note", "data", "attachments"]

    def get_attachments(self, entry) -> list[str]:
        return [a.file.url for a in entry.attachments.all()]


class PostponementSerializer(serializers.ModelSerializer):
    class Meta:
        model = Postponement
        fields = ["id", "value", "unit", "reason", "status", "requested_at", "decided_at"]


class CaseSerializer(serializers.ModelSerializer):
    small_class = serializers.CharField(source="small_class.code")
    department = serializers.CharField(source="department.code", default=None)
    lng = serializers.FloatField(source="location.x")
    lat = serializers.FloatField(source="location.y")

    class Meta:
        model = Case
        fields = ["id", "number", "version", "status", "self_handled", "small_class", "description", "lng", "lat", "grid_code",
                  "community_code", "street_code", "department", "handler", "verifier", "received_at",
                  "opened_at", "dispatched_at", "deadline", "closed_at", "rework_count", "overdue_at",
                  "merged_into"]


class CaseDetailSerializer(CaseSerializer):
    events = serializers.SerializerMethodField()
    history = HistorySerializer(many=True)
    postponements = PostponementSerializer(many=True)

    class Meta(CaseSerializer.Meta):
        fields = [*CaseSerializer.Meta.fields, "events", "history", "postponements"]

    def get_events(self, case) -> list[int]:
        return [source.event_id for source in case.sources.all()]


class NotificationSerializer(serializers.ModelSerializer):
    message = serializers.SerializerMethodField(help_text="The notice in the request's language (Accept-Language).")

    def get_message(self, note) -> str:
        return notification_text(note)

    class Meta:
        model = Notification
        fields = ["id", "kind", "case", "message", "created_at", "read_at"]
