"""Rust declarations of IR items: the exact text the generated crate contains."""

from __future__ import annotations

import math

from specloom import naming
from specloom.model import Constant, ErrorDef, FieldDef, Operation, Spec, TypeDef, TypeRef
from specloom.naming import (
    comment_safe,
    rust_const_name,
    rust_enum_variants,
    rust_field_name,
    rust_string,
    rust_type_name,
    rust_variant_name,
)

PRIMITIVES: dict[str, str] = {
    "string": "String",
    "int32": "i32",
    "int64": "i64",
    "float64": "f64",
    "bool": "bool",
    "bytes": "Vec<u8>",
    "date": "String",
    "datetime": "String",
    "uuid": "String",
}
"""IR primitive -> Rust type. Dates stay ISO 8601 strings: no registry crates (chrono)."""

SERDE = '#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]'


def service_name(spec: Spec) -> str:
    """The trait holding the spec's operations: `BillingService`."""
    return naming.rust_service_name(spec.id)


def crate_name(spec_id: str) -> str:
    """The library name of a spec's crate (also its dependency key): `billing`."""
    return naming.rust_crate_name(spec_id)


def package_name(spec_id: str) -> str:
    """The Cargo package name: `specloom-billing`."""
    return "specloom-" + spec_id.lower().replace("_", "-")


def _direct_refs(ref: TypeRef) -> list[str]:
    """Local type names stored inline by a field of this type (lists and maps are heap)."""
    if ref.kind == "named" and ref.spec is None:
        return [ref.name]
    return []


def _back_edges(edges: dict[str, list[tuple[str, str]]]) -> frozenset[tuple[str, str]]:
    boxed: set[tuple[str, str]] = set()
    state: dict[str, int] = {}  # 1 = on the stack, 2 = done
    for root in edges:
        if root in state:
            continue
        # Iterative DFS: a chain of 1,000 types must not hit Python's recursion limit.
        state[root] = 1
        stack: list[tuple[str, int]] = [(root, 0)]
        while stack:
            node, i = stack[-1]
            out = edges.get(node, [])
            if i >= len(out):
                state[node] = 2
                stack.pop()
                continue
            stack[-1] = (node, i + 1)
            field_name, target = out[i]
            if target not in edges:
                continue
            st = state.get(target)
            if st == 1:
                boxed.add((node, field_name))
            elif st is None:
                state[target] = 1
                stack.append((target, 0))
    return frozenset(boxed)


# One entry: the stubs ask for every type of the same spec in turn. A strong reference to
# the spec makes the identity check exact (no address reuse).
_LAST: list[tuple[Spec, frozenset[tuple[str, str]]]] = []


def boxed_fields(spec: Spec) -> frozenset[tuple[str, str]]:
    """(type, field) pairs that close a cycle of inline type references: only these are boxed.

    Boxing every reference would trip rustc's drop check on long chains (E0320); boxing
    the back edges of a depth-first search in declaration order breaks every cycle. An
    alias's edge has the field name `""`.
    """
    if _LAST and _LAST[0][0] is spec:
        return _LAST[0][1]
    edges: dict[str, list[tuple[str, str]]] = {}
    for td in spec.types:
        if td.kind == "record":
            edges[td.name] = [(f.name, r) for f in td.fields for r in _direct_refs(f.type)]
        elif td.kind == "alias" and td.alias is not None:
            edges[td.name] = [("", r) for r in _direct_refs(td.alias)]
        elif td.kind == "union":
            edges[td.name] = [
                (variant_field(label), r)
                for label, v in zip(union_labels(td), td.variants, strict=True)
                for r in _direct_refs(v.type)
            ]
        else:
            edges[td.name] = []
    result = _back_edges(edges)
    _LAST[:] = [(spec, result)]
    return result


