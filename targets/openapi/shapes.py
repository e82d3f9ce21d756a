"""OA005 / JS005: each record's schema has exactly the IR type's fields, the right ones
required, and each primitive field the JSON type of its IR type. Read from the published
document; the expectation is the IR's, not the generator's."""

from __future__ import annotations

from typing import Any

from specloom.findings import Finding, Severity
from specloom.model import Spec, TypeRef

JSON_TYPES = {
    "string": "string",
    "bytes": "string",
    "date": "string",
    "datetime": "string",
    "uuid": "string",
    "int32": "integer",
    "int64": "integer",
    "float64": "number",
    "bool": "boolean",
}
"""The JSON type each primitive must have (`format` aside)."""


def _json_type(ref: TypeRef) -> str | None:
    if ref.kind == "primitive":
        return JSON_TYPES.get(ref.name)
    return {"list": "array", "map": "object"}.get(ref.kind)


def _types_of(schema: Any) -> set[str]:
    """The JSON types a property schema allows (`type` as a string or a list, or `anyOf` /
    `oneOf` of such); empty when it names none (a `$ref`)."""
    if not isinstance(schema, dict):
        return set()
    t = schema.get("type")
    found = {t} if isinstance(t, str) else {x for x in t if isinstance(x, str)} if t else set()
    for key in ("anyOf", "oneOf"):
        for sub in schema.get(key) or []:
            found |= _types_of(sub)
    return found


def record_shapes(spec: Spec, schemas: Any, rule: str, file: str, where: str) -> list[Finding]:
    """Each record type of the spec against `schemas[name]` (components/schemas or $defs)."""
    out: list[Finding] = []
    if not isinstance(schemas, dict):
        return out
    for td in spec.types:
        node = schemas.get(td.name)
        if td.kind != "record" or not isinstance(node, dict):
            continue  # a missing schema is OA004/JS004's finding
        first = td.clauses[0] if td.clauses else None
        props = node.get("properties") or {}
        want = {f.name for f in td.fields}
        problems: list[str] = []
        if set(props) != want:
            problems.append(f"properties {sorted(props)}, the type has the fields {sorted(want)}")
        required = set(node.get("required") or [])
        must = {f.name for f in td.fields if not f.type.optional}
        if required != must:
            problems.append(f"required {sorted(required)}, the type requires {sorted(must)}")
        for f in td.fields:
            jt = _json_type(f.type)
            got = _types_of(props.get(f.name))
            if jt is not None and got and jt not in got:
                problems.append(f"field {f.name} is {sorted(got)}, its type {f.type.text} is {jt}")
        for p in problems:
            out.append(
                Finding(
                    rule=rule,
                    severity=Severity.ERROR,
                    file=file,
                    clause=first,
                    message=f"{where}/{td.name}: {p}",
                )
            )
    return out
