"""Rust conformance suite: structured examples as functions plus a `conformance_tests!` macro."""

from __future__ import annotations

import math

from specloom.model import Spec, TypeDef, TypeRef
from specloom.naming import (
    rust_enum_variants,
    rust_field_name,
    rust_string,
    rust_type_name,
    rust_variant_name,
)

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
from .signatures import (
    boxed_fields,
    crate_name,
    doc_comment,
    rust_type,
    service_name,
    variant_field,
)


class RustLiterals:
    """Renders typed values as Rust expressions inside the crate of `spec`."""

    def __init__(self, spec: Spec, specs: dict[str, Spec]) -> None:
        self.spec = spec
        self.specs = specs

    def path(self, spec_id: str, name: str) -> str:
        """A type's path seen from this crate: local, or through the imported crate."""
        ident = rust_type_name(name)
        return ident if spec_id == self.spec.id else f"{crate_name(spec_id)}::{ident}"

    def boxed(self, spec_id: str) -> frozenset[tuple[str, str]]:
        spec = self.specs.get(spec_id)
        return boxed_fields(spec) if spec is not None else frozenset()

    def alias_layers(self, ref: TypeRef, owner: str | None = None, depth: int = 0) -> int:
        """How many `Option`s a named alias adds (`alias: nullable<list<T>>` is
        `pub type X = Option<Vec<T>>`: a value of X is `Some(vec![..])`)."""
        if ref.kind != "named" or depth > 32:
            return 0
        sid = ref.spec or owner or self.spec.id
        spec = self.specs.get(sid)
        td = next((t for t in spec.types if t.name == ref.name), None) if spec else None
        if td is None or td.kind != "alias" or td.alias is None:
            return 0
        inner = td.alias
        return int(inner.optional) + int(inner.nullable) + self.alias_layers(inner, sid, depth + 1)

    def lit(
        self,
        v: Value,
        *,
        optional: bool = False,
        boxed: bool = False,
        nullable: bool = False,
        ref: TypeRef | None = None,
    ) -> str:
        """The expression for `v`; `boxed` wraps it in `Box::new`, `nullable` and `optional`
        each in `Some` (an optional nullable is `Option<Option<T>>`: null is `Some(None)`).
        `ref`, the type the value is written for, gives `optional` and `nullable` and the
        `Some`s of an alias of a nullable type."""
        layers = 0
        if ref is not None:
            optional, nullable, layers = ref.optional, ref.nullable, self.alias_layers(ref)
        if isinstance(v, Null):
            if not v.explicit or layers == 0:
                return "Some(None)" if v.explicit and optional and nullable else "None"
            # null of an alias of a nullable type: that alias's `None`, under the outer Options
            out = "None"
            return f"Some({out})" if optional else out
        if isinstance(v, RefValue) and v.type.optional:
            # Already an Option: only the box differs.
            return self._bare(v) + (".map(Box::new)" if boxed else "")
        out = self._bare(v)
        for _ in range(layers):
            out = f"Some({out})"
        if boxed:
            out = f"Box::new({out})"
        if nullable:
            out = f"Some({out})"
        if optional:
            out = f"Some({out})"
        return out

    def reference(self, v: RefValue) -> str:
        """`v_c.lines[0].unit_price.clone()`: a copy of part of a bound result."""
        out = bound_name(v.name)
        last_boxed = False
        for seg, hop in v.hops:
            if isinstance(seg, int):
                out += f"[{seg}]"
                last_boxed = False
                continue
            assert hop is not None
            spec_id, td, name = hop
            out += f".{rust_field_name(name)}"
            last_boxed = (td.name, name) in self.boxed(spec_id)
        return f"(*{out}).clone()" if last_boxed else f"{out}.clone()"

    def _bare(self, v: Value) -> str:
        if isinstance(v, RefValue):
            return self.reference(v)
        if isinstance(v, Scalar):
            if v.prim == "bool":
                return "true" if v.value else "false"
            if v.prim == "int32":
                return f"{v.value}i32"
            if v.prim == "int64":
                return f"{v.value}i64"
            if v.prim == "float64":
                num = float(v.value)
                if math.isnan(num):
                    return "f64::NAN"
                if math.isinf(num):
                    return "f64::INFINITY" if num > 0 else "f64::NEG_INFINITY"
                return f"{num!r}f64"
            if v.prim == "bytes":
                return "vec![" + ", ".join(f"{b}u8" for b in v.value) + "]"
            return f"String::from({rust_string(str(v.value))})"
        if isinstance(v, EnumValue):
            ident = rust_enum_variants([x.name for x in v.typedef.values])[v.variant]
            return f"{self.path(v.spec_id, v.typedef.name)}::{ident}"
        if isinstance(v, UnionValue):
            in_box = (v.typedef.name, variant_field(v.label)) in self.boxed(v.spec_id)
            inner = self.lit(v.value, boxed=in_box)
            return f"{self.path(v.spec_id, v.typedef.name)}::{rust_variant_name(v.label)}({inner})"
        if isinstance(v, ListValue):
            if not v.items:
                return f"Vec::<{self.type_text(v.elem)}>::new()"
            e = v.elem
            items = (self.lit(x, ref=e) for x in v.items)
            return "vec![" + ", ".join(items) + "]"
        if isinstance(v, MapValue):
            if not v.items:
                return f"std::collections::BTreeMap::<String, {self.type_text(v.elem)}>::new()"
            e = v.elem
            pairs = ", ".join(
                f"(String::from({rust_string(k)}), {self.lit(x, ref=e)})" for k, x in v.items
            )
            return f"std::collections::BTreeMap::from([{pairs}])"
        assert isinstance(v, RecordValue)
        boxed = self.boxed(v.spec_id)
        defs = {f.name: f for f in v.typedef.fields}
        parts = []
        for name, x in v.fields:
            f = defs[name]
            expr = self.lit(x, ref=f.type, boxed=(v.typedef.name, name) in boxed)
            parts.append(f"{rust_field_name(name)}: {expr}")
        return f"{self.path(v.spec_id, v.typedef.name)} {{ " + ", ".join(parts) + " }"

    def type_text(self, ref: TypeRef) -> str:
        """A type as written in the conformance module (imported types through their crate)."""
        return rust_type(ref)

    def assertions(
        self,
        expr: str,
        v: Value,
        label: str,
        field: tuple[str, TypeDef, str] | None,
        returns: TypeRef | None = None,
    ) -> list[str]:
        """Statements checking `expr`: records by subset (recursively), the rest exactly.
        `field` is the record field `expr` reads, `returns` the type of a return value."""
        optional = boxed = nullable = False
        layers = 0
        ref = returns
        if field is not None:
            spec_id, td, name = field
            f = next(x for x in td.fields if x.name == name)
            ref = f.type
            boxed = (td.name, name) in self.boxed(spec_id)
        if ref is not None:
            optional, nullable, layers = ref.optional, ref.nullable, self.alias_layers(ref)
        partial_union = (
            isinstance(v, UnionValue) and isinstance(v.value, RecordValue) and v.value.partial
        )
        if (isinstance(v, RecordValue) and v.partial) or partial_union:
            inner = expr
            for _ in range(int(optional) + int(nullable) + layers):
                inner = f"{inner}.as_ref().expect({rust_string(label + ' is None')})"
            if isinstance(v, UnionValue):
                return self._variant_assertions(inner, v, label, deref=boxed)
            assert isinstance(v, RecordValue)
            out: list[str] = []
            for name, x in v.fields:
                sub = f"{inner}.{rust_field_name(name)}"
                out += self.assertions(sub, x, f"{label}.{name}", (v.spec_id, v.typedef, name))
            return out
        want = self.lit(v, boxed=boxed, ref=ref)
        return [f'assert_eq!({expr}, {want}, "{{}}", {rust_string(label)});']

    def _variant_assertions(
        self, expr: str, v: UnionValue, label: str, *, deref: bool
    ) -> list[str]:
        """`match` the variant, then check the record inside by subset."""
        assert isinstance(v.value, RecordValue)
        var = f"v{label.count('.') + label.count('[')}_{len(label)}"
        path = f"{self.path(v.spec_id, v.typedef.name)}::{rust_variant_name(v.label)}"
        # `.as_ref().expect(..)` already gives a reference; a boxed field needs one more `*`
        target = "&" + "*" * (int(deref) + int(expr.endswith(")"))) + expr
        body: list[str] = []
        for name, x in v.value.fields:
            sub = f"{var}.{rust_field_name(name)}"
            body += self.assertions(
                sub, x, f"{label}.{name}", (v.value.spec_id, v.value.typedef, name)
            )
        want = rust_string(f"{label} is the variant {v.label}")
        return [
            f"match {target} {{",
            f"    {path}({var if body else '_'}) => {{",
            *(f"        {line}" for line in body),
            "    }",
            f'    other => panic!("{{}}, got {{:?}}", {want}, other),',
            "}",
        ]


