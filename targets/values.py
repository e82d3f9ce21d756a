"""Typed example values: YAML from `specloom-example` blocks checked against the IR types."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import Any

from specloom.check.steps import example_problems
from specloom.check.values import ValueChecker
from specloom.errors import SpecError
from specloom.model import (
    ErrorDef,
    Operation,
    SourcePos,
    Spec,
    Step,
    StructuredExample,
    TypeDef,
    TypeRef,
    Workspace,
)
from specloom.naming import union_variant_labels
from specloom.references import (
    BadReference,
    Reference,
    follow,
    parse_reference,
    shape,
    unalias,
)


@dataclass(frozen=True)
class Scalar:
    """A primitive value: `prim` is the IR primitive name (`int64`, `string`...)."""

    prim: str
    value: Any


@dataclass(frozen=True)
class Null:
    """An absent optional value (`null` in YAML, or a field left out of a record), or, with
    `explicit`, the value `null` of a `nullable<T>` type (present, but null)."""

    explicit: bool = False


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


@dataclass(frozen=True)
class UnionValue:
    """A value of a union: which variant (`index`, `label` as the targets name it) holds it."""

    spec_id: str
    typedef: TypeDef
    index: int
    label: str
    value: Value


@dataclass(frozen=True)
class RefValue:
    """A reference to (part of) an earlier step's result: `$name.field[0]`.

    `type` is the type the path reaches (its `optional` flag says whether the referenced
    value may be absent); `hops` lists, per segment, the segment and the record field it
    crosses (spec id, record, field name) or None for a list index.
    """

    name: str
    hops: tuple[tuple[str | int, tuple[str, TypeDef, str] | None], ...]
    type: TypeRef
    text: str


Value = Scalar | Null | ListValue | MapValue | EnumValue | RecordValue | UnionValue | RefValue


@dataclass(frozen=True)
class CallStep:
    """One call of a case: a `given` step, or the example's own call (the last one)."""

    op: Operation
    args: list[tuple[str, Value]]
    expect: Value | None
    """None when nothing is checked (no `expect`, an error, or no return value)."""
    error: ErrorDef | None
    bind: str | None
    """The `as:` name the result is bound to."""
    checks: bool
    pos: SourcePos


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
    given: list[CallStep] = field(default_factory=list)
    """The `given` steps, run in order on the same service before the call."""

    @property
    def main(self) -> CallStep:
        """The example's own call, as a step."""
        return CallStep(self.op, self.args, self.expect, self.error, None, True, self.pos)


def has_reference(v: Value) -> bool:
    """True when `v` is, or contains, a `$name` reference to an earlier result."""
    if isinstance(v, RefValue):
        return True
    if isinstance(v, ListValue):
        return any(has_reference(x) for x in v.items)
    if isinstance(v, MapValue | RecordValue):
        items = v.items if isinstance(v, MapValue) else v.fields
        return any(has_reference(x) for _, x in items)
    return False


