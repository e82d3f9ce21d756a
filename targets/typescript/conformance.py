"""TypeScript conformance suite: structured examples as node:test cases over a user factory."""

from __future__ import annotations

import math
from collections.abc import Callable

from specloom.model import Spec, TypeDef
from specloom.naming import json_string, ts_member_name, ts_property_key, ts_type_name

from ..values import (
    CallStep,
    Case,
    EnumValue,
    ListValue,
    MapValue,
    Null,
    RecordValue,
    RefValue,
    Scalar,
    UnionValue,
    Value,
)
from .signatures import error_union_name, service_name

Shared = Callable[[Value], str | None]
"""Given a value, the expression that stands for it (a call of a function holding it), or
None to spell it out (see `typescript/shared_values.py`)."""


def literal(v: Value, int64: str, shared: Shared | None = None) -> str:
    """A TypeScript expression for a typed value (records use the camelCase member names)."""
    if isinstance(v, RefValue):
        return reference(v)
    if isinstance(v, Null):
        return "null" if v.explicit else "undefined"
    if shared is not None:
        call = shared(v)
        if call is not None:
            return call
    if isinstance(v, UnionValue):
        inner_shared = shared
        if shared is not None and v.typedef.tag is not None:
            # the tag is spliced into the variant's object literal: spell that one out
            inner_shared = _spelled(shared, v.value)
        inner = literal(v.value, int64, inner_shared)
        tag = v.typedef.tag
        if tag is None:
            return inner
        key = ts_property_key(ts_member_name(tag))
        head = f"{key}: {json_string(v.typedef.variants[v.index].tag or '')}"
        return "{" + head + (", " + inner[1:] if inner != "{}" else "}")
    if isinstance(v, Scalar):
        if v.prim == "bool":
            return "true" if v.value else "false"
        if v.prim == "int64" and int64 == "bigint":
            return f"{v.value}n"
        if v.prim == "float64":
            x = float(v.value)
            if math.isnan(x):
                return "NaN"
            if math.isinf(x):
                return "Infinity" if x > 0 else "-Infinity"
            return repr(x)
        if v.prim in ("int32", "int64"):
            return repr(v.value)
        if v.prim == "bytes":
            return "new Uint8Array([" + ", ".join(str(b) for b in v.value) + "])"
        return json_string(str(v.value))
    if isinstance(v, EnumValue):
        return json_string(v.variant)
    if isinstance(v, ListValue):
        return "[" + ", ".join(literal(x, int64, shared) for x in v.items) + "]"
    if isinstance(v, MapValue):
        pairs = (f"{json_string(k)}: {literal(x, int64, shared)}" for k, x in v.items)
        return "{" + ", ".join(pairs) + "}"
    parts = [
        f"{ts_property_key(ts_member_name(name))}: {literal(x, int64, shared)}"
        for name, x in v.fields
        if not isinstance(x, Null) or x.explicit
    ]
    return "{" + ", ".join(parts) + "}"


def _spelled(shared: Shared, value: Value) -> Shared:
    """`shared`, except that `value` itself is spelled out (its parts may still be shared)."""
    return lambda v: None if v is value else shared(v)


def bound_name(name: str) -> str:
    """The constant an `as: name` step binds (`$name`, as in the spec, never a keyword)."""
    return f"${name}"


def reference(v: RefValue) -> str:
    """`$c.items[0]!.id`: list items asserted present (the path was checked against the IR)."""
    out = bound_name(v.name)
    for seg, _ in v.hops:
        if isinstance(seg, int):
            out += f"[{seg}]!"
            continue
        key = ts_member_name(seg)
        out += f".{key}" if ts_property_key(key) == key else f"[{json_string(key)}]"
    return out


def _may_be_absent(td: TypeDef, field: str) -> bool:
    """Whether the field may be undefined or null (its members are then reached with `?.`)."""
    return any(f.name == field and (f.type.optional or f.type.nullable) for f in td.fields)


def assertions(expr: str, v: Value, int64: str, absent: bool = False) -> list[str]:
    """Statements checking `expr` against an expectation: records by subset, the rest exactly.
    `absent`: `expr` may be undefined or null by its type, so its members are read with `?.`
    (a nested expectation under an optional field; strict tsc refuses a plain `.`)."""
    if isinstance(v, Null):
        if v.explicit:  # `null`, not absent
            return [f"assert.strictEqual({expr}, null);"]
        return [f"assert.equal({expr} ?? null, null);"]
    if isinstance(v, UnionValue) and isinstance(v.value, RecordValue) and v.value.partial:
        # narrow to the variant's record (a local type: the suite imports the spec as `api`)
        ref = v.typedef.variants[v.index].type
        if ref.kind == "named" and ref.spec is None:
            checks: list[str] = []
            if v.typedef.tag is not None:
                key = ts_member_name(v.typedef.tag)
                tag = json_string(v.typedef.variants[v.index].tag or "")
                checks.append(f"assert.equal(({expr} as {{ {key}?: unknown }})?.{key}, {tag});")
            return checks + assertions(f"({expr} as api.{ts_type_name(ref.name)})", v.value, int64)
    if isinstance(v, RecordValue) and v.partial:
        out: list[str] = []
        dot = "?." if absent else "."
        for name, x in v.fields:
            key = ts_member_name(name)
            sub = (
                f"{expr}{dot}{key}"
                if ts_property_key(key) == key
                else f"{expr}{'?.' if absent else ''}[{json_string(key)}]"
            )
            out += assertions(sub, x, int64, _may_be_absent(v.typedef, name))
        return out
    return [f"assert.deepStrictEqual({expr}, {literal(v, int64)});"]


def call_lines(step: CallStep, result: str | None, int64: str) -> list[str]:
    """Statements making one call; `result` names the constant its value goes into."""
    args = ", ".join(literal(v, int64) for _, v in step.args)
    call = f"svc.{ts_member_name(step.op.name)}({args})"
    if step.error is not None:
        cls = ts_type_name(step.error.name)
        kind = json_string(step.error.name)
        return [
            f"await assert.rejects(async () => {call}, (e: unknown) => "
            f"e instanceof api.{cls} && e.kind === {kind});"
        ]
    if result is None:
        return [f"await {call};"]
    out = [f"const {result} = await {call};"]
    if step.expect is not None:
        out += assertions(result, step.expect, int64)
    return out


def render_case(spec: Spec, case: Case, int64: str) -> str:
    """One `test(...)` block: a fresh service, the `given` steps in order, then the call."""
    tag = f" [{case.clause}]" if case.clause else ""
    title = json_string(f"{case.name}: {case.title}{tag}")
    body: list[str] = ["const svc = await factory();"]
    for n, step in enumerate(case.given, 1):
        if step.bind is not None:
            result: str | None = bound_name(step.bind)
        else:
            result = f"step{n}" if step.expect is not None else None
        body += call_lines(step, result, int64)
    body += call_lines(case.main, None if case.expect is None else "got", int64)
    inner = "".join(f"    {line}\n" for line in body)
    return f"  test({title}, async () => {{\n{inner}  }});\n"


def render_suite(spec: Spec, cases: list[Case], int64: str) -> dict[str, str]:
    """Names the template needs: the service, the error union and the rendered cases."""
    return {
        "service": service_name(spec),
        "error_union": error_union_name(spec),
        "cases": "".join(render_case(spec, c, int64) for c in cases),
    }
