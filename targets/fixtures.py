"""Typed fixtures for the stub targets: one value of every type of a spec (built from the
type itself) and every structured example value, each with the type it must have. The
typescript and rust targets render them into a file that must compile against the stubs,
whether or not the spec has operations, so every field's type is exercised."""

from __future__ import annotations

import re
from dataclasses import dataclass

from specloom.model import ErrorDef, FieldDef, Operation, Spec, TypeDef, TypeRef, Workspace
from specloom.naming import snake_case, union_variant_labels

from .values import (
    EnumValue,
    ListValue,
    MapValue,
    Null,
    RecordValue,
    Scalar,
    UnionValue,
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


@dataclass(frozen=True)
class CallFixture:
    """Sample arguments and a sample result of one operation (None: it returns nothing)."""

    op: Operation
    args: list[tuple[FieldDef, Value]]
    returns: Value | None


@dataclass(frozen=True)
class ErrorFixture:
    """A sample payload of one error."""

    error: ErrorDef
    fields: list[tuple[FieldDef, Value]]


class Unbuildable(Exception):
    """A type with no finite value (a required reference cycle)."""


class FixtureBuilder:
    """Builds sample values from the types of a spec and the specs it imports."""

    def __init__(self, spec: Spec, workspace: Workspace | None) -> None:
        self.spec = spec
        self.values = ValueBuilder(spec, workspace)
        self._memo: dict[tuple[str, tuple[str, ...]], Value | Unbuildable] = {}
        """Minimal values by (type key, the part of the stack the type can reach)."""
        self._reach: dict[str, frozenset[str]] = {}
        self.canonical: dict[int, tuple[str, TypeDef, Value]] = {}
        """By `id(value)`: the minimal record and union values built with no stack in their
        way; each is the same object wherever it occurs, so a renderer may write it once
        (as a function) and call it where it is nested."""

    def sample(self, ref: TypeRef, owner: str, stack: tuple[str, ...], full: bool) -> Value:
        """A value of `ref`; `full` fills the optional fields of the outer value too (nested
        values are minimal, so the cost stays linear in the depth of the types). A reference
        back into `stack` ends at an absent optional or an empty list or map.

        Minimal values are memoised: a minimal value depends on the stack only through the
        stacked types it can reach, so it is built once per (type, those types). Without
        this, checking for cycles (`_cycles`) built every nested value twice at every level:
        exponential in the depth of the types (1,000 synthetic types took 60 s).
        """
        if ref.kind != "primitive" and ref.kind not in ("list", "map") and not full:
            spec_id, td = self.values.lookup(ref, owner)
            key = f"{spec_id}.{td.name}"
            if key in stack:
                raise Unbuildable(key)
            reach = self.reach(spec_id, td)
            memo_key = (key, tuple(k for k in stack if k in reach))
            hit = self._memo.get(memo_key)
            if hit is None:
                try:
                    hit = self._sample(ref, owner, stack, full)
                except Unbuildable as exc:
                    hit = exc
                self._memo[memo_key] = hit
                # (an alias's value is its target's: shared under the target's name)
                value = hit if isinstance(hit, RecordValue | UnionValue) else None
                if value is not None and value.typedef is td and not memo_key[1]:
                    self.canonical[id(value)] = (spec_id, td, value)
            if isinstance(hit, Unbuildable):
                raise Unbuildable(*hit.args)
            return hit
        return self._sample(ref, owner, stack, full)

    def reach(self, spec_id: str, td: TypeDef) -> frozenset[str]:
        """The keys of the types a minimal value of `td` may walk into (itself included):
        required fields, an alias's required target, union variants, list and map
        elements; optional fields are left out (a minimal value leaves them absent)."""
        start = f"{spec_id}.{td.name}"
        done = self._reach.get(start)
        if done is not None:
            return done
        seen = {start}
        todo = [(spec_id, td)]
        while todo:
            sid, t = todo.pop()
            if t.kind == "alias" and t.alias is not None:
                refs = [(t.alias, True)]
            elif t.kind == "union":
                refs = [(v.type, False) for v in t.variants]
            else:
                refs = [(f.type, True) for f in t.fields]
            for ref, in_field in refs:
                for nxt in self._walked(ref, sid, in_field):
                    k = f"{nxt[0]}.{nxt[1].name}"
                    if k not in seen:
                        seen.add(k)
                        todo.append(nxt)
        out = self._reach[start] = frozenset(seen)
        return out

    def _walked(self, ref: TypeRef, owner: str, in_field: bool) -> list[tuple[str, TypeDef]]:
        if in_field and ref.optional:
            return []
        if ref.kind in ("list", "map"):
            return self._walked(ref.args[-1], owner, False) if ref.args else []
        if ref.kind == "primitive":
            return []
        try:
            return [self.values.lookup(ref, owner)]
        except KeyError:
            return []  # unknown: `sample` raises when it gets there, and nothing is memoised

    def _sample(self, ref: TypeRef, owner: str, stack: tuple[str, ...], full: bool) -> Value:
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
        if td.kind == "union":
            for index in range(len(td.variants)):
                try:
                    return self.variant(spec_id, td, index, inner, full)
                except Unbuildable:
                    continue
            raise Unbuildable(key)
        fields = [(f.name, self._field(f.type, spec_id, inner, full)) for f in td.fields]
        return RecordValue(spec_id, td, fields)

    def variant(
        self, spec_id: str, td: TypeDef, index: int, stack: tuple[str, ...], full: bool
    ) -> UnionValue:
        """A value of one variant of a union."""
        labels = union_variant_labels(
            [v.tag for v in td.variants], [v.type.text for v in td.variants]
        )
        inner = self.sample(td.variants[index].type, spec_id, stack, full)
        return UnionValue(spec_id, td, index, labels[index], inner)

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
            if td.kind == "union":
                labels = union_variant_labels(
                    [v.tag for v in td.variants], [v.type.text for v in td.variants]
                )
                for i, label in enumerate(labels):
                    try:
                        one: Value = self.variant(
                            self.spec.id, td, i, (f"{self.spec.id}.{td.name}",), True
                        )
                    except Unbuildable:
                        continue
                    out.append(Fixture(f"{base}_{_ident(label)}", ref, one, td))
                continue
            if td.kind == "enum":
                out += [
                    Fixture(
                        f"{base}_{_ident(v.name)}", ref, EnumValue(self.spec.id, td, v.name), td
                    )
                    for v in td.values
                ]
                continue
            variants = (
                [("full", True), ("minimal", False)] if td.kind == "record" else [("value", True)]
            )
            built: list[Value] = []
            for suffix, full in variants:
                try:
                    value = self.sample(ref, self.spec.id, (), full)
                except Unbuildable:
                    continue  # a required cycle: the type check reports it; no value exists
                if value not in built:  # a record with no optional field: one value
                    built.append(value)
                    out.append(Fixture(f"{base}_{suffix}", ref, value, td))
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

    def calls(self) -> list[CallFixture]:
        """One sample call of every operation: a value of every parameter and of the result."""
        out: list[CallFixture] = []
        for op in self.spec.operations:
            try:
                args = [(p, self.sample(p.type, self.spec.id, (), False)) for p in op.params]
                ret = op.returns
                result = self.sample(ret, self.spec.id, (), False) if ret is not None else None
            except Unbuildable:
                continue
            out.append(CallFixture(op, args, result))
        return out

    def errors(self) -> list[ErrorFixture]:
        """A sample payload of every error (every field given)."""
        out: list[ErrorFixture] = []
        for err in self.spec.errors:
            try:
                fields = [(f, self.sample(f.type, self.spec.id, (), False)) for f in err.fields]
            except Unbuildable:
                continue
            out.append(ErrorFixture(err, fields))
        return out


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
