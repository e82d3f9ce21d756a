"""TypeScript declarations of IR items: the exact text the generated stubs contain."""

from __future__ import annotations

import json
import math

from specloom import naming
from specloom.model import Constant, ErrorDef, FieldDef, Operation, Spec, TypeDef, TypeRef
from specloom.naming import (
    comment_safe,
    json_string,
    ts_const_name,
    ts_member_name,
    ts_param_name,
    ts_property_key,
    ts_type_name,
)

PRIMITIVES: dict[str, str] = {
    "string": "string",
    "int32": "number",
    "int64": "number",
    "float64": "number",
    "bool": "boolean",
    "bytes": "Uint8Array",
    "date": "string",
    "datetime": "string",
    "uuid": "string",
}
"""IR primitive -> TypeScript type. Dates stay ISO 8601 strings (JSON has no date type)."""


def namespace_name(spec_id: str) -> str:
    """The local name of an imported spec's package (`import type * as common from ...`)."""
    return naming.ts_namespace_name(spec_id)


def service_name(spec: Spec) -> str:
    """The service interface holding the spec's operations: `BillingService`."""
    return naming.ts_service_name(spec.id)


def error_union_name(spec: Spec) -> str:
    """The union of the spec's error classes: `BillingError`."""
    return naming.ts_error_union_name(spec.id)


def package_name(spec_id: str) -> str:
    """The npm package name of a spec: `@specloom/billing`."""
    return "@specloom/" + spec_id.lower().replace("_", "-")


def ts_type(ref: TypeRef, int64: str = "number", *, bare: bool = False) -> str:
    """The TypeScript type of a type expression; `bare` drops the optional `| undefined`."""
    if ref.kind == "primitive":
        out = "bigint" if ref.name == "int64" and int64 == "bigint" else PRIMITIVES[ref.name]
    elif ref.kind == "list":
        out = f"Array<{ts_type(ref.args[0], int64)}>"
    elif ref.kind == "map":
        out = f"Record<string, {ts_type(ref.args[-1], int64)}>"
    else:
        name = ts_type_name(ref.name)
        out = f"{namespace_name(ref.spec)}.{name}" if ref.spec else name
    if ref.optional and not bare:
        out += " | undefined"
    return out


def doc_comment(text: str | None, clauses: list[str], indent: str = "") -> str:
    """A `/** ... */` block with the text and one `@see` per clause ('' when both are empty).

    `*/` inside the text would end the comment: it becomes `*\\/`. Leading `@` of a line
    is escaped so spec text cannot inject JSDoc tags.
    """
    lines: list[str] = []
    if text:
        for raw in comment_safe(text).strip().split("\n"):
            line = raw.rstrip().replace("*/", "*\\/")
            if line.lstrip().startswith("@"):
                line = "\\" + line.lstrip()
            lines.append(line)
    if clauses:
        if lines:
            lines.append("")
        lines += [f"@see {c}" for c in clauses]
    if not lines:
        return ""
    body = "\n".join(f"{indent} *" + (f" {x}" if x else "") for x in lines)
    return f"{indent}/**\n{body}\n{indent} */\n"


def _field(f: FieldDef, int64: str, docs: bool, indent: str = "  ") -> str:
    head = doc_comment(f.doc, [], indent) if docs else ""
    opt = "?" if f.type.optional else ""
    key = ts_property_key(ts_member_name(f.name))
    return f"{head}{indent}readonly {key}{opt}: {ts_type(f.type, int64, bare=True)};\n"


def type_signature(
    spec: Spec, typedef: TypeDef, *, int64: str = "number", docs: bool = False
) -> str:
    """`export interface ...`, `export type ... = "a" | "b"` or `export type X = Y`."""
    name = ts_type_name(typedef.name)
    if typedef.kind == "record":
        body = "".join(_field(f, int64, docs) for f in typedef.fields)
        return f"export interface {name} {{\n{body}}}"
    if typedef.kind == "enum":
        union = " | ".join(json_string(v.name) for v in typedef.values) or "never"
        return f"export type {name} = {union};"
    assert typedef.alias is not None
    return f"export type {name} = {ts_type(typedef.alias, int64)};"


def enum_values_name(typedef: TypeDef) -> str:
    """The const array listing an enum's values: `INVOICE_STATUS_VALUES`."""
    return naming.ts_enum_values_name(typedef.name)


def params_text(params: list[FieldDef], int64: str) -> str:
    """A parameter list; `?` only where every later parameter is optional too."""
    out: list[str] = []
    trailing_optional = True
    for p in reversed(params):
        trailing_optional = trailing_optional and p.type.optional
        name = ts_param_name(p.name)
        if trailing_optional:
            out.append(f"{name}?: {ts_type(p.type, int64, bare=True)}")
        else:
            out.append(f"{name}: {ts_type(p.type, int64)}")
    return ", ".join(reversed(out))


def operation_signature(spec: Spec, op: Operation, *, int64: str = "number") -> str:
    """A method of the service interface: `createInvoice(...): Promise<Invoice>;`."""
    ret = ts_type(op.returns, int64) if op.returns is not None else "void"
    name = ts_property_key(ts_member_name(op.name))
    return f"{name}({params_text(op.params, int64)}): Promise<{ret}>;"


def error_signature(spec: Spec, err: ErrorDef, *, int64: str = "number", docs: bool = False) -> str:
    """An error class with the discriminant `kind` and its payload fields."""
    name = ts_type_name(err.name)
    fields = "".join(_field(f, int64, docs) for f in err.fields)
    if err.fields:
        params = ", ".join(f"{ts_param_name(f.name)}: {ts_type(f.type, int64)}" for f in err.fields)
        assigns = "".join(
            f"    this.{ts_property_key(ts_member_name(f.name))} = {ts_param_name(f.name)};\n"
            for f in err.fields
        )
        ctor = (
            f"  constructor({params}, message?: string) {{\n"
            f"    super(message ?? {json_string(err.doc or err.name)});\n{assigns}  }}\n"
        )
    else:
        ctor = (
            "  constructor(message?: string) {\n"
            f"    super(message ?? {json_string(err.doc or err.name)});\n  }}\n"
        )
    kind = json_string(err.name)
    return (
        f"export class {name} extends SpecloomError {{\n"
        f"  readonly kind = {kind} as const;\n{fields}{ctor}}}"
    )


def constant_value(const: Constant, int64: str = "number") -> str:
    """The literal of a constant (primitive constants; others as JSON)."""
    ref = const.type
    v = const.value
    if ref.kind == "primitive" and ref.name == "int64" and int64 == "bigint":
        return f"{int(v)}n"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float) and (math.isnan(v) or math.isinf(v)):
        return "NaN" if math.isnan(v) else ("Infinity" if v > 0 else "-Infinity")
    if isinstance(v, int | float):
        return repr(v)
    if isinstance(v, str):
        return json_string(v)
    return json.dumps(v, sort_keys=True, ensure_ascii=True)


def constant_signature(spec: Spec, const: Constant, *, int64: str = "number") -> str:
    """`export const NAME: type = value;`."""
    name = ts_const_name(const.name)
    return f"export const {name}: {ts_type(const.type, int64)} = {constant_value(const, int64)};"
