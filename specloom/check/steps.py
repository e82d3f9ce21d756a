"""`given` steps checked like the example's own call, with `$name.field` references typed."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from specloom.check.values import MISSING, ValueChecker, call_problems
from specloom.model import SourcePos, Spec, Step, StructuredExample, TypeDef, TypeRef, Workspace
from specloom.references import BadReference, Reference, follow, parse_reference, shape


class StepChecker(ValueChecker):
    """A ValueChecker that knows the results bound so far and checks references to them."""

    def __init__(self, spec: Spec, workspace: Workspace | None) -> None:
        super().__init__(spec, workspace)
        self.bound: dict[str, TypeRef] = {}
        """`as:` names of the earlier steps and their result types (in this spec)."""

    def find(self, ref: TypeRef, owner: str) -> tuple[str, TypeDef]:
        """`lookup` raising KeyError, as `specloom.references` expects."""
        found = self.lookup(ref, owner)
        if found is None:
            raise KeyError(ref.text)
        return found

    def problems(
        self, ref: TypeRef, value: Any, where: str, *, owner: str | None = None, partial: bool
    ) -> Iterator[str]:
        owner = owner or self.spec.id
        try:
            parsed = parse_reference(value)
        except BadReference as exc:
            yield f"{where}: {exc}"
            return
        if isinstance(parsed, Reference):
            yield from self.reference_problems(parsed, ref, owner, where)
            return
        if isinstance(parsed, str):
            value = parsed  # `$$x` is the literal text `$x`
        yield from super().problems(ref, value, where, owner=owner, partial=partial)

    def reference_problems(
        self, r: Reference, want: TypeRef, owner: str, where: str
    ) -> Iterator[str]:
        """The reference names an earlier `as:`, its path exists, and its type is `want`."""
        root = self.bound.get(r.name)
        if root is None:
            names = ", ".join(f"${n}" for n in self.bound) or "none"
            yield (
                f"{where}: `{r.text}` names no earlier result (bound before this call: {names});"
                f" add `as: {r.name}` to an earlier step"
            )
            return
        try:
            got, got_spec = follow(r, root, self.spec.id, self.find)
        except BadReference as exc:
            yield f"{where}: {exc}"
            return
        except KeyError as exc:
            yield f"{where}: `{r.text}` reaches the unknown type `{exc.args[0]}`"
            return
        if shape(got, got_spec, self.find) != shape(want, owner, self.find):
            yield f"{where}: `{r.text}` is a {got.text}, but a {want.text} is needed here"
        elif got.optional and not want.optional:
            yield f"{where}: `{r.text}` may be absent ({got.text}), but {want.text} is required"


def example_problems(
    spec: Spec, workspace: Workspace | None, st: StructuredExample
) -> list[tuple[SourcePos, str]]:
    """Every problem of the example's steps and call, each at the line of its step."""
    checker = StepChecker(spec, workspace)
    out: list[tuple[SourcePos, str]] = []
    calls: list[Step | StructuredExample] = [*st.given, st]
    for n, call in enumerate(calls, 1):
        is_step = isinstance(call, Step)
        expect = MISSING if isinstance(call, Step) and not call.checks else call.expect
        found = call_problems(
            spec,
            workspace,
            call.call,
            call.with_,
            expect=expect,
            expect_error=call.expect_error,
            checker=checker,
        )
        prefix = f"given step {n}: " if is_step else ""
        out += [(call.pos, prefix + msg) for msg in found]
        bind = call.as_ if isinstance(call, Step) else None
        if bind is not None:
            op = next((o for o in spec.operations if o.name == call.call), None)
            if op is not None and op.returns is None:
                out.append((call.pos, f"{prefix}`{op.name}` returns nothing: drop `as: {bind}`"))
            elif op is not None and op.returns is not None:
                if bind in checker.bound:
                    out.append((call.pos, f"{prefix}`as: {bind}` is bound twice: rename one"))
                checker.bound[bind] = op.returns
    return out
