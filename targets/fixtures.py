"""Typed fixtures for the stub targets: one value of every type of a spec (built from the
type itself) and every structured example value, each with the type it must have. The
typescript and rust targets render them into a file that must compile against the stubs,
whether or not the spec has operations, so every field's type is exercised."""

from __future__ import annotations

import re
from dataclasses import dataclass

from specloom.model import Spec, TypeDef, TypeRef, Workspace
from specloom.naming import snake_case

from .values import (
    EnumValue,
    ListValue,
    MapValue,
    Null,
    RecordValue,
    Scalar,
    Value,
    ValueBuilder,
    has_reference,
)

SAMPLES: dict[str, object] = {
    "string": "text",
    "int32": 7,
    "int64": 9007199254740993 // 1_000_000,  # beyond int32, exact as a JS number
    "float64": 1.5,
    "bool": True,
    "bytes": b"\x00\xff",
    "date": "2024-02-29",
    "datetime": "2024-02-29T12:00:00Z",
    "uuid": "123e4567-e89b-12d3-a456-426614174000",
}


@dataclass(frozen=True)
class Fixture:
    """One value that must compile as a value of `type`."""

    name: str
    """Identifier-friendly and unique within the spec: `invoice_full`, `example_bil1_1_lines`."""
    type: TypeRef
    value: Value
    typedef: TypeDef | None = None
    """The spec's type this value samples (None for a structured example's value)."""


class Unbuildable(Exception):
    """A type with no finite value (a required reference cycle)."""


class FixtureBuilder:
    """Builds sample values from the types of a spec and the specs it imports."""

    def __init__(self, spec: Spec, workspace: Workspace | None) -> None:
        self.spec = spec
        self.values = ValueBuilder(spec, workspace)

    def sample(self, ref: TypeRef, owner: str, stack: tuple[str, ...], full: bool) -> Value:
        """A value of `ref`; `full` fills the optional fields of the outer value too (nested
        values are minimal, so the cost stays linear in the depth of the types). A reference
        back into `stack` ends at an absent optional or an empty list or map."""
        if ref.kind == "primitive":
            return Scalar(ref.name, SAMPLES[ref.name])
        if ref.kind == "list":
            elem = ref.args[0]
            if self._cycles(elem, owner, stack):
                return ListValue(elem, [])
            return ListValue(elem, [self._elem(elem, owner, stack)])
        if ref.kind == "map":
            elem = ref.args[-1]
            if self._cycles(elem, owner, stack):
                return MapValue(elem, [])
            return MapValue(elem, [("key", self._elem(elem, owner, stack))])
        spec_id, td = self.values.lookup(ref, owner)
        key = f"{spec_id}.{td.name}"
        if key in stack:
            raise Unbuildable(key)
        inner = (*stack, key)
        if td.kind == "alias":
            assert td.alias is not None
            return self._field(td.alias, spec_id, inner, full)
        if td.kind == "enum":
            if not td.values:
                raise Unbuildable(key)
            return EnumValue(spec_id, td, td.values[0].name)
        fields = [(f.name, self._field(f.type, spec_id, inner, full)) for f in td.fields]
        return RecordValue(spec_id, td, fields)

    def _field(self, ref: TypeRef, owner: str, stack: tuple[str, ...], full: bool) -> Value:
        if ref.optional and (not full or self._cycles(ref, owner, stack)):
            return Null()
        return self.sample(ref, owner, stack, False)

    def _elem(self, ref: TypeRef, owner: str, stack: tuple[str, ...]) -> Value:
        return Null() if ref.optional else self.sample(ref, owner, stack, False)

    def _cycles(self, ref: TypeRef, owner: str, stack: tuple[str, ...]) -> bool:
        """True when building `ref` would reach a type already being built."""
        try:
            self.sample(ref, owner, stack, False)
        except Unbuildable:
            return True
        return False

    def fixtures(self) -> list[Fixture]:
        """Per type: a full and a minimal value (records), every value (enums), one value
        (aliases); then every structured example's argument values."""
        out: list[Fixture] = []
        for td in self.spec.types:
            ref = TypeRef(kind="named", name=td.name, text=td.name)
            base = _ident(td.name)
            if td.kind == "enum":
                out += [
                    Fixture(
                        f"{base}_{_ident(v.name)}", ref, EnumValue(self.spec.id, td, v.name), td
                    )
                    for v in td.values
                ]
                continue
            variants = [("full", True), ("minimal", False)] if td.kind == "record" else [("", True)]
            built: list[Value] = []
            for suffix, full in variants:
                try:
                    value = self.sample(ref, self.spec.id, (), full)
                except Unbuildable:
                    continue  # a required cycle: the type check reports it; no value exists
                if value not in built:  # a record with no optional field: one value
                    built.append(value)
                    out.append(Fixture(f"{base}_{suffix}".rstrip("_"), ref, value, td))
        if self.spec.operations:
            for case in self.values.cases():
                # Every call of the example, `given` steps first; a value holding a
                # `$name` reference has no meaning outside its test (TS003/RS003 compile it).
                calls = [(f"{case.name}_given{n}", s) for n, s in enumerate(case.given, 1)]
                calls.append((case.name, case.main))
                for label, call in calls:
                    for (name, value), param in zip(call.args, call.op.params, strict=True):
                        if isinstance(value, Null) or has_reference(value):
                            continue
                        out.append(
                            Fixture(f"example_{_ident(label)}_{_ident(name)}", param.type, value)
                        )
        return _unique(out)


def _ident(text: str) -> str:
    out = re.sub(r"[^a-z0-9_]+", "_", snake_case(text).lower()).strip("_")
    return out or "x"


def _unique(fixtures: list[Fixture]) -> list[Fixture]:
    seen: dict[str, int] = {}
    out: list[Fixture] = []
    for f in fixtures:
        n = seen.get(f.name, 0)
        seen[f.name] = n + 1
        out.append(f if n == 0 else Fixture(f"{f.name}_{n + 1}", f.type, f.value, f.typedef))
    return out
