"""Recoding an area: an officer fixes a district, street or community code, and its children follow.

A child's code starts with its parent's (``area_codes``), so a new street
code gives each of its communities the new street code followed by its own
last 3 digits. Boundary versions and routing rules (which name areas by code)
follow too, so history and routing stay whole under the new code. Events
and cases keep the codes they were made with (they are snapshots of where a
report was). Grids keep their codes (a grid code is the shared key
with other departments, and events keep the grid they were made in): the
result counts the active grids still coded under the old code, which the
next ``generate_grids`` gives codes under the new one.
"""

from dataclasses import dataclass, field

from django.db import transaction

from gridmgmt.areas.area_codes import area_code_problem
from gridmgmt.areas.models import BoundaryVersion, Community, District, Street
from gridmgmt.events.models import RoutingRule
from gridmgmt.grids.models import Grid

MODELS = {"district": District, "street": Street, "community": Community}
PARENT = {"street": "district", "community": "street"}
CHILD_LEVELS = {"district": ["street", "community"], "street": ["community"], "community": []}


class AreaRecodeError(ValueError):
    """The recode cannot be done; the message says why. Nothing was changed."""


@dataclass
class RecodeResult:
    level: str
    old_code: str
    new_code: str
    children: list[tuple[str, str, str]] = field(default_factory=list)
    """(level, old code, new code) of each child that followed."""
    boundary_versions: int = 0
    routing_rules: int = 0
    grids_under_old_code: int = 0

    def lines(self) -> list[str]:
        lines = [f"{self.level} {self.old_code} → {self.new_code}; {self.boundary_versions} boundary versions "
                 f"and {self.routing_rules} routing rules recoded"]
        lines += [f"  {level} {old} → {new}" for level, old, new in self.children]
        if self.grids_under_old_code:
            lines.append(f"  {self.grids_under_old_code} active grids keep codes under {self.old_code} until "
                         "the next generate_grids")
        return lines


def area_recode(*, level: str, code: str, new_code: str) -> RecodeResult:
    """Give the area ``code`` of ``level`` the code ``new_code``; its children and boundary versions follow.

    Raises
    ------
    AreaRecodeError
        Unknown level or area, a new code of the wrong form (the form
        expected is named), a code already used, or a child whose code does
        not start with the old code; nothing is changed.
    """
    if level not in MODELS:
        raise AreaRecodeError(f"level must be one of {', '.join(MODELS)}, got {level!r}")
    with transaction.atomic():
        area = MODELS[level].objects.select_for_update().filter(code=code).first()
        if area is None:
            raise AreaRecodeError(f"no {level} with code {code}")
        parent = getattr(area, PARENT[level]) if level in PARENT else None
        problem = area_code_problem(level, new_code, parent.code if parent else "")
        if problem:
            raise AreaRecodeError(problem)
        renames = [(level, code, new_code)] + _children(level, code, new_code)
        for child_level, old, new in renames:
            if MODELS[child_level].objects.filter(code=new).exclude(code=old).exists():
                raise AreaRecodeError(f"{child_level} code {new} (for {old}) is already in use")
        result = RecodeResult(level=level, old_code=code, new_code=new_code, children=renames[1:])
        # Two passes through temporary codes would be needed if new codes overlapped old ones of the
        # same level; the check above refuses any code in use, so one pass is enough.
        for child_level, old, new in renames:
            MODELS[child_level].objects.filter(code=old).update(code=new)
            result.boundary_versions += BoundaryVersion.objects.filter(level=child_level, code=old).update(code=new)
            result.routing_rules += RoutingRule.objects.filter(level=child_level, area_code=old).update(area_code=new)
        community_codes = [new for child_level, _, new in renames if child_level == "community"]
        result.grids_under_old_code = Grid.objects.active().filter(
            community__code__in=community_codes).exclude(code__startswith=new_code).count()
    return result


def _children(level: str, code: str, new_code: str) -> list[tuple[str, str, str]]:
    renames = []
    for child_level in CHILD_LEVELS[level]:
        for child_code in MODELS[child_level].objects.filter(**_under(level, child_level, code)).values_list(
                "code", flat=True).order_by("code"):
            if child_code.startswith(new_code) and area_code_problem(child_level, child_code) is None:
                continue  # already coded under the new code (an officer fixed the children first)
            if not child_code.startswith(code):
                raise AreaRecodeError(f"{child_level} {child_code} does not start with {code}: recode it first")
            child_new_code = new_code + child_code[len(code):]
            problem = area_code_problem(child_level, child_new_code)
            if problem:
                raise AreaRecodeError(f"{child_level} {child_code} would become {child_new_code}: {problem}; "
                                      "recode it first")
            renames.append((child_level, child_code, child_new_code))
    return renames


def _under(level: str, child_level: str, code: str) -> dict[str, str]:
    if (level, child_level) == ("district", "community"):
        return {"street__district__code": code}
    return {f"{level}__code": code}
