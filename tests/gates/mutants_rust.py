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


def _constant_value_changed(ctx: MutationContext) -> None:
    from specloom.targets.rust import signatures

    real = signatures.constant_value

    def constant_value(const: Any) -> str:
        if isinstance(const.value, int) and not isinstance(const.value, bool):
            const = const.model_copy(update={"value": const.value + 1})
        return real(const)

    ctx.monkeypatch.setattr(signatures, "constant_value", constant_value)


def _edit(path: str, old: str, new: str) -> Callable[[MutationContext], None]:
    def mutate(ctx: MutationContext) -> None:
        f = ctx.root / path
        text = f.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {path}"
        f.write_text(text.replace(old, new, 1), encoding="utf-8")

    return mutate


GIVEN_STEP = """    let step2 = match svc.increment(v_c.id.clone(), 4i32) {
        Ok(value) => value,
        Err(error) => panic!(
            "{}: expected a value, got the error {:?}",
            "cnt5_1 (given step 2)",
            error,
        ),
    };
"""
"""cnt5_1's second `given` step as the Rust suite writes it."""


MUTANTS: list[Mutant] = [
    Mutant(
        id="rs-published-conformance-given-step-dropped",
        target="rust",
        gate="RS003",
        kind="published",
        spec="counters",
        mutate=_edit("src/conformance.rs", GIVEN_STEP, ""),
        why="a stateful case that skips one of its given steps (it then checks another state)",
    ),
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
        id="rs-generator-constant-value-changed",
        target="rust",
        gate="RS006",
        kind="generator",
        mutate=_constant_value_changed,
        spec="common",
        why="a constant whose value differs from the spec (off by one)",
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
    Mutant(
        id="rs-published-constant-value-edited",
        target="rust",
        gate="RS006",
        kind="published",
        mutate=_edit("src/api.rs", '= "inv_";', '= "INV_";'),
        why="a published constant edited",
    ),
]


def _empty_the_fixtures(ctx: MutationContext) -> None:
    (ctx.root / "tests" / "fixtures.rs").write_text("// nothing\n", encoding="utf-8")


MUTANTS += [
    Mutant(
        id="rs-published-fixtures-emptied",
        target="rust",
        gate="RS005",
        kind="published",
        mutate=_empty_the_fixtures,
        why="the crate's own checks edited so that they check nothing",
    ),
]


def _enum_loses_copy(ctx: MutationContext) -> None:
    from specloom.targets.rust import signatures

    real = signatures.type_signature

    def type_signature(spec: Any, typedef: Any, **kw: Any) -> str:
        return real(spec, typedef, **kw).replace("Clone, Copy, PartialEq", "Clone, PartialEq")

    ctx.monkeypatch.setattr(signatures, "type_signature", type_signature)


def _result_type_changed(ctx: MutationContext) -> None:
    from specloom.targets.rust import signatures

    real = signatures.operation_signature

    def operation_signature(spec: Any, op: Any) -> str:
        out = real(spec, op)
        return out.replace("-> Result<common::Money, Error>", "-> Result<i64, Error>")

    ctx.monkeypatch.setattr(signatures, "operation_signature", operation_signature)


def _constant_gains_a_clause(ctx: MutationContext) -> None:
    from specloom.targets.rust.target import RustTarget

    from specloom.model import Constant

    real = RustTarget.item_doc

    def item_doc(self: RustTarget, spec: Any, item: Any, indent: str = "") -> str:
        if isinstance(item, Constant):
            item = item.model_copy(update={"clauses": [*item.clauses, spec.clauses[0].id]})
        return real(self, spec, item, indent)

    ctx.monkeypatch.setattr(RustTarget, "item_doc", item_doc)


MUTANTS += [
    Mutant(
        id="rs-generator-enum-loses-copy",
        target="rust",
        gate="RS005",
        kind="generator",
        mutate=_enum_loses_copy,
        why="a documented derive dropped from an enum",
    ),
    Mutant(
        id="rs-generator-result-type-changed",
        target="rust",
        gate="RS001",
        kind="generator",
        mutate=_result_type_changed,
        why="an operation returning another type than the spec's",
    ),
    Mutant(
        id="rs-generator-constant-gains-a-clause",
        target="rust",
        gate="RS002",
        kind="generator",
        mutate=_constant_gains_a_clause,
        why="an item carrying a clause the spec does not give it",
    ),
]
