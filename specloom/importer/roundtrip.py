"""The round-trip normalisation: what an import and a re-import of its export must share.

Types compare by name and signature (kind, fields with types and optionality, enum values,
union tag and variants; docs and clause lists are left out: the import makes one clause per
section). Errors compare by name, fields and HTTP status (given, or the naming rule's).
Operations compare by name, binding, parameters as a set of name:type:placement, result and
errors. docs/import-openapi.md documents it; the tests and `bench/openapi_corpus.py` use it.

The round trip compares the import with itself; `body_wire_differences` compares the
exported document with the *source* on the request bodies' wire shape, which the round trip
cannot see (an export that wraps every body in an object re-imports to the same spec).
"""

from __future__ import annotations

from typing import Any

from specloom.check.conflicts import type_signature
from specloom.model import HTTP_METHODS, Spec

from .document import Json, Refs

Shape = tuple[list[str], list[tuple[Any, ...]]]


def shape(spec: Spec) -> Shape:
    """(sorted type and error signatures, sorted operation signatures) of a spec."""
    types = sorted(f"{t.name}={type_signature(t, 'x')}" for t in spec.types)
    types += sorted(
        f"error {e.name}:{e.http_status()}:{[(f.name, f.type.text) for f in e.fields]}"
        for e in spec.errors
    )
    ops = sorted(
        (
            o.name,
            *o.binding(),
            tuple(sorted(f"{p.name}:{p.type.text}:{o.placement(p.name)}" for p in o.params)),
            o.whole_body() or "-",
            o.returns.text if o.returns else "-",
            tuple(sorted(o.errors)),
        )
        for o in spec.operations
    )
    return types, ops


def differences(first: Shape, second: Shape, limit: int = 5) -> list[str]:
    """Readable differences between two shapes (at most `limit` of each kind)."""
    out: list[str] = []
    for label, a, b in (("type", first[0], second[0]), ("operation", first[1], second[1])):
        sa, sb = {str(x) for x in a}, {str(x) for x in b}
        out += [f"{label} only before: {x}" for x in sorted(sa - sb)[:limit]]
        out += [f"{label} only after: {x}" for x in sorted(sb - sa)[:limit]]
    return out


def document_inventory(doc: Json) -> tuple[list[str], list[str]]:
    """(component schema names, `METHOD path` of every operation) an OpenAPI document holds."""
    schemas = [str(k) for k in ((doc.get("components") or {}).get("schemas") or {})]
    ops: list[str] = []
    for path, item in (doc.get("paths") or {}).items():
        if isinstance(item, dict):
            ops += [
                f"{m.upper()} {path}"
                for m, op in item.items()
                if m.upper() in HTTP_METHODS and isinstance(op, dict)
            ]
    return schemas, ops


def lost_schemas(doc: Json, spec: Spec) -> list[str]:
    """Component schemas with no type or error of the name the import gives them."""
    from .types import TypeBuilder

    names = {t.name for t in spec.types} | {e.name for e in spec.errors}
    wanted = TypeBuilder(doc, Refs(doc), spec.id).by_ref
    return [ref.rsplit("/", 1)[-1] for ref, name in wanted.items() if name not in names]


def _properties(schema: Any, refs: Refs, depth: int = 0) -> dict[str, Any] | None:
    """The properties an object schema declares, with those of its `allOf` parts; None when
    it declares none."""
    schema = refs.resolve(schema)
    if not isinstance(schema, dict) or depth > 16:
        return None
    props = (
        dict(schema.get("properties") or {}) if isinstance(schema.get("properties"), dict) else {}
    )
    found = isinstance(schema.get("properties"), dict)
    for part in schema.get("allOf") or []:
        more = _properties(part, refs, depth + 1)
        if more is not None:
            found = True
            for k, v in more.items():
                props.setdefault(k, v)
    return props if found else None


def _body_kind(schema: Any, refs: Refs) -> str:
    """The wire shape of a JSON request body, through `$ref`s and `allOf`: an object with its
    property names, a union of objects that add properties of their own, an array, or a
    scalar type. (A `oneOf` that only adds `required` lists is a constraint, not a union.)"""
    schema = refs.resolve(schema)
    if not isinstance(schema, dict):
        return "any"
    variants = [refs.resolve(v) for v in schema.get("oneOf") or schema.get("anyOf") or []]
    adding = [v for v in variants if isinstance(v, dict) and _properties(v, refs)]
    if len(adding) > 1 or (
        variants and not isinstance(schema.get("properties"), dict) and not adding
    ):
        return f"union of {len(variants)}"
    props = _properties(schema, refs)
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if props is not None or kind == "object":
        names = sorted(str(k) for k in props or {})
        return "object {" + ", ".join(names) + "}" if names else "object"
    return str(kind or "any")


def body_kinds(doc: Json) -> dict[str, str]:
    """`METHOD path` -> the wire shape of its JSON request body (GET and HEAD left out: the
    spec has no body there)."""
    refs = Refs(doc)
    out: dict[str, str] = {}
    for path, item in (doc.get("paths") or {}).items():
        if not isinstance(item, dict):
            continue
        for method, op in item.items():
            if method.upper() not in HTTP_METHODS or method.upper() in ("GET", "HEAD"):
                continue
            body = refs.resolve(op.get("requestBody")) if isinstance(op, dict) else None
            content = body.get("content") if isinstance(body, dict) else None
            media = content.get("application/json") if isinstance(content, dict) else None
            if isinstance(media, dict):
                out[f"{method.upper()} {path}"] = _body_kind(media.get("schema"), refs)
    return out


def body_wire_differences(source: Json, exported: Json) -> list[str]:
    """Operations of both documents whose request body has another wire shape."""
    a, b = body_kinds(source), body_kinds(exported)
    return [f"{k}: body {a[k]} -> {b[k]}" for k in sorted(a.keys() & b.keys()) if a[k] != b[k]]