def rust_type(ref: TypeRef, *, boxed: bool = False, bare: bool = False) -> str:
    """The Rust type of a type expression; `boxed` wraps the inner type in `Box`."""
    if ref.kind == "primitive":
        out = PRIMITIVES[ref.name]
    elif ref.kind == "list":
        out = f"Vec<{rust_type(ref.args[0])}>"
    elif ref.kind == "map":
        out = f"std::collections::BTreeMap<String, {rust_type(ref.args[-1])}>"
    else:
        name = rust_type_name(ref.name)
        out = f"{crate_name(ref.spec)}::{name}" if ref.spec else name
    if boxed:
        out = f"Box<{out}>"
    if ref.nullable:
        out = f"Option<{out}>"
    if ref.optional and not bare:
        out = f"Option<{out}>"
    return out


def union_labels(typedef: TypeDef) -> list[str]:
    """One label per union variant (its tag, or its type as words): the enum variant names."""
    return naming.union_variant_labels(
        [v.tag for v in typedef.variants], [v.type.text for v in typedef.variants]
    )


def variant_field(label: str) -> str:
    """The pseudo field name of a union variant in `boxed_fields` (no real field has `|`)."""
    return "|" + label


def _union(spec: Spec, typedef: TypeDef, docs: bool, serde: bool) -> str:
    """`pub enum X { A(A), B(B) }`; with serde, tagged (`serde(tag = ...)`) or untagged."""
    name = rust_type_name(typedef.name)
    boxed = boxed_fields(spec)
    body = ""
    for label, v in zip(union_labels(typedef), typedef.variants, strict=True):
        ident = rust_variant_name(label)
        head = ""
        if docs and serde and v.tag is not None:
            # always renamed: the tag is the value on the wire, whatever the variant's name
            head = f'    #[cfg_attr(feature = "serde", serde(rename = {rust_string(v.tag)}))]\n'
        ty = rust_type(v.type, boxed=(typedef.name, variant_field(label)) in boxed)
        body += f"{head}    {ident}({ty}),\n"
    attrs = "#[derive(Debug, Clone, PartialEq)]\n" if docs else ""
    if docs and serde:
        mode = f"tag = {rust_string(typedef.tag)}" if typedef.tag is not None else "untagged"
        attrs += f'{SERDE}\n#[cfg_attr(feature = "serde", serde({mode}))]\n'
    return f"{attrs}pub enum {name} {{\n{body}}}"


def doc_comment(text: str | None, clauses: list[str], indent: str = "") -> str:
    """`///` lines with the text and a `Clauses:` line naming every clause ('' when empty).

    Doc comments are Markdown: a line of spec text cannot end the comment, but a stray
    code fence would make rustdoc compile it as a doctest, so fences are indented away and
    bare URLs and brackets are left as they are (rustdoc only warns on them).
    """
    lines: list[str] = []
    if text:
        for raw in comment_safe(text).strip().split("\n"):
            line = raw.rstrip()
            stripped = line.lstrip()
            if stripped.startswith(("```", "~~~")) or line.startswith("    "):
                line = "\\" + stripped
            lines.append(line)
    if clauses:
        if lines:
            lines.append("")
        lines.append("Clauses: " + ", ".join(f"`{c}`" for c in clauses))
    return "".join(f"{indent}///" + (f" {x}" if x else "") + "\n" for x in lines)


def _serde_rename(original: str, ident: str, indent: str, serde: bool) -> str:
    if not serde or ident.removeprefix("r#") == original:
        return ""
    return f'{indent}#[cfg_attr(feature = "serde", serde(rename = {rust_string(original)}))]\n'


def _field(
    owner: str, f: FieldDef, boxed: frozenset[tuple[str, str]], docs: bool, serde: bool
) -> str:
    ident = rust_field_name(f.name)
    head = doc_comment(f.doc, [], "    ") if docs else ""
    if docs and serde:
        head += _serde_rename(f.name, ident, "    ", serde)
        if f.type.optional:
            head += (
                '    #[cfg_attr(feature = "serde", '
                'serde(default, skip_serializing_if = "Option::is_none"))]\n'
            )
    ty = rust_type(f.type, boxed=(owner, f.name) in boxed)
    return f"{head}    pub {ident}: {ty},\n"


