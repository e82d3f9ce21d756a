"""What the tutorial teaches, language by language: operations in the order the examples use
them, the call each one is shown with, its clauses and conformance cases, and the MUST clauses
with the cases that check them. Plain data; the languages render it."""

from __future__ import annotations

from dataclasses import dataclass, field

from specloom.model import Clause, Level, Operation, Spec, TypeDef, TypeRef, Workspace

from ..fixtures import FixtureBuilder, Unbuildable
from ..values import CallStep, Case, Null, Value, ValueBuilder

MUST_LEVELS = (Level.MUST, Level.MUST_NOT)


@dataclass
class Walk:
    """How one operation is shown being called: a chain of calls ending with it."""

    calls: list[CallStep]
    """The `given` steps it needs, then the call of the operation itself (last)."""
    case: str | None
    """The conformance case the calls come from; None when no example calls the operation
    (the arguments are then sample values built from the parameter types)."""
    title: str = ""
    """The example's title."""


@dataclass
class OperationStep:
    """One operation of the walk-through."""

    op: Operation
    clauses: list[Clause]
    """Exactly the clauses the operation realises: its own and those of the errors it raises."""
    cases: list[str]
    """Conformance cases whose example calls this operation (its last call)."""
    walk: Walk


@dataclass
class MustRow:
    """A MUST / MUST NOT clause and the conformance cases of its examples."""

    clause: Clause
    cases: list[str]


@dataclass
class Lesson:
    """The language-neutral content of the tutorial of one spec."""

    spec: Spec
    steps: list[OperationStep]
    cases: list[Case]
    must: list[MustRow] = field(default_factory=list)
    data_clauses: list[Clause] = field(default_factory=list)
    """Clauses of interface items (types, errors, constants) no operation step carries."""
    data_values: list[tuple[TypeDef, Value]] = field(default_factory=list)
    """A sample value of each type those clauses belong to (every type without operations)."""


def operation_clause_ids(spec: Spec, op: Operation) -> list[str]:
    """The clauses a tutorial step carries: the operation's own, then its errors'."""
    ids = list(op.clauses)
    errors = {e.name: e for e in spec.errors}
    for name in op.errors:
        if name in errors:
            ids += errors[name].clauses
    return list(dict.fromkeys(ids))


def _clauses(spec: Spec, ids: list[str]) -> list[Clause]:
    return [c for c in (spec.clause(i) for i in ids) if c is not None]


def operation_order(spec: Spec, cases: list[Case]) -> list[Operation]:
    """Operations in the order the examples first call them (steps first), then the rest."""
    seen: list[str] = []
    for case in cases:
        for call in [*case.given, case.main]:
            if call.op.name not in seen:
                seen.append(call.op.name)
    by_name = {o.name: o for o in spec.operations}
    return [by_name[n] for n in seen if n in by_name] + [
        o for o in spec.operations if o.name not in seen
    ]


def choose_walk(spec: Spec, workspace: Workspace | None, op: Operation, cases: list[Case]) -> Walk:
    """The example to show: one whose own call is `op` and succeeds, else any whose own call is
    `op`, else the first one calling `op` in a step (cut after it), else sample arguments."""
    own = [c for c in cases if c.op.name == op.name]
    for case in [c for c in own if c.error is None] + own:
        return Walk([*case.given, case.main], case.name, case.title)
    for case in cases:
        for n, call in enumerate(case.given):
            if call.op.name == op.name:
                return Walk(case.given[: n + 1], case.name, case.title)
    sampler = FixtureBuilder(spec, workspace)
    args = []
    for p in op.params:
        try:
            value = sampler.sample(p.type, spec.id, (), False) if not p.type.optional else Null()
        except Unbuildable:
            value = Null()
        args.append((p.name, value))
    pos = op.pos
    return Walk([CallStep(op, args, None, None, None, False, pos)], None)


def build_lesson(spec: Spec, workspace: Workspace | None) -> Lesson:
    """The walk-through of `spec`: raises SpecError on an example the stubs would refuse."""
    cases = ValueBuilder(spec, workspace).cases() if spec.operations else []
    steps = []
    for op in operation_order(spec, cases):
        steps.append(
            OperationStep(
                op=op,
                clauses=_clauses(spec, operation_clause_ids(spec, op)),
                cases=[c.name for c in cases if c.op.name == op.name],
                walk=choose_walk(spec, workspace, op, cases),
            )
        )
    must = [
        MustRow(c, [case.name for case in cases if case.clause == c.id])
        for c in spec.clauses
        if c.level in MUST_LEVELS
    ]
    in_steps = {c.id for st in steps for c in st.clauses}
    named = [c for item in spec.interface_items() for c in item.clauses]
    data_ids = [c for c in dict.fromkeys(named) if c not in in_steps]
    sampler = FixtureBuilder(spec, workspace)
    values: list[tuple[TypeDef, Value]] = []
    for td in spec.types:
        if spec.operations and not set(td.clauses) & set(data_ids):
            continue
        try:
            ref = TypeRef(kind="named", name=td.name, text=td.name)
            values.append((td, sampler.sample(ref, spec.id, (), True)))
        except Unbuildable:
            continue
    return Lesson(
        spec=spec,
        steps=steps,
        cases=cases,
        must=must,
        data_clauses=_clauses(spec, data_ids),
        data_values=values,
    )


def has_interface(spec: Spec) -> bool:
    """The spec declares something to implement: a type, operation, error or constant."""
    return bool(spec.interface_items())
