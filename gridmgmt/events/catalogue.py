"""Loading the category catalogue (departments, big and small classes) from data.

One core for the management command and the tests: ``catalogue_load`` takes
the parsed fixture and upserts by code, so loading twice changes nothing.
"""

import json
from pathlib import Path

from django.db import transaction

from gridmgmt.areas.models import Department
from gridmgmt.events.models import BigClass, SmallClass
from gridmgmt.text_files import TextFileError, read_text

DEFAULT_CATALOGUE = Path(__file__).resolve().parents[2] / "fixtures" / "catalogue" / "catalogue.json"


class CatalogueError(ValueError):
    """A catalogue file that cannot be read; the message names the file and the problem."""


def catalogue_read(path: Path = DEFAULT_CATALOGUE, *, encoding: str | None = None) -> dict:
    """The parsed catalogue JSON (UTF-8, UTF-8 with BOM or GBK/GB18030; see :mod:`gridmgmt.text_files`)."""
    try:
        data = json.loads(read_text(path, encoding=encoding))
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
    """Upsert departments, big classes and small classes; returns counts per kind."""
    departments = {}
    for row in data["departments"]:
        dept, _ = Department.objects.update_or_create(
            code=row["code"], defaults={"name": row["name"], "name_en": row.get("name_en", "")})
        departments[dept.code] = dept
    bigs = {}
    for row in data["big_classes"]:
        big = BigClass(code=row["code"], kind=row["kind"], name=row["name"], name_en=row.get("name_en", ""))
        big.pk = BigClass.objects.filter(code=big.code).values_list("pk", flat=True).first()
        big.full_clean(validate_unique=False)
        big.save()
        bigs[big.code] = big
    attribute_sets = data.get("attribute_sets", {})
    for row in data["small_classes"]:
        attributes = row.get("attributes", [])
        if isinstance(attributes, str):  # a named, shared set
            attributes = attribute_sets[attributes]
        department_code = row.get("department")
        value, unit = row["limit"]
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
    return {"departments": len(data["departments"]), "big_classes": len(data["big_classes"]),
            "small_classes": len(data["small_classes"])}
