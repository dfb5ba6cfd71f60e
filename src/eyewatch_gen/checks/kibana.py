"""Kibana saved objects checked against Kibana 8.17's documented saved-object format (no
Kibana runs here): one JSON object per line with `type`, `id`, `attributes` and `references`;
unique ids; per type the attributes Kibana reads (a data view's title and time field, a
search's columns, sort and search source, a dashboard's panels on its 48-column grid); every
reference resolves within the file and every panel has its reference; and every field a data
view, search or sort uses is mapped by the index templates its data view covers.
Format: https://www.elastic.co/guide/en/kibana/8.17/saved-objects-api-import.html
"""

from __future__ import annotations

import fnmatch
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from eyewatch_gen.plan.log_fields import field_type, flatten
from eyewatch_gen.plan.model import Plan
from eyewatch_gen.problems import Problem

FILE = "kibana/saved-objects.ndjson"
TEMPLATES = "elasticsearch/index-templates"
FORMAT = "kibana/format"
REFERENCE = "kibana/reference"
LAYOUT = "kibana/layout"
UNMAPPED_FIELD = "kibana/unmapped-field"
RULES = (FORMAT, REFERENCE, LAYOUT, UNMAPPED_FIELD)

TOP_KEYS = frozenset(
    {
        "type",
        "id",
        "attributes",
        "references",
        "managed",
        "coreMigrationVersion",
        "typeMigrationVersion",
        "originId",
    }
)
REQUIRED = {
    "index-pattern": ("title", "timeFieldName"),
    "search": ("title", "columns", "sort", "kibanaSavedObjectMeta"),
    "dashboard": ("title", "panelsJSON", "optionsJSON", "kibanaSavedObjectMeta"),
}
GRID_COLUMNS = 48
_FIELD = re.compile(r"([A-Za-z_@][A-Za-z0-9_@.]*)\s*(?::|<=|>=|<|>)")
_QUOTED = re.compile(r'"(?:\\.|[^"\\])*"')
Findings = Iterator[tuple[str, str]]


def run(out: Path, plan: Plan) -> list[Problem]:
    """Findings in the generated saved objects (none when there are none)."""
    path = out / FILE
    if not path.is_file():
        return []
    templates = _templates(out)
    return [
        Problem.in_file(FILE, message, rule, line=line)
        for line, message, rule in problems(path.read_text(encoding="utf-8"), templates)
    ]


def _templates(out: Path) -> list[tuple[list[str], dict[str, str]]]:
    found = []
    for path in sorted((out / TEMPLATES).glob("*.json")):
        template = json.loads(path.read_text())
        properties = template.get("template", {}).get("mappings", {}).get("properties", {})
        found.append((template.get("index_patterns", []), flatten(properties)))
    return found


def problems(
    text: str, templates: list[tuple[list[str], dict[str, str]]]
) -> list[tuple[int, str, str]]:
    """(line, message, rule) for everything wrong in an NDJSON saved-objects text."""
    objects: dict[tuple[str, str], tuple[int, dict[str, Any]]] = {}
    found: list[tuple[int, str, str]] = []
    for number, line in enumerate(text.splitlines(), 1):
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            found.append((number, f"not a JSON object: {error}", FORMAT))
            continue
        found += [(number, m, r) for m, r in _shape(record)]
        key = (str(record.get("type")), str(record.get("id")))
        if key in objects:
            found.append((number, f"{key[0]} {key[1]} is defined twice", FORMAT))
        objects[key] = (number, record)
    for (kind, _), (number, record) in objects.items():
        found += [(number, m, r) for m, r in _references(record, objects)]
        if kind == "dashboard":
            found += [(number, m, r) for m, r in _panels(record)]
        found += [(number, m, r) for m, r in _fields(record, objects, templates)]
    return sorted(found)


def _shape(record: Any) -> Findings:
    if not isinstance(record, dict):
        yield "a line must be one saved object", FORMAT
        return
    for key in sorted(set(record) - TOP_KEYS):
        yield f"`{key}` is no saved-object key", FORMAT
    for key in ("type", "id", "attributes", "references"):
        if key not in record:
            yield f"missing `{key}`", FORMAT
    kind = record.get("type")
    if kind not in REQUIRED:
        yield f"type {kind!r} is not one this file should hold ({', '.join(REQUIRED)})", FORMAT
        return
    attributes = record.get("attributes", {})
    for key in REQUIRED[kind]:
        if key not in attributes:
            yield f"{kind} {record.get('id')}: missing attribute `{key}`", FORMAT
    yield from _embedded_json(kind, attributes)


