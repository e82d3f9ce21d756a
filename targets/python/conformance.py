"""Python conformance suite: structured examples as pytest functions over a user factory."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath

from specloom.model import Spec, TypeDef, TypeRef

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
    has_reference,
)
from .naming import py_field_name, py_method_name, py_module_name, py_string, py_type_name
from .signatures import PRIMITIVES, enum_members, module_alias, variant_class_name


@dataclass(frozen=True)
class Spelling:
    """How code outside the package names it: the suite imports each package and the
    standard modules under `_` aliases (`_billing`, `_dt`); a user's module (the tutorial)
    imports them plainly (`billing`, `datetime`)."""

    package: Callable[[str], str]
    dt: str
    uuid: str

    def prim(self, name: str) -> str:
        text = PRIMITIVES[name]
        return text.replace("_dt.", f"{self.dt}.").replace("_uuid.", f"{self.uuid}.")


SUITE = Spelling(module_alias, "_dt", "_uuid")
USER = Spelling(py_module_name, "datetime", "uuid")


def qualified_type(ref: TypeRef, owner: str, sp: Spelling = SUITE) -> str:
    """The annotation of `ref` (declared in spec `owner`) as the suite writes it: every named
    type qualified by its package alias (`_billing.Invoice`, `_common.Money`)."""
    if ref.kind == "primitive":
        out = sp.prim(ref.name)
    elif ref.kind == "list":
        out = f"list[{qualified_type(ref.args[0], owner, sp)}]"
    elif ref.kind == "map":
        out = f"dict[str, {qualified_type(ref.args[-1], owner, sp)}]"
    else:
        out = f"{sp.package(ref.spec or owner)}.{py_type_name(ref.name)}"
    return out + " | None" if ref.optional or ref.nullable else out


def literal(v: Value, sp: Spelling = SUITE) -> str:
    """A Python expression for a typed value: models built by their constructors."""
    if isinstance(v, RefValue):
        return reference(v)
    if isinstance(v, Null):
        return "None"
    if isinstance(v, Scalar):
        return _scalar(v, sp)
    if isinstance(v, EnumValue):
        member = dict((w, m) for m, w in enum_members(v.typedef))[v.variant]
        return f"{sp.package(v.spec_id)}.{py_type_name(v.typedef.name)}.{member}"
    if isinstance(v, ListValue):
        return "[" + ", ".join(literal(x, sp) for x in v.items) + "]"
    if isinstance(v, MapValue):
        return "{" + ", ".join(f"{py_string(k)}: {literal(x, sp)}" for k, x in v.items) + "}"
    if isinstance(v, UnionValue):
        if v.typedef.tag is None or not isinstance(v.value, RecordValue):
            return literal(v.value, sp)  # an untagged union holds its variant's value as is
        cls = variant_class_name(v.typedef, v.typedef.variants[v.index].tag or "")
        return f"{sp.package(v.spec_id)}.{cls}({_args(v.value, sp)})"
    return f"{sp.package(v.spec_id)}.{py_type_name(v.typedef.name)}({_args(v, sp)})"


def _args(v: RecordValue, sp: Spelling) -> str:
    """Keyword arguments of a model: an absent optional field is left out, an explicit null
    (`nullable<T>`) is passed as None (a nullable field has no default)."""
    return ", ".join(
        f"{py_field_name(name)}={literal(x, sp)}"
        for name, x in v.fields
        if not (isinstance(x, Null) and not x.explicit)
    )


def bound_name(name: str) -> str:
    """The local an `as: name` step binds: `bound_<name>`, never a keyword or our own local."""
    return "bound_" + re.sub(r"[^A-Za-z0-9_]", "_", name)


def reference(v: RefValue) -> str:
    """`_present(bound_inv.due)`, `bound_inv.lines[0].unit_price`: an optional field on the
    way is asserted present (the path was checked against the IR)."""
    out = bound_name(v.name)
    last = len(v.hops) - 1
    for i, (seg, hop) in enumerate(v.hops):
        if isinstance(seg, int) or hop is None:
            out += f"[{seg}]"
            continue
        _spec_id, td, field = hop
        out = f"{out}.{py_field_name(field)}"
        if i < last and any(f.name == field and f.type.optional for f in td.fields):
            out = f"_present({out})"
    return out


def _scalar(v: Scalar, sp: Spelling) -> str:
    if v.prim == "bool":
        return "True" if v.value else "False"
    if v.prim == "float64":
        x = float(v.value)
        if math.isnan(x):
            return 'float("nan")'
        if math.isinf(x):
            return 'float("inf")' if x > 0 else 'float("-inf")'
        return repr(x)
    if v.prim in ("int32", "int64"):
        return repr(int(v.value))
    if v.prim == "bytes":
        return repr(bytes(v.value))
    if v.prim == "date":
        return f"{sp.dt}.date.fromisoformat({py_string(str(v.value))})"
    if v.prim == "datetime":
        return f"{sp.dt}.datetime.fromisoformat({py_string(str(v.value))})"
    if v.prim == "uuid":
        return f"{sp.uuid}.UUID({py_string(str(v.value))})"
    return py_string(str(v.value))


def _partial(v: UnionValue) -> bool:
    """A union expectation checked field by field: its variant is a partial record."""
    return isinstance(v.value, RecordValue) and v.value.partial


def _field_type(td: TypeDef, name: str) -> TypeRef:
    return next(f.type for f in td.fields if f.name == name)


class Body:
    """The statements of one test: typed locals built before the first call (the values the
    gate validates), then the calls and their assertions."""

    def __init__(self, spec: Spec, style: str) -> None:
        self.spec = spec
        self.style = style
        self.pre: list[str] = []
        self.lines: list[str] = ["svc = service()"]

    def value(self, v: Value, ref: TypeRef, owner: str, prefix: str) -> str:
        """An expression for `v`: a hoisted typed local unless it refers to an earlier result."""
        if isinstance(v, Null) or has_reference(v):
            return literal(v)
        name = f"{prefix}_{len(self.pre)}"
        self.pre.append(f"{name}: {qualified_type(ref, owner)} = {literal(v)}")
        return name

    def check(self, expr: str, v: Value, ref: TypeRef, owner: str) -> None:
        """Assert `expr` (of type `ref`, declared in `owner`) against the expectation `v`."""
        if isinstance(v, Null):
            self.lines.append(f"assert {expr} is None")
            return
        if isinstance(v, UnionValue) and _partial(v):
            inner = v.value
            assert isinstance(inner, RecordValue)
            if ref.optional or ref.nullable:
                self.lines.append(f"assert {expr} is not None")
            td = v.typedef
            cls = (
                variant_class_name(td, td.variants[v.index].tag or "")
                if td.tag is not None
                else py_type_name(inner.typedef.name)
            )
            owner_pkg = module_alias(v.spec_id if td.tag is not None else inner.spec_id)
            # isinstance narrows the union for mypy and checks the variant (its tag)
            self.lines.append(f"assert isinstance({expr}, {owner_pkg}.{cls})")
            for name, x in inner.fields:
                sub = f"{expr}.{py_field_name(name)}"
                self.check(sub, x, _field_type(inner.typedef, name), inner.spec_id)
            return
        if isinstance(v, RecordValue) and v.partial:
            if ref.optional or ref.nullable:
                self.lines.append(f"assert {expr} is not None")
            for name, x in v.fields:
                sub = f"{expr}.{py_field_name(name)}"
                self.check(sub, x, _field_type(v.typedef, name), v.spec_id)
            return
        if isinstance(v, Scalar) and v.prim == "float64" and math.isnan(float(v.value)):
            self.lines.append(f"assert {expr} is not None and math.isnan({expr})")
            return
        self.lines.append(f"assert {expr} == {self.value(v, ref, owner, 'want')}")

    def call(self, step: CallStep, result: str | None) -> None:
        """One call; `result` names the local its value goes into."""
        args = ", ".join(
            self.value(v, p.type, self.spec.id, "arg")
            for (_, v), p in zip(step.args, step.op.params, strict=True)
        )
        call = f"svc.{py_method_name(step.op.name)}({args})"
        if self.style == "async":
            call = f"asyncio.run({call})"
        if step.error is not None:
            cls = f"{module_alias(self.spec.id)}.{py_type_name(step.error.name)}"
            self.lines += [f"with pytest.raises({cls}):", f"    {call}"]
            return
        if result is None or step.op.returns is None:
            self.lines.append(call)
            return
        self.lines.append(f"{result} = {call}")
        if step.expect is not None:
            self.check(result, step.expect, step.op.returns, self.spec.id)


def render_case(spec: Spec, case: Case, style: str, function: str) -> str:
    """One `def test_<case>() -> None:`: a fresh service, the `given` steps in order, then
    the example's own call."""
    tag = f" [{case.clause}]" if case.clause else ""
    where = f"{PurePosixPath(case.pos.file).name}:{case.pos.line}"  # never a machine path
    doc = py_string(f"{case.name}: {case.title}{tag} ({where})")
    body = Body(spec, style)
    for n, step in enumerate(case.given, 1):
        if step.bind is not None:
            result: str | None = bound_name(step.bind)
        else:
            result = f"step_{n}" if step.expect is not None else None
        body.call(step, result)
    body.call(case.main, None if case.expect is None else "got")
    inner = "".join(f"    {line}\n" for line in [*body.pre, *body.lines])
    return f"\n\ndef {function}() -> None:\n    {doc}\n{inner}"


def function_names(cases: list[Case]) -> list[str]:
    """The test function of each case, in order: `test_<case>` made an identifier, unique."""
    seen: set[str] = set()
    out: list[str] = []
    for c in cases:
        base = "test_" + re.sub(r"[^A-Za-z0-9_]", "_", c.name)
        name, n = base, 1
        while name in seen:
            n += 1
            name = f"{base}_{n}"
        seen.add(name)
        out.append(name)
    return out


def render_cases(spec: Spec, cases: list[Case], style: str) -> str:
    """Every test function of the suite."""
    names = function_names(cases)
    return "".join(render_case(spec, c, style, n) for c, n in zip(cases, names, strict=True))


def factory_variable(spec_id: str) -> str:
    """The environment variable naming the user's factory: `SPECLOOM_BILLING_FACTORY`."""
    return f"SPECLOOM_{py_module_name(spec_id).strip('_').upper()}_FACTORY"
