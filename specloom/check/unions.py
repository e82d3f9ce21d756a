"""Union checks (SL113-SL115): variants, tags, and untagged unions a reader can tell apart."""

from __future__ import annotations

from collections.abc import Iterator

from specloom.check.rules import finding
from specloom.findings import Finding
from specloom.model import Spec, TypeDef, TypeRef, UnionVariant, Workspace

_SHAPE = {
    "string": "string",
    "bytes": "string",
    "date": "string",
    "datetime": "string",
    "uuid": "string",
    "int32": "number",
    "int64": "number",
    "float64": "number",
    "bool": "boolean",
}
"""The JSON kind of each primitive; int and float share `number` (3 is both)."""


def _first(t: TypeDef) -> str | None:
    return t.clauses[0] if t.clauses else None


def resolve(ref: TypeRef, spec: Spec, ws: Workspace | None) -> TypeDef | None:
    """The type definition a named reference points at (None: primitive, list, map, unknown)."""
    if ref.kind != "named":
        return None
    owner = spec if ref.spec in (None, spec.id) else (ws.specs.get(ref.spec) if ws else None)
    if owner is None:
        return None
    return next((t for t in owner.types if t.name == ref.name), None)


def _owner(ref: TypeRef, spec: Spec, ws: Workspace | None) -> Spec:
    if ref.spec in (None, spec.id) or ws is None:
        return spec
    return ws.specs.get(ref.spec or "", spec)


def check(spec: Spec, ws: Workspace | None) -> Iterator[Finding]:
    """Every union of the spec."""
    for t in spec.types:
        if t.kind == "union":
            yield from _variants(t, spec, ws)
            if t.tag is not None:
                yield from _tags(t)
            else:
                yield from _ambiguous(t, spec, ws)


def _variants(t: TypeDef, spec: Spec, ws: Workspace | None) -> Iterator[Finding]:
    if len(t.variants) < 2:
        yield finding(
            "SL113",
            f"union {t.name} has {len(t.variants)} variant(s): a union needs at least two; "
            "use an alias for one type",
            t.pos,
            _first(t),
        )
    for v in t.variants:
        if v.type.optional or v.type.nullable:
            yield finding(
                "SL113",
                f"variant {v.type.text!r} of union {t.name} is optional or nullable: write "
                f"the variant as a plain type and mark the use of {t.name} (`{t.name}?` or "
                f"`nullable<{t.name}>`) instead",
                v.pos,
                _first(t),
            )
        if t.tag is None:
            continue
        td = resolve(v.type, spec, ws)
        if td is None:
            if v.type.kind != "named":
                yield finding(
                    "SL113",
                    f"variant {v.tag!r} of tagged union {t.name} is {v.type.text!r}: a tagged "
                    "union's variants are records (the tag is a field of the value); use an "
                    "untagged union for scalars",
                    v.pos,
                    _first(t),
                )
            continue  # unknown names are SL101
        if td.kind != "record":
            yield finding(
                "SL113",
                f"variant {v.tag!r} of tagged union {t.name} is the {td.kind} {td.name}: a "
                "tagged union's variants are records",
                v.pos,
                _first(t),
            )
        elif any(f.name == t.tag for f in td.fields):
            yield finding(
                "SL113",
                f"record {td.name} declares the field {t.tag!r}, which is the tag of union "
                f"{t.name}: remove the field (the union adds it to each variant)",
                v.pos,
                _first(t),
            )


def _tags(t: TypeDef) -> Iterator[Finding]:
    seen: dict[str, UnionVariant] = {}
    for v in t.variants:
        if not v.tag:
            yield finding(
                "SL114",
                f"a variant of tagged union {t.name} ({v.type.text}) has no tag value: give it "
                f"the value its `{t.tag}` field carries",
                v.pos,
                _first(t),
            )
            continue
        if v.tag in seen:
            o = seen[v.tag]
            yield finding(
                "SL114",
                f"tag {v.tag!r} of union {t.name} names two variants ({o.type.text} at line "
                f"{o.pos.line} and {v.type.text}): give each variant its own tag",
                v.pos,
                _first(t),
            )
        else:
            seen[v.tag] = v


def _shapes(
    ref: TypeRef, spec: Spec, ws: Workspace | None, depth: int = 0
) -> list[tuple[str, TypeDef | None]]:
    """The JSON kinds a value of `ref` can have, with the record behind an `object`."""
    if depth > 32:
        return []
    if ref.kind == "primitive":
        return [(_SHAPE[ref.name], None)]
    if ref.kind == "list":
        return [("array", None)]
    if ref.kind == "map":
        return [("object", None)]
    td = resolve(ref, spec, ws)
    if td is None:
        return []
    owner = _owner(ref, spec, ws)
    if td.kind == "record":
        return [("object", td)]
    if td.kind == "enum":
        return [("string", td)]
    if td.kind == "alias" and td.alias is not None:
        return _shapes(td.alias, owner, ws, depth + 1)
    if td.kind == "union":
        if td.tag is not None:
            return [("object", td)]
        return [s for v in td.variants for s in _shapes(v.type, owner, ws, depth + 1)]
    return []


def _overlap(a: tuple[str, TypeDef | None], b: tuple[str, TypeDef | None]) -> bool:
    if a[0] != b[0]:
        return False
    x, y = a[1], b[1]
    if x is None or y is None:
        return True
    if x.kind == "enum" and y.kind == "enum":
        return bool({v.name for v in x.values} & {v.name for v in y.values})
    if x.kind == "record" and y.kind == "record":
        fx, fy = {f.name for f in x.fields}, {f.name for f in y.fields}
        rx = {f.name for f in x.fields if not f.type.optional}
        ry = {f.name for f in y.fields if not f.type.optional}
        return rx <= fy or ry <= fx
    return True


def _ambiguous(t: TypeDef, spec: Spec, ws: Workspace | None) -> Iterator[Finding]:
    shapes = [(v, _shapes(v.type, spec, ws)) for v in t.variants]
    for i, (v, sv) in enumerate(shapes):
        for w, sw in shapes[:i]:
            if any(_overlap(a, b) for a in sv for b in sw):
                yield finding(
                    "SL115",
                    f"untagged union {t.name}: a value of {v.type.text} can also be read as "
                    f"{w.type.text} (line {w.pos.line}), so a reader cannot tell which "
                    "variant it holds: give the union a `tag`, drop one variant, or make "
                    "their required fields differ",
                    v.pos,
                    _first(t),
                )
                break
