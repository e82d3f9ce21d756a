"""Mutants of the typescript target (gates TS001-TS004)."""

from __future__ import annotations

from harness import Mutant, MutationContext


def _no_see_tags(ctx: MutationContext) -> None:
    from specloom.targets.typescript import signatures, target

    real = signatures.doc_comment

    def doc_comment(text: str | None, clauses: list[str], indent: str = "") -> str:
        return real(text, [], indent)

    ctx.monkeypatch.setattr(signatures, "doc_comment", doc_comment)
    ctx.monkeypatch.setattr(target.sig, "doc_comment", doc_comment)


def _misspell_a_type(ctx: MutationContext) -> None:
    path = ctx.root / "src" / "types.ts"
    text = path.read_text(encoding="utf-8")
    assert ": string" in text
    path.write_text(text.replace(": string", ": strnig", 1), encoding="utf-8")


MUTANTS: list[Mutant] = [
    Mutant(
        id="ts-generator-drops-every-see-tag",
        target="typescript",
        gate="TS002",
        kind="generator",
        mutate=_no_see_tags,
        why="doc comments that lose their clause ids",
    ),
    Mutant(
        id="ts-published-misspelt-type",
        target="typescript",
        gate="TS001",
        kind="published",
        mutate=_misspell_a_type,
        why="a published source that no longer compiles",
    ),
]
