"""IR types as JSON Schema 2020-12 (the dialect of OpenAPI 3.1 and of the jsonschema target)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from specloom.model import ErrorDef, FieldDef, TypeDef, TypeRef

Json = dict[str, Any]
RefOf = Callable[[str | None, str], str]
"""(spec id or None for local, type name) -> the `$ref` URI of that type's schema."""

PRIMITIVES: dict[str, Json] = {
    "string": {"type": "string"},
    "int32": {"type": "integer", "format": "int32"},
    "int64": {"type": "integer", "format": "int64"},
    "float64": {"type": "number", "format": "double"},
    "bool": {"type": "boolean"},
    "bytes": {"type": "string", "contentEncoding": "base64"},
    "date": {"type": "string", "format": "date"},
    "datetime": {"type": "string", "format": "date-time"},
    "uuid": {"type": "string", "format": "uuid"},
}
"""IR primitive -> schema. int64 keeps `format: int64` (JSON numbers are not bounded)."""

CLAUSES = "x-specloom-clauses"
"""The extension keyword carrying the clause ids an item realises (one list per item)."""


def ref_schema(ref: TypeRef, ref_of: RefOf) -> Json:
    """The schema of a type expression. `T?` is the caller's business (not `required`);
    `nullable<T>` adds `null`: `type: [t, "null"]` where there is a plain type, else
    `anyOf: [S, {type: null}]`."""
    out: Json
    if ref.kind == "primitive":
        out = dict(PRIMITIVES[ref.name])
    elif ref.kind == "list":
        out = {"type": "array", "items": ref_schema(ref.args[0], ref_of)}
    elif ref.kind == "map":
        out = {"type": "object", "additionalProperties": ref_schema(ref.args[-1], ref_of)}
    else:
        out = {"$ref": ref_of(ref.spec, ref.name)}
    if ref.nullable:
        if isinstance(out.get("type"), str):
            out["type"] = [out["type"], "null"]
        else:
            out = {"anyOf": [out, {"type": "null"}]}
    return out


def object_schema(fields: list[FieldDef], ref_of: RefOf) -> Json:
    """`type: object` with a property per field; required = the fields that are not `T?`."""
    props: Json = {}
    for f in fields:
        s = ref_schema(f.type, ref_of)
        props[f.name] = {**s, "description": f.doc} if f.doc else s  # 2020-12: $ref + siblings
    out: Json = {"type": "object", "properties": props}
    required = [f.name for f in fields if not f.type.optional]
    if required:
        out["required"] = required
    return out


def type_schema(td: TypeDef, ref_of: RefOf) -> Json:
    """The schema of a type definition, with its doc and clause ids."""
    out: Json
    if td.kind == "record":
        out = object_schema(td.fields, ref_of)
    elif td.kind == "enum":
        out = {"type": "string", "enum": [v.name for v in td.values]}
    elif td.kind == "alias":
        assert td.alias is not None
        out = ref_schema(td.alias, ref_of)
    else:
        out = union_schema(td, ref_of)
    return _annotate(out, td.doc, td.clauses)


def union_schema(td: TypeDef, ref_of: RefOf) -> Json:
    """`oneOf` the variants; a tagged union adds its tag to each variant (`const`) and an
    OpenAPI `discriminator` mapping each tag value to the variant's record."""
    if td.tag is None:
        return {"oneOf": [ref_schema(v.type, ref_of) for v in td.variants]}
    variants = []
    mapping: dict[str, str] = {}
    for v in td.variants:
        tag = v.tag or ""
        inner = ref_schema(v.type, ref_of)
        variants.append(
            {
                "allOf": [inner],
                "type": "object",
                "properties": {td.tag: {"const": tag}},
                "required": [td.tag],
            }
        )
        if "$ref" in inner:
            mapping[tag] = inner["$ref"]
    out: Json = {"oneOf": variants, "discriminator": {"propertyName": td.tag}}
    if len(mapping) == len(td.variants):
        out["discriminator"]["mapping"] = mapping
    return out


def error_schema(e: ErrorDef, ref_of: RefOf) -> Json:
    """An error body: `{"error": "<Name>", ...payload fields}`."""
    out = object_schema(e.fields, ref_of)
    out["properties"] = {"error": {"const": e.name}, **out["properties"]}
    out["required"] = ["error", *out.get("required", [])]
    return _annotate(out, e.doc, e.clauses)


def _annotate(schema: Json, doc: str | None, clauses: list[str]) -> Json:
    out = dict(schema)
    if doc:
        out["description"] = doc
    out[CLAUSES] = list(clauses)
    return out
