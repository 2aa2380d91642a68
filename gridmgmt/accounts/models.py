"""Roles (岗位) and their jurisdictions.

A user holds one or more :class:`RoleAssignment` rows; each names a role and
the scope it applies to (a grid, a community, a street, a department, or the
whole district). Grid workers are bound to a grid *code*, not a Grid row, so
an assignment survives grid regeneration: the code is the shared key that a
new generation keeps (CJ/T 213), whereas the Grid row is replaced.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from gridmgmt.areas.models import Community, Department, Street


class Role(models.TextChoices):
    GRID_WORKER = "grid_worker", "网格员 grid worker"
    COMMUNITY_SUPERVISOR = "community_supervisor", "社区监督员 community supervisor"
    STREET_SUPERVISOR = "street_supervisor", "街道监督员 street supervisor"
    CALL_TAKER = "call_taker", "受理员 call-taker"
    SHIFT_LEADER = "shift_leader", "值班长 shift leader"
    DISPATCHER = "dispatcher", "派遣员 dispatcher"
    DEPARTMENT_HANDLER = "department_handler", "部门处置人员 department handler"
    DEPARTMENT_HEAD = "department_head", "部门负责人 department head"
    DISTRICT_LEADER = "district_leader", "区领导 district leader"
    GIS_EDITOR = "gis_editor", "GIS 编辑 GIS editor"
    ADMIN = "admin", "管理员 admin"


# The scope field each role needs; roles absent here act district-wide.
SCOPE_FIELD = {
    Role.GRID_WORKER: "grid_code",
    Role.COMMUNITY_SUPERVISOR: "community",
    Role.STREET_SUPERVISOR: "street",
    Role.DEPARTMENT_HANDLER: "department",
    Role.DEPARTMENT_HEAD: "department",
}
SCOPE_FIELDS = ("grid_code", "community", "street", "department")


class RoleAssignment(models.Model):
    """One role of one user over one scope (e.g. grid worker of grid 44010400100701)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(max_length=32, choices=Role.choices)
    grid_code = models.CharField(max_length=15, blank=True, db_index=True)
    community = models.ForeignKey(Community, on_delete=models.PROTECT, null=True, blank=True)
    street = models.ForeignKey(Street, on_delete=models.PROTECT, null=True, blank=True)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, null=True, blank=True)

    class Meta:
        ordering = ["user_id", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "grid_code", "community", "street", "department"],
                nulls_distinct=False, name="role_assignment_unique",
            ),
        ]
        indexes = [models.Index(fields=["role", "department"])]

    def __str__(self) -> str:
        scope = self.scope_label()
        return f"{self.user} · {self.get_role_display()}" + (f" · {scope}" if scope else "")

    def scope_label(self) -> str:
        field = SCOPE_FIELD.get(self.role)
        return str(getattr(self, field) or "") if field else ""

    def clean(self):
        # Exactly the scope the role needs: a stray scope would silently widen
        # or narrow what the user sees.
        needed = SCOPE_FIELD.get(self.role)
        for field in SCOPE_FIELDS:
            value = getattr(self, field)
            if field == needed and not value:
                raise ValidationError({field: f"role '{self.role}' needs a {field.replace('_', ' ')}"})
            if field != needed and value:
                raise ValidationError({field: f"role '{self.role}' takes no {field.replace('_', ' ')}"})


class ReadingLanguage(models.Model):
    """The language a user reads what is sent to them (e-mails) in: one of ``LANGUAGES``.

    Pages follow the browser or the language switch; an e-mail has no browser,
    so the choice is remembered here when the user signs in or switches.
    Without a row, the deployment's ``LANGUAGE_CODE`` is used.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True,
                                related_name="reading_language")
    language = models.CharField(max_length=16, choices=settings.LANGUAGES)

    def __str__(self) -> str:
        return f"{self.user} · {self.language}"
