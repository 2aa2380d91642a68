"""Admin: calendar overrides are edited here; cases and their history are read-only (changes go through the services)."""

from django.contrib import admin

from gridmgmt.cases.models import CalendarOverride, Case, CaseHistory, Notification


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin):
    list_display = ["date", "is_working_day", "note"]
    list_filter = ["is_working_day"]
    date_hierarchy = "date"


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class HistoryInline(admin.TabularInline):
    model = CaseHistory
    fields = ["at", "action", "from_status", "to_status", "actor", "role", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = ["id", "status", "small_class", "grid_code", "department", "deadline", "closed_at", "rework_count"]
    list_filter = ["status", "department", "street_code"]
    search_fields = ["=id", "grid_code", "description"]
    inlines = [HistoryInline]


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "user", "kind", "case", "read_at"]
    list_filter = ["kind"]
