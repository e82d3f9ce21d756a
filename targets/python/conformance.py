"""Python conformance suite: structured examples as pytest functions over a user factory."""

from __future__ import annotations

import math
import re

from specloom.model import Spec, TypeDef, TypeRef
from specloom.naming import py_field_name, py_method_name, py_module_name, py_string, py_type_name

from ..values import Case, EnumValue, ListValue, MapValue, Null, RecordValue, Scalar, Value
from .signatures import PRIMITIVES, enum_members, module_alias


def qualified_type(ref: TypeRef, owner: str) -> str:
    """The annotation of `ref` (declared in spec `owner`) as the suite writes it: every named
    type qualified by its package alias (`_billing.Invoice`, `_common.Money`)."""
    if ref.kind == "primitive":
        out = PRIMITIVES[ref.name]
    elif ref.kind == "list":
        out = f"list[{qualified_type(ref.args[0], owner)}]"
    elif ref.kind == "map":
        out = f"dict[str, {qualified_type(ref.args[-1], owner)}]"
    else:
        out = f"{module_alias(ref.spec or owner)}.{py_type_name(ref.name)}"
    return out + " | None" if ref.optional else out


def literal(v: Value) -> str:
    """A Python expression for a typed value: models built by their constructors."""
    if isinstance(v, Null):
        return "None"
    if isinstance(v, Scalar):
        return _scalar(v)
    if isinstance(v, EnumValue):
        member = dict((w, m) for m, w in enum_members(v.typedef))[v.variant]
        return f"{module_alias(v.spec_id)}.{py_type_name(v.typedef.name)}.{member}"
    if isinstance(v, ListValue):
        return "[" + ", ".join(literal(x) for x in v.items) + "]"
    if isinstance(v, MapValue):
        return "{" + ", ".join(f"{py_string(k)}: {literal(x)}" for k, x in v.items) + "}"
    args = ", ".join(
        f"{py_field_name(name)}={literal(x)}" for name, x in v.fields if not isinstance(x, Null)
    )
    return f"{module_alias(v.spec_id)}.{py_type_name(v.typedef.name)}({args})"


def _scalar(v: Scalar) -> str:
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
        return f"_dt.date.fromisoformat({py_string(str(v.value))})"
    if v.prim == "datetime":
        return f"_dt.datetime.fromisoformat({py_string(str(v.value))})"
    if v.prim == "uuid":
        return f"_uuid.UUID({py_string(str(v.value))})"
    return py_string(str(v.value))


def _field_type(td: TypeDef, name: str) -> TypeRef:
    return next(f.type for f in td.fields if f.name == name)


class Checks:
    """Expected values hoisted into typed locals (built before the call), then assertions."""

    def __init__(self) -> None:
        self.wants: list[str] = []
        self.asserts: list[str] = []

    def add(self, expr: str, v: Value, ref: TypeRef, owner: str) -> None:
        """Check `expr` (of type `ref`, declared in `owner`) against the expectation `v`."""
        if isinstance(v, Null):
            self.asserts.append(f"assert {expr} is None")
            return
        if isinstance(v, RecordValue) and v.partial:
            if ref.optional:
                self.asserts.append(f"assert {expr} is not None")
            for name, x in v.fields:
                sub = f"{expr}.{py_field_name(name)}"
                self.add(sub, x, _field_type(v.typedef, name), v.spec_id)
            return
        if isinstance(v, Scalar) and v.prim == "float64" and math.isnan(float(v.value)):
            self.asserts.append(f"assert {expr} is not None and math.isnan({expr})")
            return
        want = f"want_{len(self.wants)}"
        self.wants.append(f"{want}: {qualified_type(ref, owner)} = {literal(v)}")
        self.asserts.append(f"assert {expr} == {want}")


def render_case(spec: Spec, case: Case, style: str, function: str) -> str:
    """One `def test_<case>() -> None:` function."""
    args = ", ".join(literal(v) for _, v in case.args)
    call = f"svc.{py_method_name(case.op.name)}({args})"
    if style == "async":
        call = f"asyncio.run({call})"
    tag = f" [{case.clause}]" if case.clause else ""
    where = f"{case.pos.file}:{case.pos.line}"
    doc = py_string(f"{case.name}: {case.title}{tag} ({where})")
    body: list[str] = []
    checks = Checks()
    if case.error is None and case.expect is not None and case.op.returns is not None:
        checks.add("got", case.expect, case.op.returns, spec.id)
    body += checks.wants
    body.append("svc = service()")
    if case.error is not None:
        cls = f"{module_alias(spec.id)}.{py_type_name(case.error.name)}"
        body.append(f"with pytest.raises({cls}):")
        body.append(f"    {call}")
    elif case.expect is None or case.op.returns is None:
        body.append(call)
    else:
        body.append(f"got = {call}")
        body += checks.asserts
    inner = "".join(f"    {line}\n" for line in body)
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