def _embedded_json(kind: str, attributes: dict[str, Any]) -> Findings:
    """The attributes Kibana stores as JSON text must parse, and say what Kibana expects."""
    strings = [("panelsJSON", list), ("optionsJSON", dict)] if kind == "dashboard" else []
    for key, expected in strings:
        value = _json(attributes.get(key, "null"))
        if not isinstance(value, expected):
            yield f"{kind} attribute {key} must be JSON text of a {expected.__name__}", FORMAT
    if kind in ("search", "dashboard"):
        source = _search_source(attributes)
        query = source.get("query", {}) if isinstance(source, dict) else None
        if not isinstance(query, dict) or query.get("language") not in ("kuery", "lucene"):
            yield f"{kind} searchSourceJSON needs a query with language kuery or lucene", FORMAT
    if kind == "search":
        for entry in attributes.get("sort", []):
            if not (isinstance(entry, list) and len(entry) == 2 and entry[1] in ("asc", "desc")):
                yield f"sort entry {entry!r} is not [field, asc|desc]", FORMAT


def _json(text: Any) -> Any:
    try:
        return json.loads(text) if isinstance(text, str) else None
    except json.JSONDecodeError:
        return None


def _search_source(attributes: dict[str, Any]) -> Any:
    meta = attributes.get("kibanaSavedObjectMeta", {})
    return _json(meta.get("searchSourceJSON")) if isinstance(meta, dict) else None


def _references(
    record: dict[str, Any], objects: dict[tuple[str, str], tuple[int, dict[str, Any]]]
) -> Findings:
    names = set()
    for reference in record.get("references", []):
        names.add(reference.get("name"))
        target = (str(reference.get("type")), str(reference.get("id")))
        if target not in objects:
            yield (
                f"{reference.get('name')} refers to {target[0]} {target[1]}, not in this file",
                (REFERENCE),
            )
    source = _search_source(record.get("attributes", {}))
    wanted = source.get("indexRefName") if isinstance(source, dict) else None
    if record.get("type") == "search" and wanted not in names:
        yield f"search {record.get('id')}: indexRefName {wanted!r} names no reference", REFERENCE
    for panel in _json(record.get("attributes", {}).get("panelsJSON", "[]")) or []:
        name = f"{panel.get('panelIndex')}:{panel.get('panelRefName')}"
        if name not in names:
            yield f"panel {panel.get('panelIndex')} has no reference {name}", REFERENCE


def _panels(record: dict[str, Any]) -> Findings:
    panels = _json(record.get("attributes", {}).get("panelsJSON", "[]")) or []
    boxes: list[dict[str, int]] = []
    for panel in panels:
        grid = panel.get("gridData", {})
        if grid.get("i") != panel.get("panelIndex"):
            yield f"panel {panel.get('panelIndex')}: gridData.i differs from panelIndex", LAYOUT
        if grid.get("x", 0) + grid.get("w", 0) > GRID_COLUMNS:
            yield f"panel {panel.get('panelIndex')} goes past column {GRID_COLUMNS}", LAYOUT
        for other in boxes:
            if _overlap(grid, other):
                yield f"panel {panel.get('panelIndex')} overlaps panel {other.get('i')}", LAYOUT
        boxes.append(grid)


def _overlap(a: dict[str, int], b: dict[str, int]) -> bool:
    return not (
        a["x"] + a["w"] <= b["x"]
        or b["x"] + b["w"] <= a["x"]
        or a["y"] + a["h"] <= b["y"]
        or b["y"] + b["h"] <= a["y"]
    )


def query_fields(query: str) -> list[str]:
    """The fields a KQL query names (`field: value`, `field > n`), quoted strings skipped."""
    return [name for name in _FIELD.findall(_QUOTED.sub('""', query)) if "*" not in name]


def _fields(
    record: dict[str, Any],
    objects: dict[tuple[str, str], tuple[int, dict[str, Any]]],
    templates: list[tuple[list[str], dict[str, str]]],
) -> Findings:
    attributes = record.get("attributes", {})
    if record.get("type") == "index-pattern":
        title, names = attributes.get("title", ""), [attributes.get("timeFieldName", "")]
    elif record.get("type") == "search":
        view_id = next((r.get("id") for r in record.get("references", [])), None)
        view = objects.get(("index-pattern", str(view_id)))
        if view is None:  # a dangling reference, reported as such
            return
        title = view[1].get("attributes", {}).get("title", "")
        source = _search_source(attributes) or {}
        names = [*attributes.get("columns", []), *(s[0] for s in attributes.get("sort", []))]
        names += query_fields(str(source.get("query", {}).get("query", "")))
    else:
        return
    yield from _mapped(str(record.get("id")), title, names, templates)


def _mapped(
    owner: str, title: str, names: list[str], templates: list[tuple[list[str], dict[str, str]]]
) -> Findings:
    covered = [fields for patterns, fields in templates if any(_covers(title, p) for p in patterns)]
    if not covered:
        yield f"{owner}: {title} covers no index template's data streams", UNMAPPED_FIELD
        return
    for name in names:
        if any(field_type(name, fields) is None for fields in covered):
            yield (
                f"{owner}: {name} is not mapped by every index template {title} covers",
                (UNMAPPED_FIELD),
            )


def _covers(title: str, pattern: str) -> bool:
    """Whether a data view title reads the indices of an index template pattern."""
    return fnmatch.fnmatchcase(pattern.replace("*", "x"), title)