def type_signature(spec: Spec, typedef: TypeDef, *, docs: bool = False, serde: bool = False) -> str:
    """`pub struct ...`, `pub enum ...` or `pub type X = Y;` (attributes with `docs=True`;
    serde derives and renames behind the `serde` feature with `serde=True` too)."""
    name = rust_type_name(typedef.name)
    derive_serde = f"{SERDE}\n" if serde else ""
    if typedef.kind == "record":
        boxed = boxed_fields(spec)
        body = "".join(_field(typedef.name, f, boxed, docs, serde) for f in typedef.fields)
        attrs = f"#[derive(Debug, Clone, PartialEq)]\n{derive_serde}" if docs else ""
        return f"{attrs}pub struct {name} {{\n{body}}}"
    if typedef.kind == "enum":
        variants = ""
        idents = rust_enum_variants([v.name for v in typedef.values])
        for v in typedef.values:
            ident = idents[v.name]
            head = (
                (doc_comment(v.doc, [], "    ") + _serde_rename(v.name, ident, "    ", serde))
                if docs
                else ""
            )
            variants += f"{head}    {ident},\n"
        attrs = (
            "#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]\n"
            f"{derive_serde}#[non_exhaustive]\n"
            if docs
            else ""
        )
        return f"{attrs}pub enum {name} {{\n{variants}}}"
    if typedef.kind == "union":
        return _union(spec, typedef, docs, serde)
    assert typedef.alias is not None
    box_alias = (typedef.name, "") in boxed_fields(spec)
    return f"pub type {name} = {rust_type(typedef.alias, boxed=box_alias)};"


def operation_signature(spec: Spec, op: Operation) -> str:
    """A trait method: `fn create_invoice(&mut self, ...) -> Result<Invoice, Error>;`."""
    params = "".join(f", {rust_field_name(p.name)}: {rust_type(p.type)}" for p in op.params)
    ret = rust_type(op.returns) if op.returns is not None else "()"
    return f"fn {rust_field_name(op.name)}(&mut self{params}) -> Result<{ret}, Error>;"


def error_signature(spec: Spec, err: ErrorDef, *, docs: bool = False) -> str:
    """A variant of the crate's `Error` enum: `InvalidQuantity { line: i32 }`."""
    name = rust_variant_name(err.name)
    if not err.fields:
        return f"{name},"
    inner = "".join(
        (doc_comment(f.doc, [], "    ") if docs else "")
        + f"    {rust_field_name(f.name)}: {rust_type(f.type)},\n"
        for f in err.fields
    )
    return f"{name} {{\n{inner}}},"


def constant_value(const: Constant) -> str:
    """The literal of a primitive constant (strings as `&str`)."""
    v = const.value
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        if math.isnan(v):
            return "f64::NAN"
        if math.isinf(v):
            return "f64::INFINITY" if v > 0 else "f64::NEG_INFINITY"
        return repr(v) if "." in repr(v) or "e" in repr(v) else repr(v) + ".0"
    if isinstance(v, int):
        return f"{v}.0" if const.type.name == "float64" else str(v)
    return rust_string(str(v))


def constant_type(const: Constant) -> str:
    """Constants are `const`: strings become `&'static str`, other primitives as they are."""
    ref = const.type
    if ref.kind == "primitive" and ref.name in ("string", "date", "datetime", "uuid"):
        return "&str"
    if ref.kind == "primitive":
        return PRIMITIVES[ref.name]
    v = const.value
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int):
        return "i64"
    if isinstance(v, float):
        return "f64"
    return "&str"


def constant_signature(spec: Spec, const: Constant) -> str:
    """`pub const NAME: type = value;`."""
    return (
        f"pub const {rust_const_name(const.name)}: {constant_type(const)} = "
        f"{constant_value(const)};"
    )
