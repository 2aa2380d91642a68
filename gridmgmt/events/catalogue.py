"""Loading the category catalogue (departments, big and small classes) from data.

One core for the management command and the tests: ``catalogue_load`` takes
the parsed fixture and upserts by code, so loading twice changes nothing.
"""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction

from gridmgmt.areas.models import Department
from gridmgmt.events.models import BigClass, SmallClass
from gridmgmt.json_input import json_loads
from gridmgmt.text_files import TextFileError, read_text

DEFAULT_CATALOGUE = Path(__file__).resolve().parents[2] / "fixtures" / "catalogue" / "catalogue.json"


class CatalogueError(ValueError):
    """A catalogue file that cannot be read; the message names the file and the problem."""


def catalogue_read(path: Path = DEFAULT_CATALOGUE, *, encoding: str | None = None) -> dict:
    """The parsed catalogue JSON (UTF-8, UTF-8 with BOM or GBK/GB18030; see :mod:`gridmgmt.text_files`)."""
    try:
        data = json_loads(read_text(path, encoding=encoding))
    except OSError as exc:
        raise CatalogueError(f"{path}: cannot read: {exc.strerror}") from None
    except TextFileError as exc:
        raise CatalogueError(str(exc)) from None
    except ValueError as exc:
        raise CatalogueError(f"{path}: not JSON: {exc}") from None
    missing = [key for key in ("departments", "big_classes", "small_classes") if not isinstance(data, dict)
               or not isinstance(data.get(key), list)]
    if missing:
        raise CatalogueError(f"{path}: a catalogue needs the lists {', '.join(missing)}")
    return data


@transaction.atomic
def catalogue_load(*, data: dict) -> dict[str, int]:
    """Upsert departments, big classes and small classes; returns counts per kind.

    Raises ``CatalogueError`` naming the row (its list, place and code) and the problem, and stores
    nothing, when a row lacks a field or holds a value its model refuses.
    """
    departments, bigs = {}, {}
    for kind, rows in (("departments", data["departments"]), ("big_classes", data["big_classes"]),
                       ("small_classes", data["small_classes"])):
        for index, row in enumerate(rows, start=1):
            try:
                _load_row(kind, row, data, departments, bigs)
            except (KeyError, TypeError, ValueError, ValidationError) as exc:
                code = row.get("code", "?") if isinstance(row, dict) else "?"
                problem = f"no '{exc.args[0]}'" if isinstance(exc, KeyError) else "; ".join(
                    exc.messages) if isinstance(exc, ValidationError) else str(exc)
                raise CatalogueError(f"{kind} #{index} ({code}): {problem}") from None
    return {"departments": len(data["departments"]), "big_classes": len(data["big_classes"]),
            "small_classes": len(data["small_classes"])}


def _load_row(kind: str, row: dict, data: dict, departments: dict, bigs: dict) -> None:
    if kind == "departments":
        dept, _ = Department.objects.update_or_create(
            code=row["code"], defaults={"name": row["name"], "name_en": row.get("name_en", "")})
        departments[dept.code] = dept
        return
    if kind == "big_classes":
        big = BigClass(code=row["code"], kind=row["kind"], name=row["name"], name_en=row.get("name_en", ""))
        big.pk = BigClass.objects.filter(code=big.code).values_list("pk", flat=True).first()
        big.full_clean(validate_unique=False)
        big.save()
        bigs[big.code] = big
        return
    attributes = row.get("attributes", [])
    if isinstance(attributes, str):  # a named, shared set
        attributes = data.get("attribute_sets", {})[attributes]
    department_code = row.get("department")
    value, unit = row["limit"]
    # A whole number: the model's integer field would cut 3.5 working days to 3 without a word.
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError(f"the limit must be a whole number of {unit}, got {value!r}")
    if department_code and department_code not in departments:
        raise ValueError(f"department {department_code!r} is not among the catalogue's departments")
    if str(row["code"])[:2] not in bigs:
        raise ValueError(f"its big class {str(row['code'])[:2]!r} is not among the catalogue's big classes")
    small = SmallClass.objects.filter(code=row["code"]).first() or SmallClass(code=row["code"])
    small.big_class = bigs[row["code"][:2]]
    small.name, small.name_en = row["name"], row.get("name_en", "")
    small.default_department = departments[department_code] if department_code else None
    small.time_limit_value, small.time_limit_unit = value, unit
    small.opening_conditions = row.get("opening", "")
    small.closing_conditions = row.get("closing", "")
    small.attributes = attributes
    small.full_clean(validate_unique=False)
    small.save()
