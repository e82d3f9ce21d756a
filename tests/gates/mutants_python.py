"""Mutants of the python target (gates PY001-PY005)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from harness import Mutant, MutationContext


def _operation_loses_a_clause(ctx: MutationContext) -> None:
    """create_invoice drops bil1, which Invoice and EmptyInvoice still carry: a per-package
    check would pass."""
    from specloom.targets.python import target

    from specloom.model import Operation

    real = target.item_docstring

    def item_docstring(spec: Any, item: Any, indent: str) -> str:
        if isinstance(item, Operation) and "bil1" in item.clauses:
            item = item.model_copy(update={"clauses": [c for c in item.clauses if c != "bil1"]})
        return real(spec, item, indent)

    ctx.monkeypatch.setattr(target, "item_docstring", item_docstring)


def _protocol_drops_an_operation(ctx: MutationContext) -> None:
    """The service Protocol loses its last operation; the suite still calls it."""
    from specloom.targets.python.target import PythonTarget

    real = PythonTarget._api

    def _api(self: PythonTarget, spec: Any, *args: Any) -> str:
        if spec.operations:
            spec = spec.model_copy(update={"operations": spec.operations[:-1]})
        return real(self, spec, *args)

    ctx.monkeypatch.setattr(PythonTarget, "_api", _api)


def _int64_as_str(ctx: MutationContext) -> None:
    from specloom.targets.python import signatures

    ctx.monkeypatch.setitem(signatures.PRIMITIVES, "int64", "str")


def _optional_without_none(ctx: MutationContext) -> None:
    """Optional fields typed without `| None` but still defaulting to None."""
    from specloom.targets.python import signatures

    real = signatures.py_type

    def py_type(ref: Any, *, bare: bool = False) -> str:
        return real(ref, bare=True)

    ctx.monkeypatch.setattr(signatures, "py_type", py_type)


def _edit(path: str, old: str, new: str, count: int = 1) -> Callable[[MutationContext], None]:
    def mutate(ctx: MutationContext) -> None:
        f = ctx.root / path
        text = f.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {path}"
        f.write_text(text.replace(old, new, count), encoding="utf-8")

    return mutate


def _constraint_refuses_examples(ctx: MutationContext) -> None:
    f = ctx.root / "src" / "billing" / "models.py"
    text = f.read_text(encoding="utf-8")
    assert "    quantity: int\n" in text
    text = text.replace("    quantity: int\n", "    quantity: int = Field(gt=5)\n")
    text = text.replace(
        "from pydantic import BaseModel, ConfigDict\n",
        "from pydantic import BaseModel, ConfigDict, Field\n",
    )
    f.write_text(text, encoding="utf-8")


def _wire_name_drifts(ctx: MutationContext) -> None:
    f = ctx.root / "src" / "billing" / "models.py"
    text = f.read_text(encoding="utf-8")
    assert "    unit_price: _common.Money\n" in text
    text = text.replace(
        "    unit_price: _common.Money\n",
        '    unit_price: _common.Money = Field(serialization_alias="unitPrice")\n',
    )
    text = text.replace(
        "from pydantic import BaseModel, ConfigDict\n",
        "from pydantic import BaseModel, ConfigDict, Field\n",
    )
    f.write_text(text, encoding="utf-8")


MUTANTS = [
    Mutant(
        id="py-operation-loses-a-clause",
        target="python",
        gate="PY002",
        kind="generator",
        mutate=_operation_loses_a_clause,
        why="one item's clause id dropped while other items still carry it",
    ),
    Mutant(
        id="py-protocol-drops-an-operation",
        target="python",
        gate="PY001",
        kind="generator",
        mutate=_protocol_drops_an_operation,
        why="a service Protocol missing an operation the spec defines",
    ),
    Mutant(
        id="py-int64-as-str",
        target="python",
        gate="PY001",
        kind="generator",
        mutate=_int64_as_str,
        why="a primitive mapped to the wrong Python type",
    ),
    Mutant(
        id="py-optional-without-none",
        target="python",
        gate="PY001",
        kind="generator",
        mutate=_optional_without_none,
        why="an optional field or parameter that no longer admits None",
    ),
    Mutant(
        id="py-published-misspelt-annotation",
        target="python",
        gate="PY001",
        kind="published",
        mutate=_edit("src/billing/api.py", ") -> _common.Money:", ") -> _common.Mony:"),
        why="a published module that no longer type-checks",
    ),
    Mutant(
        id="py-published-clause-level-weakened",
        target="python",
        gate="PY002",
        kind="published",
        mutate=_edit("src/billing/api.py", "bil11 (MUST NOT):", "bil11 (SHOULD NOT):"),
        why="a docstring that states a clause weaker than the spec",
    ),
    Mutant(
        id="py-published-item-loses-a-clause-id",
        target="python",
        gate="PY002",
        kind="published",
        mutate=_edit("src/billing/api.py", "Clauses: bil8, bil9", "Clauses: bil8"),
        why="one method's clause id removed while the text above it stays",
    ),
    Mutant(
        id="py-published-constraint-refuses-examples",
        target="python",
        gate="PY003",
        kind="published",
        mutate=_constraint_refuses_examples,
        why="a model that rejects values the spec's examples use (mypy cannot see it)",
    ),
    Mutant(
        id="py-published-wire-name-drifts",
        target="python",
        gate="PY003",
        kind="published",
        mutate=_wire_name_drifts,
        why="a model that writes a field under another JSON name than the spec's (the"
        " constructors, mypy and the suite's values are all content)",
    ),
    Mutant(
        id="py-published-catalogue-level-weakened",
        target="python",
        gate="PY004",
        kind="published",
        mutate=_edit("src/billing/clauses.py", 'level="MUST NOT"', 'level="SHOULD NOT"'),
        why="a CLAUSES entry that no longer matches the spec",
    ),
    Mutant(
        id="py-published-wheel-drops-the-suite",
        target="python",
        gate="PY005",
        kind="published",
        mutate=_edit("pyproject.toml", ', "billing.tests"', ""),
        why="packaging metadata that leaves the conformance suite out of the wheel",
    ),
]
