"""Mutants of the ir-json target (gates IR001-IR003)."""

from __future__ import annotations

import json
from collections.abc import Callable

from harness import Mutant, MutationContext

from specloom.model import Spec
from specloom.target import GeneratedFile


def _drop_last_clause(ctx: MutationContext) -> None:
    from specloom.targets.irjson import IrJsonTarget

    real = IrJsonTarget.generate

    def generate(self: IrJsonTarget, spec: Spec) -> list[GeneratedFile]:
        return real(self, spec.model_copy(update={"clauses": spec.clauses[:-1]}))

    ctx.monkeypatch.setattr(IrJsonTarget, "generate", generate)


def _truncate(ctx: MutationContext) -> None:
    from specloom.targets.irjson import IrJsonTarget

    real = IrJsonTarget.generate

    def generate(self: IrJsonTarget, spec: Spec) -> list[GeneratedFile]:
        (f,) = real(self, spec)
        return [GeneratedFile(f.path, f.data[: len(f.data) // 2])]

    ctx.monkeypatch.setattr(IrJsonTarget, "generate", generate)


def _edit(change: str) -> Callable[[MutationContext], None]:
    def mutate(ctx: MutationContext) -> None:
        path = ctx.root / "ir.json"
        data = json.loads(path.read_text(encoding="utf-8"))
        if change == "text":
            clause = next(c for c in data["clauses"] if "MUST" in c["text"])
            clause["text"] = clause["text"].replace("MUST", "SHOULD", 1)
        elif change == "schema":
            data["clauses"][0]["level"] = "PERHAPS"
        path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")

    return mutate


MUTANTS: list[Mutant] = [
    Mutant(
        id="irjson-generator-drops-a-clause",
        target="ir-json",
        gate="IR003",
        kind="generator",
        mutate=_drop_last_clause,
        why="a generator that loses part of the IR",
    ),
    Mutant(
        id="irjson-generator-truncates-file",
        target="ir-json",
        gate="IR001",
        kind="generator",
        mutate=_truncate,
        why="a half-written file",
    ),
    Mutant(
        id="irjson-published-weakens-clause-text",
        target="ir-json",
        gate="IR003",
        kind="published",
        mutate=_edit("text"),
        why="a published IR edited by hand (MUST became SHOULD)",
    ),
    Mutant(
        id="irjson-published-file-deleted",
        target="ir-json",
        gate="IR001",
        kind="published",
        mutate=lambda ctx: (ctx.root / "ir.json").unlink(),
        why="the artifact itself missing from a published folder",
    ),
    Mutant(
        id="irjson-published-invalid-level",
        target="ir-json",
        gate="IR002",
        kind="published",
        mutate=_edit("schema"),
        why="a published IR that no longer validates as a Spec",
    ),
]
