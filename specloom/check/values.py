"""Structured-example values checked against the IR: the one check lint and steps share.

`call_problems` answers "would a target accept this call?" for one `specloom-example` (or
one `given` step of one): the operation exists, every argument names a parameter, every
required parameter has a value, each value has the parameter's type (primitives with their
ranges and formats, enums, records, lists, maps, aliases, types imported from other specs),
the expected value has the return type, and an expected error is one the operation
declares. It returns every problem, not the first, each as plain text naming the value's
place (`with.lines[0].quantity`); `check_example` wraps them as SL012 findings.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import uuid
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from specloom.check.context import LintContext
from specloom.check.rules import finding
from specloom.findings import Finding
from specloom.model import Operation, SourcePos, Spec, TypeDef, TypeRef, Workspace

INT_RANGES: dict[str, tuple[int, int]] = {
    "int32": (-(2**31), 2**31 - 1),
    "int64": (-(2**63), 2**63 - 1),
}
MISSING: Any = object()
"""`expect` not given (distinct from `expect: null`)."""

Skip = Callable[[Any], bool]
"""A value to accept whatever the type (e.g. a reference to an earlier step's result)."""


def _never(_: Any) -> bool:
    return False


class ValueChecker:
    """Checks YAML values against the types of one spec and the specs it imports."""

    def __init__(self, spec: Spec, workspace: Workspace | None, skip: Skip | None = None) -> None:
        self.spec = spec
        self.workspace = workspace
        self.skip = skip or _never

    def spec_by_id(self, spec_id: str) -> Spec | None:
        """The spec `spec_id`: this one, or one of the workspace."""
        if spec_id == self.spec.id:
            return self.spec
        return self.workspace.specs.get(spec_id) if self.workspace is not None else None

    def lookup(self, ref: TypeRef, owner: str) -> tuple[str, TypeDef] | None:
        """The type a named reference (declared in spec `owner`) points at, and its spec."""
        spec_id = ref.spec or owner
        spec = self.spec_by_id(spec_id)
        if spec is None:
            return None
        for td in spec.types:
            if td.name == ref.name:
                return spec_id, td
        return None

    def problems(
        self, ref: TypeRef, value: Any, where: str, *, owner: str | None = None, partial: bool
    ) -> Iterator[str]:
        """Every reason `value` is not a `ref`; `partial`: records may leave fields out (an
        expectation checks only the fields it names)."""
        owner = owner or self.spec.id
        if self.skip(value):
            return
        if value is None:
            if not (ref.optional or partial):
                yield f"{where}: null given for the non-optional type `{ref.text}`"
            return
        if ref.kind == "primitive":
            msg = primitive_problem(ref.name, value)
            if msg:
                yield f"{where}: {msg}"
        elif ref.kind == "list":
            if not isinstance(value, list):
                yield f"{where}: expected a list for `{ref.text}`, got {_show(value)}"
                return
            for i, v in enumerate(value):
                yield from self.problems(
                    ref.args[0], v, f"{where}[{i}]", owner=owner, partial=False
                )
        elif ref.kind == "map":
            if not isinstance(value, dict):
                yield f"{where}: expected a mapping for `{ref.text}`, got {_show(value)}"
                return
            for k, v in value.items():
                if not isinstance(k, str):
                    yield f"{where}: map key {_show(k)} is not a string"
                yield from self.problems(
                    ref.args[-1], v, f"{where}[{k!r}]", owner=owner, partial=False
                )
        else:
            yield from self._named(ref, value, where, owner, partial)

    def _named(
        self, ref: TypeRef, value: Any, where: str, owner: str, partial: bool
    ) -> Iterator[str]:
        found = self.lookup(ref, owner)
        if found is None:
            yield f"{where}: unknown type `{ref.text}`"
            return
        spec_id, td = found
        if td.kind == "alias":
            if td.alias is not None:
                yield from self.problems(td.alias, value, where, owner=spec_id, partial=partial)
            return
        if td.kind == "enum":
            names = [v.name for v in td.values]
            if not isinstance(value, str) or value not in names:
                yield (
                    f"{where}: {_show(value)} is not a value of the enum `{td.name}` "
                    f"({', '.join(names)})"
                )
            return
        if not isinstance(value, dict):
            yield f"{where}: expected a mapping for the record `{td.name}`, got {_show(value)}"
            return
        known = {f.name: f for f in td.fields}
        for extra in sorted(set(map(str, value)) - set(known)):
            yield f"{where}: the record `{td.name}` has no field `{extra}`"
        for f in td.fields:
            if f.name in value:
                yield from self.problems(
                    f.type, value[f.name], f"{where}.{f.name}", owner=spec_id, partial=partial
                )
            elif not (partial or f.type.optional):
                yield f"{where}: the record `{td.name}` needs the field `{f.name}`"


def primitive_problem(prim: str, value: Any) -> str | None:
    """Why `value` (as YAML parsed it) is not a valid `prim`, or None when it is."""
    if prim in INT_RANGES:
        if not isinstance(value, int) or isinstance(value, bool):
            return f"{_show(value)} is not an {prim}"
        lo, hi = INT_RANGES[prim]
        if not lo <= value <= hi:
            return f"{value} does not fit in {prim} ({lo}..{hi})"
        return None
    if prim == "float64":
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        return None if ok else f"{_show(value)} is not a float64"
    if prim == "bool":
        return None if isinstance(value, bool) else f"{_show(value)} is not a bool (true/false)"
    if prim == "bytes":
        if not isinstance(value, str):
            return f"{_show(value)} is not bytes (base64 text)"
        try:
            base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            return f"{_show(value)} is not valid base64 for bytes"
        return None
    if prim == "date":
        return _date_problem(value)
    if prim == "datetime":
        return _datetime_problem(value)
    if prim == "uuid":
        try:
            uuid.UUID(str(value))
        except ValueError:
            return f"{_show(value)} is not a uuid"
        return None if isinstance(value, str) else f"{_show(value)} is not a uuid"
    # string: YAML turns `2024-01-01` into a date and `12` into an int; a target writes
    # their text, but a mapping, a list or a bool is never a string
    if isinstance(value, dict | list | bool):
        return f"{_show(value)} is not a string"
    return None


def _date_problem(value: Any) -> str | None:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return None
    if isinstance(value, str):
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            return f"{_show(value)} is not a date (YYYY-MM-DD)"
        return None
    return f"{_show(value)} is not a date (YYYY-MM-DD)"


def _datetime_problem(value: Any) -> str | None:
    if isinstance(value, dt.datetime):
        return None
    if isinstance(value, str):
        try:
            dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return f"{_show(value)} is not a datetime (ISO 8601)"
        return None
    return f"{_show(value)} is not a datetime (ISO 8601)"


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def call_problems(
    spec: Spec,
    workspace: Workspace | None,
    call: str,
    args: Mapping[str, Any],
    *,
    expect: Any = MISSING,
    expect_error: str | None = None,
    skip: Skip | None = None,
    checker: ValueChecker | None = None,
) -> list[str]:
    """Every reason a target would refuse `call` with `args` (expecting `expect` or the
    error `expect_error`) in `spec`; empty when it is fine. `skip(value)` True accepts a
    value whatever its type; `checker` replaces the plain value checker (the `given` steps'
    one follows `$name.field` references, specloom.check.steps)."""
    checker = checker or ValueChecker(spec, workspace, skip)
    op = next((o for o in spec.operations if o.name == call), None)
    if op is None:
        known = ", ".join(o.name for o in spec.operations) or "none"
        return [f"`{call}` is not an operation of spec {spec.id} (operations: {known})"]
    out = list(_arg_problems(checker, op, args))
    if expect_error is not None:
        out += _error_problems(checker, op, expect_error)
    elif expect is not MISSING:
        if op.returns is None:
            if expect is not None:
                out.append(f"expect: `{op.name}` returns nothing, but a value is expected")
        else:
            out += checker.problems(op.returns, expect, "expect", partial=True)
    return out


def _arg_problems(checker: ValueChecker, op: Operation, args: Mapping[str, Any]) -> Iterator[str]:
    params = {p.name: p for p in op.params}
    for extra in sorted(set(map(str, args)) - set(params)):
        known = ", ".join(params) or "none"
        yield f"with: `{op.name}` has no parameter `{extra}` (parameters: {known})"
    for p in op.params:
        if p.name not in args:
            if not p.type.optional:
                yield f"with: no value for the required parameter `{p.name}`"
            continue
        yield from checker.problems(p.type, args[p.name], f"with.{p.name}", partial=False)


def _error_problems(checker: ValueChecker, op: Operation, name: str) -> Iterator[str]:
    own = {e.name for e in checker.spec.errors}
    if name not in own:
        imported = [e for e in op.errors if "." in e and e.rpartition(".")[2] == name]
        if imported or "." in name:
            yield (
                f"expect: `{name}` is not an error of spec {checker.spec.id}; the targets'"
                " conformance suites can expect only the spec's own errors"
            )
        else:
            yield f"expect: the error `{name}` is not defined in spec {checker.spec.id}"
    elif name not in op.errors:
        listed = ", ".join(op.errors) or "none"
        yield f"expect: `{op.name}` does not declare the error `{name}` (errors: {listed})"


def check_example(spec: Spec, ctx: LintContext) -> Iterator[Finding]:
    """SL012: every structured example of the spec (each `given` step too), as a target would."""
    from specloom.check.steps import example_problems

    for ex in spec.examples:
        if ex.structured is None:
            continue
        for pos, msg in example_problems(spec, ctx.workspace, ex.structured):
            yield example_finding(msg, pos, ex.clause)


def example_finding(message: str, pos: SourcePos, clause: str | None) -> Finding:
    """One SL012 finding (shared with the `given` steps of issue 12)."""
    return finding("SL012", f"structured example: {message}", pos, clause)
