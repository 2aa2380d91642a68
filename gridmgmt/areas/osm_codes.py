"""Official codes for OSM boundaries: a code tag, a CSV mapping, or a template.

OSM rarely carries the 6/9/12-digit official code (``ref`` often holds a
local number such as ``01``), so an import can map each boundary to its
code. Order of preference for one boundary:

1. a CSV row for its OSM element (``relation/101``) or, failing that, for
   its ``ref``;
2. the template, when given: a Python format string over ``parent`` (the
   parent area's code), ``ref`` and ``osm_id``, e.g. ``{parent}{ref:0>3}``
   turns ref ``1`` under street ``091000001`` into ``091000001001``;
3. the first code tag present, in ``CODE_TAGS`` order.

The result is checked afterwards by ``area_codes.area_code_problem``, like
every other import.
"""

import csv
from dataclasses import dataclass, field
from pathlib import Path

from gridmgmt.api_params import ascii_integer
from spatial.osm_reader import AdminBoundary

# The OSM tags, in order of preference, that carry an official area code.
CODE_TAGS = ("ref:NBS", "ref", "gb:code", "code")
TEMPLATE_FIELDS = ("parent", "ref", "osm_id")


class OsmCodeMapError(ValueError):
    """A code CSV or template that cannot be used; the message names the line or the field."""


@dataclass(frozen=True)
class OsmCodeMap:
    """Codes by OSM element (``relation/101``) and by ``ref``, and an optional template."""

    by_element: dict[str, str] = field(default_factory=dict)
    by_ref: dict[str, str] = field(default_factory=dict)
    template: str = ""

    def code_for(self, boundary: AdminBoundary, parent_code: str) -> str:
        """The boundary's code by the module's order; "" when none is found.

        Raises
        ------
        OsmCodeMapError
            If the template needs a field the boundary lacks (no ``ref``).
        """
        element = f"{boundary.osm_type}/{boundary.osm_id}"
        ref = boundary.codes.get("ref", "")
        if element in self.by_element:
            return self.by_element[element]
        if ref and ref in self.by_ref:
            return self.by_ref[ref]
        if self.template:
            if "{ref" in self.template and not ref:
                raise OsmCodeMapError(f"{element} has no ref tag for --code-template {self.template}")
            return self.template.format(parent=parent_code, ref=ref, osm_id=boundary.osm_id)
        return next((boundary.codes[tag] for tag in CODE_TAGS if boundary.codes.get(tag)), "")


    def unmatched(self, boundaries: list[AdminBoundary]) -> list[str]:
        """The code rows no boundary matched (``relation/999 -> 440104001009``, ``ref 12 -> ...``).

        A row for an element not in the extract, or of a level not imported,
        is otherwise passed over without a word, and the boundary it was meant
        for takes its code from the ref or the template.
        """
        elements = {f"{b.osm_type}/{b.osm_id}" for b in boundaries}
        refs = {b.codes.get("ref", "") for b in boundaries}
        return ([f"{element} -> {code}" for element, code in self.by_element.items() if element not in elements]
                + [f"ref {ref} -> {code}" for ref, code in self.by_ref.items() if ref not in refs])


def code_map_load(*, csv_path: str | Path | None = None, template: str = "") -> OsmCodeMap:
    """Read a code CSV (columns ``code`` and ``osm_id`` or ``ref``) and check a template.

    Raises
    ------
    OsmCodeMapError
        Naming the file and line, or the template and the bad field.
    """
    if template:
        _check_template(template)
    if csv_path is None:
        return OsmCodeMap(template=template)
    by_element: dict[str, str] = {}
    by_ref: dict[str, str] = {}
    try:
        with open(csv_path, encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            fields = reader.fieldnames or []
            if "code" not in fields or not ({"osm_id", "ref"} & set(fields)):
                raise OsmCodeMapError(f"{csv_path}: needs a code column and an osm_id or ref column "
                                      f"(found: {', '.join(fields) or 'none'})")
            for line, row in enumerate(reader, start=2):
                code = (row.get("code") or "").strip()
                element = (row.get("osm_id") or "").strip().replace(" ", "/")
                ref = (row.get("ref") or "").strip()
                if not code or not (element or ref):
                    raise OsmCodeMapError(f"{csv_path} line {line}: needs a code and an osm_id or ref")
                if element:
                    element = _element_key(element)
                    if element is None:
                        raise OsmCodeMapError(f"{csv_path} line {line}: osm_id '{row['osm_id'].strip()}' "
                                              "is not like relation/101")
                target = by_element if element else by_ref
                key = element or ref
                if key in target:
                    raise OsmCodeMapError(f"{csv_path} line {line}: {key} is mapped twice")
                target[key] = code
    except (OSError, UnicodeDecodeError) as exc:
        raise OsmCodeMapError(f"{csv_path}: cannot read ({exc})") from None
    return OsmCodeMap(by_element=by_element, by_ref=by_ref, template=template)


def _element_key(text: str) -> str | None:
    """``relation/101`` or ``way/7`` as the import names elements, else None (``relation/abc`` matched nothing)."""
    osm_type, _, number = text.partition("/")
    osm_id = ascii_integer(number) if osm_type in ("way", "relation") else None
    return None if osm_id is None else f"{osm_type}/{osm_id}"  # negative: JOSM's new objects


def _check_template(template: str) -> None:
    try:
        template.format(parent="000000", ref="1", osm_id=1)
    except (KeyError, IndexError) as exc:
        raise OsmCodeMapError(
            f"--code-template {template}: unknown field {exc}; use {', '.join(TEMPLATE_FIELDS)}") from None
    except ValueError as exc:
        raise OsmCodeMapError(f"--code-template {template}: {exc}") from None
