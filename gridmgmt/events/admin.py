"""Admin: the catalogue, routing rules, the manual-routing queue, API keys."""

from django.contrib import admin, messages

from gridmgmt.areas.admin_geometry import ReadOnlyGeometryAdmin
from gridmgmt.events.api_keys import api_key_revoke
from gridmgmt.events.models import ApiKey, BigClass, Component, Event, EventPhoto, RoutingRule, SmallClass
from gridmgmt.open311.moderation import event_moderate


@admin.register(BigClass)
class BigClassAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_en", "kind"]


@admin.register(SmallClass)
class SmallClassAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_en", "default_department", "time_limit_value", "time_limit_unit", "active"]
    list_filter = ["big_class", "time_limit_unit", "active"]
    search_fields = ["code", "name", "name_en"]


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    list_display = ["small_class", "level", "area_code", "department", "note"]
    list_filter = ["level", "department"]
    search_fields = ["small_class__code", "area_code"]


@admin.register(Component)
class ComponentAdmin(ReadOnlyGeometryAdmin):
    list_display = ["code", "small_class", "name", "maintainer_department", "status"]
    search_fields = ["code", "name"]


class PhotoInline(admin.TabularInline):
    model = EventPhoto
    extra = 0
    readonly_fields = ["image", "width", "height", "content_type", "size_bytes"]


class ManualRoutingFilter(admin.SimpleListFilter):
    """The queue of reports no rule covers: they wait here for a dispatcher, never vanish."""

    title = "routing"
    parameter_name = "routing"

    def lookups(self, request, model_admin):
        return [("manual", "needs manual routing"), ("routed", "routed")]

    def queryset(self, request, queryset):
        return queryset.filter(routing_status=self.value()) if self.value() else queryset


@admin.register(Event)
class EventAdmin(ReadOnlyGeometryAdmin):
    list_display = ["id", "small_class", "grid_code", "community_code", "department", "routing_status",
                    "status", "channel", "received_at"]
    list_filter = [ManualRoutingFilter, "status", "channel", "small_class__big_class"]
    search_fields = ["grid_code", "community_code", "street_code", "idempotency_key", "description"]
    raw_id_fields = ["grid", "community", "street", "component", "reporter", "routing_rule", "api_key"]
    inlines = [PhotoInline]
    date_hierarchy = "received_at"
    actions = ["publish_on_open311"]

    @admin.action(description="Clear for Open311 (moderated; text redacted unless edited)")
    def publish_on_open311(self, request, queryset):
        for event in queryset:
            event_moderate(event_id=event.pk, public_description=event.public_description or None)
        self.message_user(request, f"{queryset.count()} report(s) cleared for Open311", messages.SUCCESS)


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ["name", "channel", "prefix", "created_at", "revoked_at"]
    readonly_fields = ["prefix", "key_hash", "revoked_at"]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False  # keys are issued by `manage.py create_api_key`, which shows the raw key once

    @admin.action(description="Revoke the selected keys")
    def revoke(self, request, queryset):
        for key in queryset:
            api_key_revoke(key=key)
        self.message_user(request, f"{queryset.count()} key(s) revoked", messages.SUCCESS)