def bound_name(name: str) -> str:
    """The variable an `as: name` step binds (prefixed: never a keyword or `svc`)."""
    return f"v_{name}"


def call_lines(lits: RustLiterals, step: CallStep, result: str, label: str) -> list[str]:
    """Statements making one call and checking it; the value goes into `result`."""
    args = ", ".join(
        lits.lit(v, ref=p.type) for (_, v), p in zip(step.args, step.op.params, strict=True)
    )
    call = f"svc.{rust_field_name(step.op.name)}({args})"
    quoted = rust_string(label)
    if step.error is not None:
        variant = rust_variant_name(step.error.name)
        pat = f"Err(Error::{variant} {{ .. }})" if step.error.fields else f"Err(Error::{variant})"
        return [
            f"match {call} {{",
            f"    {pat} => {{}}",
            "    other => panic!(",
            '        "{}: expected the error {}, got {:?}",',
            f"        {quoted},",
            f"        {rust_string(step.error.name)},",
            "        other",
            "    ),",
            "}",
        ]
    lines = [
        f"let {result} = match {call} {{",
        "    Ok(value) => value,",
        "    Err(error) => panic!(",
        '        "{}: expected a value, got the error {:?}",',
        f"        {quoted},",
        "        error,",
        "    ),",
        "};",
    ]
    if step.op.returns is None:
        lines.append(f"let () = {result};")
    elif step.expect is not None:
        lines += lits.assertions(result, step.expect, result, None, step.op.returns)
    return lines


def case_fn(lits: RustLiterals, case: Case, fn_name: str) -> str:
    """`pub fn <case>(svc: &mut S)`: runs the `given` steps, calls the operation, checks."""
    spec = lits.spec
    lines: list[str] = []
    for n, step in enumerate(case.given, 1):
        result = bound_name(step.bind) if step.bind is not None else f"step{n}"
        lines += call_lines(lits, step, result, f"{fn_name} (given step {n})")
    lines += call_lines(lits, case.main, "got", fn_name)
    doc = doc_comment(case.title, [case.clause] if case.clause else [])
    body = "".join(f"    {line}\n" for line in lines)
    return f"{doc}pub fn {fn_name}<S: {service_name(spec)} + ?Sized>(svc: &mut S) {{\n{body}}}\n"


def fn_names(cases: list[Case]) -> list[str]:
    """Unique snake_case function names, one per case."""
    seen: set[str] = set()
    out: list[str] = []
    for c in cases:
        base = rust_field_name(c.name).removeprefix("r#")
        name = base
        n = 2
        while name in seen:
            name = f"{base}_{n}"
            n += 1
        seen.add(name)
        out.append(name)
    return out
