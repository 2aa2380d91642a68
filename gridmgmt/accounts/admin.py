"""Users are managed with their roles inline, so one screen sets who sees what."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from gridmgmt.accounts.models import ReadingLanguage, RoleAssignment


class ReadingLanguageInline(admin.StackedInline):
    model = ReadingLanguage
    can_delete = True


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 1
    raw_id_fields = ["community", "street", "department"]


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class UserWithRolesAdmin(UserAdmin):
    inlines = [*UserAdmin.inlines, ReadingLanguageInline, RoleAssignmentInline]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "grid_code", "community", "street", "department"]
    list_filter = ["role", "department", "street"]
    search_fields = ["user__username", "grid_code", "community__name", "street__name"]
    autocomplete_fields = ["user"]
    raw_id_fields = ["community", "street", "department"]
