"""Mutants of the rust target (gates RS001-RS005)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from harness import Mutant, MutationContext


def _error_loses_its_clauses(ctx: MutationContext) -> None:
    from specloom.targets.rust.target import RustTarget

    from specloom.model import ErrorDef

    real = RustTarget.item_doc

    def item_doc(self: RustTarget, spec: Any, item: Any, indent: str = "") -> str:
        if isinstance(item, ErrorDef):
            item = item.model_copy(update={"clauses": []})
        return real(self, spec, item, indent)

    ctx.monkeypatch.setattr(RustTarget, "item_doc", item_doc)


def _partial_eq_dropped(ctx: MutationContext) -> None:
    from specloom.targets.rust import signatures

    real = signatures.type_signature

    def type_signature(spec: Any, typedef: Any, **kw: Any) -> str:
        return real(spec, typedef, **kw).replace(
            "#[derive(Debug, Clone, PartialEq)]", "#[derive(Debug, Clone)]"
        )

    ctx.monkeypatch.setattr(signatures, "type_signature", type_signature)


def _int64_as_i32(ctx: MutationContext) -> None:
    from specloom.targets.rust import signatures

    ctx.monkeypatch.setitem(signatures.PRIMITIVES, "int64", "i32")


def _serde_attribute_broken(ctx: MutationContext) -> None:
    from specloom.targets.rust import signatures

    ctx.monkeypatch.setattr(
        signatures,
        "SERDE",
        signatures.SERDE + '\n#[cfg_attr(feature = "serde", serde(rename_all = "bogus"))]',
    )


def _edit(path: str, old: str, new: str) -> Callable[[MutationContext], None]:
    def mutate(ctx: MutationContext) -> None:
        f = ctx.root / path
        text = f.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {path}"
        f.write_text(text.replace(old, new, 1), encoding="utf-8")

    return mutate


MUTANTS: list[Mutant] = [
    Mutant(
        id="rs-generator-errors-lose-their-clauses",
        target="rust",
        gate="RS002",
        kind="generator",
        mutate=_error_loses_its_clauses,
        why="error variants whose clause ids other items still name",
    ),
    Mutant(
        id="rs-generator-record-drops-partialeq",
        target="rust",
        gate="RS005",
        kind="generator",
        mutate=_partial_eq_dropped,
        spec="common",
        why="a documented derive dropped (nothing else uses it in a spec with no operations)",
    ),
    Mutant(
        id="rs-generator-int64-typed-as-i32",
        target="rust",
        gate="RS005",
        kind="generator",
        mutate=_int64_as_i32,
        spec="common",
        why="a field typed wrongly in a spec with no operations",
    ),
    Mutant(
        id="rs-generator-serde-attribute-broken",
        target="rust",
        gate="RS004",
        kind="generator",
        mutate=_serde_attribute_broken,
        spec="common",
        why="code that only breaks behind the serde feature",
    ),
    Mutant(
        id="rs-published-syntax-error",
        target="rust",
        gate="RS001",
        kind="published",
        mutate=_edit(
            "src/api.rs",
            "impl std::error::Error for Error {}",
            "impl std::error::Error for Error {",
        ),
        why="a published source that no longer compiles",
    ),
    Mutant(
        id="rs-published-error-loses-its-clauses-line",
        target="rust",
        gate="RS002",
        kind="published",
        mutate=_edit("src/api.rs", "    /// Clauses: `bil1`\n    EmptyInvoice", "    EmptyInvoice"),
        why="one item's clause ids removed while other items still name the clause",
    ),
    Mutant(
        id="rs-published-conformance-suite-broken",
        target="rust",
        gate="RS003",
        kind="published",
        mutate=_edit("tests/conformance.rs", "(Placeholder, #[ignore])", "(Nothing)"),
        why="a conformance suite that no longer compiles against the stubs",
    ),
    Mutant(
        id="rs-published-serde-attribute-broken",
        target="rust",
        gate="RS004",
        kind="published",
        mutate=_edit(
            "src/types.rs",
            "pub struct Money {",
            '#[cfg_attr(feature = "serde", serde(rename_all = "bogus"))]\npub struct Money {',
        ),
        spec="common",
        why="a published crate that only breaks with the serde feature",
    ),
    Mutant(
        id="rs-published-field-type-changed",
        target="rust",
        gate="RS005",
        kind="published",
        mutate=_edit("src/types.rs", "pub amount_minor: i64,", "pub amount_minor: f64,"),
        spec="common",
        why="a record field whose type no longer matches the spec",
    ),
    Mutant(
        id="rs-published-derive-dropped",
        target="rust",
        gate="RS005",
        kind="published",
        mutate=_edit(
            "src/types.rs",
            "#[derive(Debug, Clone, PartialEq)]\n",
            "#[derive(Debug, Clone)]\n",
        ),
        spec="common",
        why="a documented derive removed from a published type",
    ),
]