class ValueBuilder:
    """Turns YAML values into typed values for one spec (and the specs it imports)."""

    def __init__(self, spec: Spec, workspace: Workspace | None) -> None:
        self.spec = spec
        self.workspace = workspace
        self.bound: dict[str, TypeRef] = {}
        """Names bound by the `as:` of the steps so far (result types, in this spec)."""
        self._types: dict[str, dict[str, TypeDef]] = {}
        """Per spec id, its types by name (a linear search per lookup is quadratic)."""

    def lookup(self, ref: TypeRef, owner: str) -> tuple[str, TypeDef]:
        """The type a named reference points at, with the id of the spec defining it."""
        spec_id = ref.spec or owner
        types = self._types.get(spec_id)
        if types is None:
            spec = self.spec if spec_id == self.spec.id else None
            if spec is None and self.workspace is not None:
                spec = self.workspace.specs.get(spec_id)
            if spec is None:
                raise KeyError(spec_id)
            types = {}
            for td in spec.types:
                types.setdefault(td.name, td)  # the first one, as the linear search found
            self._types[spec_id] = types
        found = types.get(ref.name)
        if found is None:
            raise KeyError(ref.text)
        return spec_id, found

    def build(
        self, ref: TypeRef, value: Any, owner: str, pos: SourcePos, *, partial: bool
    ) -> Value:
        """A typed value of type `ref` (declared in spec `owner`) from a YAML value."""
        try:
            reference = parse_reference(value)
        except BadReference as exc:
            raise _bad(pos, str(exc)) from None
        if isinstance(reference, Reference):
            return self.reference(reference, ref, owner, pos)
        if isinstance(reference, str):
            value = reference
        if value is None:
            if ref.nullable:
                return Null(explicit=True)
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
        if td.kind == "union":
            return self._union(spec_id, td, value, pos, partial=partial)
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

    def _union(
        self, spec_id: str, td: TypeDef, value: Any, pos: SourcePos, *, partial: bool
    ) -> UnionValue:
        labels = union_variant_labels(
            [v.tag for v in td.variants], [v.type.text for v in td.variants]
        )
        if td.tag is not None:
            if not isinstance(value, dict) or td.tag not in value:
                raise _bad(pos, f"a `{td.name}` needs its tag field `{td.tag}`")
            tag = str(value[td.tag])
            index = next((i for i, v in enumerate(td.variants) if v.tag == tag), None)
            if index is None:
                raise _bad(pos, f"`{tag}` is not a tag of `{td.name}`")
            rest = {k: v for k, v in value.items() if k != td.tag}
        else:
            checker = ValueChecker(self.spec, self.workspace)
            index = checker.variant_of(td, spec_id, value, partial=partial)
            if index is None:
                raise _bad(pos, f"{value!r} is none of the variants of `{td.name}`")
            rest = value
        inner = self.build(td.variants[index].type, rest, spec_id, pos, partial=partial)
        return UnionValue(spec_id, td, index, labels[index], inner)

    def reference(self, r: Reference, want: TypeRef, owner: str, pos: SourcePos) -> RefValue:
        """A typed reference to an earlier result, checked against the type `want`."""
        root = self.bound.get(r.name)
        if root is None:
            names = ", ".join(f"${n}" for n in self.bound) or "none yet"
            raise _bad(
                pos,
                f"`{r.text}` names no earlier result (bound so far: {names}); "
                f"bind one with `as: {r.name}` on an earlier step",
            )
        try:
            got, got_spec = follow(r, root, self.spec.id, self.lookup)
        except BadReference as exc:
            raise _bad(pos, str(exc)) from None
        except KeyError:
            raise _bad(pos, f"`{r.text}` reaches a type that is not defined") from None
        if shape(got, got_spec, self.lookup) != shape(want, owner, self.lookup):
            raise _bad(pos, f"`{r.text}` is a {got.text}, but a {want.text} is needed here")
        if got.optional and not want.optional:
            raise _bad(pos, f"`{r.text}` is optional ({got.text}), but {want.text} is required")
        hops: list[tuple[str | int, tuple[str, TypeDef, str] | None]] = []
        current, spec_id = root, self.spec.id
        for seg in r.path:
            current, spec_id = unalias(current, spec_id, self.lookup)
            if isinstance(seg, int):
                hops.append((seg, None))
                current = current.args[0]
                continue
            spec_id, td = self.lookup(current, spec_id)
            hops.append((seg, (spec_id, td, seg)))
            current = next(f.type for f in td.fields if f.name == seg)
        return RefValue(r.name, tuple(hops), got, r.text)

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
            base = ex.clause or "example"
            counts[base] = counts.get(base, 0) + 1
            problems = example_problems(self.spec, self.workspace, st)
            if problems:  # the lint rule SL012 reports them all; the build stops at the first
                pos, message = problems[0]
                raise _bad(pos, message)
            self.bound = {}
            given = [self.call_step(s, ops, errors) for s in st.given]
            main = self.call_step(st, ops, errors)
            out.append(
                Case(
                    name=f"{base}_{counts[base]}",
                    title=ex.title,
                    clause=ex.clause,
                    op=main.op,
                    args=main.args,
                    expect=main.expect,
                    error=main.error,
                    pos=st.pos,
                    given=given,
                )
            )
        return out

    def call_step(
        self, st: Step | StructuredExample, ops: dict[str, Operation], errors: dict[str, ErrorDef]
    ) -> CallStep:
        """One typed call; binds its result when the step says `as:`."""
        op = ops.get(st.call)
        if op is None:
            what = "step" if isinstance(st, Step) else "example"
            raise _bad(st.pos, f"the {what} calls `{st.call}`, which is not an operation")
        args = self._args(op, st)
        err: ErrorDef | None = None
        expect: Value | None = None
        checks = st.checks if isinstance(st, Step) else True
        if st.expect_error is not None:
            err = errors.get(st.expect_error)
            if err is None:
                raise _bad(st.pos, f"the example expects the unknown error `{st.expect_error}`")
            if st.expect_error not in op.errors:
                raise _bad(
                    st.pos,
                    f"`{op.name}` does not declare the error `{st.expect_error}` "
                    f"(it declares: {', '.join(op.errors) or 'none'})",
                )
        elif op.returns is not None and checks:
            expect = self.build(op.returns, st.expect, self.spec.id, st.pos, partial=True)
        bind = st.as_ if isinstance(st, Step) else None
        if bind is not None:
            if op.returns is None:
                raise _bad(st.pos, f"`{op.name}` returns nothing, so `as: {bind}` binds nothing")
            self.bound[bind] = op.returns
        return CallStep(op, args, expect, err, bind, checks, st.pos)

    def _args(self, op: Operation, st: Step | StructuredExample) -> list[tuple[str, Value]]:
        known = {p.name for p in op.params}
        extra = sorted(set(map(str, st.with_)) - known)
        if extra:
            raise _bad(st.pos, f"`{op.name}` has no parameter `{extra[0]}`")
        args: list[tuple[str, Value]] = []
        for p in op.params:
            v = st.with_.get(p.name)
            if v is None and p.name not in st.with_ and not p.type.optional:
                raise _bad(st.pos, f"the example gives no value for the parameter `{p.name}`")
            if p.name not in st.with_:
                args.append((p.name, Null()))  # an optional parameter left out: absent
                continue
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


def plain(v: Value) -> Any:
    """The JSON value a typed value is on the wire: strings as text (YAML's `12` or
    `2024-01-01` under a string type become `"12"`, `"2024-01-01"`), bytes as base64, a
    tagged union's record with its tag, absent optional fields left out."""
    if isinstance(v, Scalar):
        if isinstance(v.value, bytes):
            return base64.b64encode(v.value).decode("ascii")
        return v.value
    if isinstance(v, Null):
        return None
    if isinstance(v, ListValue):
        return [plain(i) for i in v.items]
    if isinstance(v, MapValue):
        return {k: plain(i) for k, i in v.items}
    if isinstance(v, EnumValue):
        return v.variant
    if isinstance(v, RecordValue):
        return {k: plain(f) for k, f in v.fields if not (isinstance(f, Null) and not f.explicit)}
    if isinstance(v, UnionValue):
        inner = plain(v.value)
        tag = v.typedef.tag
        if tag is not None and isinstance(inner, dict):
            return {tag: v.typedef.variants[v.index].tag, **inner}
        return inner
    raise TypeError(f"{v.text} refers to an earlier step: it has no value of its own")
