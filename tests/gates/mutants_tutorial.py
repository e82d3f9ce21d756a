"""Mutants of the tutorial target (gates TUT001-TUT003, TUT006-TUT009). Every gate reads the
published tutorial back, so each mutant is a defect of the tutorial as a reader sees it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from harness import Mutant, MutationContext

TUTORIAL = "tutorial.md"


def _edit(old: str, new: str) -> Callable[[MutationContext], None]:
    def mutate(ctx: MutationContext) -> None:
        f = ctx.root / TUTORIAL
        text = f.read_text(encoding="utf-8")
        assert old in text, f"the mutant's text is not in the tutorial: {old!r}"
        f.write_text(text.replace(old, new, 1), encoding="utf-8")

    return mutate


def _nothing_here(ctx: MutationContext) -> None:
    (ctx.root / TUTORIAL).write_text("# Tutorial\n\nNothing here.\n", encoding="utf-8")


def _cases_dropped(ctx: MutationContext) -> None:
    """The generator forgets the conformance cases of every step (they still compile)."""
    from specloom.targets.tutorial import lesson

    real = lesson.build_lesson

    def build_lesson(spec: Any, workspace: Any) -> Any:
        out = real(spec, workspace)
        for step in out.steps:
            step.cases = step.cases[:1]
        return out

    from specloom.targets.tutorial import guide

    ctx.monkeypatch.setattr(guide, "build_lesson", build_lesson)


def _calls_the_first_operation(ctx: MutationContext) -> None:
    """Every step's TypeScript block shows the first operation's call: it compiles, it
    teaches the wrong thing."""
    from specloom.targets.tutorial.languages import typescript

    real = typescript.TypeScriptLesson.call

    def call(self: Any, step: Any) -> Any:
        first = self.spec.operations[0].name
        if step.op.name == first:
            return real(self, step)
        from specloom.targets.tutorial.lesson import Walk

        other = next(s for s in build_steps(self) if s.op.name == first)
        fake = type(step)(step.op, step.clauses, step.cases, Walk(other.walk.calls, None))
        return real(self, fake)

    def build_steps(self: Any) -> Any:
        from specloom.targets.tutorial.lesson import build_lesson

        return build_lesson(self.spec, self.workspace).steps

    ctx.monkeypatch.setattr(typescript.TypeScriptLesson, "call", call)


def _steps_keep_one_clause(ctx: MutationContext) -> None:
    """Each step lists only the first of its clauses."""
    from specloom.targets.tutorial import lesson

    real = lesson.operation_clause_ids
    ctx.monkeypatch.setattr(lesson, "operation_clause_ids", lambda spec, op: real(spec, op)[:1])


AMOUNT_DUE_BIL11 = (
    "- [bil11](../docs/site/payments.html#bil11) **MUST NOT**: A payment MUST NOT exceed the "
    "amount still due on the invoice.\n\nConformance cases: `bil11_2`"
)

MUTANTS = [
    Mutant(
        id="tut-published-nothing-here",
        target="tutorial",
        gate="TUT003",
        kind="published",
        mutate=_nothing_here,
        why="a tutorial that says nothing (it used to pass: coverage came from the spec)",
    ),
    Mutant(
        id="tut-published-step-loses-a-shared-clause",
        target="tutorial",
        gate="TUT006",
        kind="published",
        mutate=_edit(AMOUNT_DUE_BIL11, "\nConformance cases: `bil11_2`"),
        why="a step drops a clause another step still lists (a per-package check passes)",
    ),
    Mutant(
        id="tut-published-clause-weakened",
        target="tutorial",
        gate="TUT006",
        kind="published",
        mutate=_edit(
            "[bil8](../docs/site/issuing.html#bil8) **MUST**",
            "[bil8](../docs/site/issuing.html#bil8) **MAY**",
        ),
        why="a step states a clause weaker than the spec",
    ),
    Mutant(
        id="tut-published-rust-call-misspelt",
        target="tutorial",
        gate="TUT002",
        kind="published",
        mutate=_edit("match svc.issue_invoice(", "match svc.issue_invoce("),
        why="a Rust block that no longer compiles",
    ),
    Mutant(
        id="tut-published-ts-argument-mistyped",
        target="tutorial",
        gate="TUT001",
        kind="published",
        mutate=_edit(
            'const result = await svc.createInvoice("c_1",',
            "const result = await svc.createInvoice(1,",
        ),
        why="a TypeScript block whose call no longer type-checks",
    ),
    Mutant(
        id="tut-published-python-call-misspelt",
        target="tutorial",
        gate="TUT009",
        kind="published",
        mutate=_edit(
            "        result = svc.issue_invoice(bound_draft)",
            "        result = svc.issue_invoce(bound_draft)",
        ),
        why="a Python block whose call names no method of the Protocol (mypy --strict refuses it)",
    ),
    Mutant(
        id="tut-published-must-table-loses-a-case",
        target="tutorial",
        gate="TUT007",
        kind="published",
        mutate=_edit("| MUST | `bil12_1`, `bil12_2` |", "| MUST | `bil12_1` |"),
        why="the MUST table claims fewer (or other) checks than the suite runs",
    ),
    Mutant(
        id="tut-published-rust-set-up-dropped",
        target="tutorial",
        gate="TUT008",
        kind="published",
        mutate=_edit("specloom build specs/common specs/billing --target rust\n", ""),
        why="a language's set-up loses the command that makes its stubs",
    ),
    Mutant(
        id="tut-generator-cases-dropped",
        target="tutorial",
        gate="TUT006",
        kind="generator",
        mutate=_cases_dropped,
        why="steps list fewer conformance cases than call the operation",
    ),
    Mutant(
        id="tut-generator-wrong-call-shown",
        target="tutorial",
        gate="TUT006",
        kind="generator",
        mutate=_calls_the_first_operation,
        why="a step's code calls another operation (it compiles, so only TUT006 sees it)",
    ),
    Mutant(
        id="tut-generator-steps-keep-one-clause",
        target="tutorial",
        gate="TUT006",
        kind="generator",
        mutate=_steps_keep_one_clause,
        why="steps leave out clauses their operation realises",
    ),
    Mutant(
        id="tut-published-block-language-renamed",
        target="tutorial",
        gate="TUT004",
        kind="published",
        mutate=_edit(
            "```ts\n// file: src/examples/get_invoice.ts",
            "```typescript\n// file: src/examples/get_invoice.ts",
        ),
        why="a code block no compiler reads (its fence says `typescript`, not `ts`)",
    ),
]
