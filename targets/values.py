"""Typed example values: YAML from `specloom-example` blocks checked against the IR types."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import Any

from specloom.check.values import call_problems
from specloom.errors import SpecError
from specloom.model import (
    ErrorDef,
    Operation,
    SourcePos,
    Spec,
    StructuredExample,
    TypeDef,
    TypeRef,
    Workspace,
)


@dataclass(frozen=True)
class Scalar:
    """A primitive value: `prim` is the IR primitive name (`int64`, `string`...)."""

    prim: str
    value: Any


@dataclass(frozen=True)
class Null:
    """An absent optional value (`null` in YAML, or a field left out of a record)."""


@dataclass(frozen=True)
class ListValue:
    """A list; `elem` is the element type."""

    elem: TypeRef
    items: list[Value]


@dataclass(frozen=True)
class MapValue:
    """A `map<string,T>`; keys sorted for deterministic output."""

    elem: TypeRef
    items: list[tuple[str, Value]]


@dataclass(frozen=True)
class EnumValue:
    """One variant of an enum type defined in spec `spec_id`."""

    spec_id: str
    typedef: TypeDef
    variant: str


@dataclass(frozen=True)
class RecordValue:
    """A record. `fields` lists the given fields (and, when complete, absent optionals as Null).

    `partial` is True for an expectation: only the given fields are checked.
    """

    spec_id: str
    typedef: TypeDef
    fields: list[tuple[str, Value]] = field(default_factory=list)
    partial: bool = False


Value = Scalar | Null | ListValue | MapValue | EnumValue | RecordValue


@dataclass(frozen=True)
class Case:
    """One conformance case: call `op` with typed `args`, expect `expect` or error `error`."""

    name: str
    """A unique, identifier-friendly case name: `<clause>_<n>`."""
    title: str
    clause: str | None
    op: Operation
    args: list[tuple[str, Value]]
    expect: Value | None
    """None when the operation returns nothing or an error is expected."""
    error: ErrorDef | None
    pos: SourcePos


class ValueBuilder:
    """Turns YAML values into typed values for one spec (and the specs it imports)."""

    def __init__(self, spec: Spec, workspace: Workspace | None) -> None:
        self.spec = spec
        self.workspace = workspace

    def lookup(self, ref: TypeRef, owner: str) -> tuple[str, TypeDef]:
        """The type a named reference points at, with the id of the spec defining it."""
        spec_id = ref.spec or owner
        spec = self.spec if spec_id == self.spec.id else None
        if spec is None and self.workspace is not None:
            spec = self.workspace.specs.get(spec_id)
        if spec is None:
            raise KeyError(spec_id)
        for td in spec.types:
            if td.name == ref.name:
                return spec_id, td
        raise KeyError(ref.text)

    def build(
        self, ref: TypeRef, value: Any, owner: str, pos: SourcePos, *, partial: bool
    ) -> Value:
        """A typed value of type `ref` (declared in spec `owner`) from a YAML value."""
        if value is None:
            if ref.optional or partial:
                return Null()
            raise _bad(pos, f"null given for the non-optional type `{ref.text}`")
        if ref.kind == "primitive":
            return Scalar(ref.name, _check_prim(ref.name, value, pos))
        if ref.kind == "list":
            if not isinstance(value, list):
                raise _bad(pos, f"expected a list for `{ref.text}`, got {value!r}")
            elem = ref.args[0]
            return ListValue(elem, [self.build(elem, v, owner, pos, partial=False) for v in value])
        if ref.kind == "map":
            if not isinstance(value, dict):
                raise _bad(pos, f"expected a mapping for `{ref.text}`, got {value!r}")
            elem = ref.args[-1]
            items = [
                (str(k), self.build(elem, v, owner, pos, partial=False))
                for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))
            ]
            return MapValue(elem, items)
        try:
            spec_id, td = self.lookup(ref, owner)
        except KeyError:
            raise _bad(pos, f"unknown type `{ref.text}`") from None
        if td.kind == "alias":
            assert td.alias is not None
            return self.build(td.alias, value, spec_id, pos, partial=partial)
        if td.kind == "enum":
            names = [v.name for v in td.values]
            if str(value) not in names:
                raise _bad(pos, f"`{value}` is not a value of `{td.name}` ({', '.join(names)})")
            return EnumValue(spec_id, td, str(value))
        if not isinstance(value, dict):
            raise _bad(pos, f"expected a mapping for the record `{td.name}`, got {value!r}")
        known = {f.name: f for f in td.fields}
        extra = sorted(set(map(str, value)) - set(known))
        if extra:
            raise _bad(pos, f"`{td.name}` has no field `{extra[0]}`")
        fields: list[tuple[str, Value]] = []
        for f in td.fields:
            if f.name in value:
                fields.append(
                    (f.name, self.build(f.type, value[f.name], spec_id, pos, partial=partial))
                )
            elif partial:
                continue
            elif f.type.optional:
                fields.append((f.name, Null()))
            else:
                raise _bad(pos, f"the record `{td.name}` needs the field `{f.name}`")
        return RecordValue(spec_id, td, fields, partial)

    def cases(self) -> list[Case]:
        """Every structured example of the spec as a case, in source order."""
        out: list[Case] = []
        counts: dict[str, int] = {}
        ops = {o.name: o for o in self.spec.operations}
        errors = {e.name: e for e in self.spec.errors}
        for ex in self.spec.examples:
            st = ex.structured
            if st is None:
                continue
            problems = call_problems(
                self.spec,
                self.workspace,
                st.call,
                st.with_,
                expect=st.expect,
                expect_error=st.expect_error,
            )
            if problems:  # the lint rule SL112 reports them all; the build stops at the first
                raise _bad(st.pos, problems[0])
            op = ops.get(st.call)
            if op is None:
                raise _bad(st.pos, f"the example calls `{st.call}`, which is not an operation")
            base = ex.clause or "example"
            counts[base] = counts.get(base, 0) + 1
            args = self._args(op, st)
            err: ErrorDef | None = None
            expect: Value | None = None
            if st.expect_error is not None:
                err = errors.get(st.expect_error)
                if err is None:
                    raise _bad(st.pos, f"the example expects the unknown error `{st.expect_error}`")
            elif op.returns is not None:
                expect = self.build(op.returns, st.expect, self.spec.id, st.pos, partial=True)
            out.append(
                Case(
                    name=f"{base}_{counts[base]}",
                    title=ex.title,
                    clause=ex.clause,
                    op=op,
                    args=args,
                    expect=expect,
                    error=err,
                    pos=st.pos,
                )
            )
        return out

    def _args(self, op: Operation, st: StructuredExample) -> list[tuple[str, Value]]:
        known = {p.name for p in op.params}
        extra = sorted(set(map(str, st.with_)) - known)
        if extra:
            raise _bad(st.pos, f"`{op.name}` has no parameter `{extra[0]}`")
        args: list[tuple[str, Value]] = []
        for p in op.params:
            v = st.with_.get(p.name)
            if v is None and p.name not in st.with_ and not p.type.optional:
                raise _bad(st.pos, f"the example gives no value for the parameter `{p.name}`")
            args.append((p.name, self.build(p.type, v, self.spec.id, st.pos, partial=False)))
        return args


def _check_prim(prim: str, value: Any, pos: SourcePos) -> Any:
    ok: bool
    if prim in ("int32", "int64"):
        ok = isinstance(value, int) and not isinstance(value, bool)
        if ok and prim == "int32" and not -(2**31) <= value < 2**31:
            raise _bad(pos, f"{value} does not fit in int32")
    elif prim == "float64":
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        value = float(value) if ok else value
    elif prim == "bool":
        ok = isinstance(value, bool)
    elif prim == "bytes":
        ok = isinstance(value, str)
        if ok:
            try:
                return base64.b64decode(value, validate=True)
            except ValueError:
                raise _bad(pos, f"bytes must be base64 text, got {value!r}") from None
    else:
        # string, date, datetime, uuid: YAML may have parsed a date; keep its text form.
        ok = not isinstance(value, dict | list | bool)
        value = value.isoformat() if hasattr(value, "isoformat") else str(value)
    if not ok:
        raise _bad(pos, f"{value!r} is not a valid {prim}")
    return value


def _bad(pos: SourcePos, message: str) -> SpecError:
    return SpecError(
        message,
        file=pos.file,
        line=pos.line,
        hint="make the example's `with`/`expect` values match the operation's types",
    )
