"""Type check rules (SL1xx) on IR built in Python."""

from __future__ import annotations

from typing import Any

from specloom.check.lint import lint_workspace
from specloom.config import LintConfig
from specloom.findings import Finding, Severity
from specloom.model import EnumVariant, TypeDef


def rules(findings: list[Finding], prefix: str = "SL1") -> list[str]:
    return sorted(f.rule for f in findings if f.rule.startswith(prefix))


def run(ir: Any, *specs: Any, **kw: Any) -> list[Finding]:
    return lint_workspace(ir.workspace(*specs), LintConfig(), **kw)


def test_unknown_local_and_qualified_types(ir: Any) -> None:
    common = ir.spec("common", types=[ir.alias("Money", "int64")])
    billing = ir.spec(
        "billing",
        imports=["common"],
        types=[
            ir.record(
                "Invoice",
                {
                    "a": "Nope",
                    "b": "common.Money",
                    "c": "common.Gone",
                    "d": "other.Money",
                    "e": "list<map<string,Missing?>>",
                },
                clauses=["b1"],
            )
        ],
    )
    found = [f for f in run(ir, common, billing) if f.rule == "SL101"]
    msgs = sorted(f.message for f in found)
    assert len(found) == 4
    assert any("unknown type 'Nope'" in m for m in msgs)
    assert any("spec common defines no type 'Gone'" in m for m in msgs)
    assert any("does not import: add other to `imports`" in m for m in msgs)
    assert any("'Missing'" in m for m in msgs)
    assert all(f.severity is Severity.ERROR and f.clause == "b1" for f in found)
    assert all(f.file == "x/spec.md" and f.line == 11 for f in found)


def test_duplicates_share_type_and_error_namespace(ir: Any) -> None:
    s = ir.spec(
        "s",
        types=[ir.record("Thing", {"a": "string"}, line=3)],
        errors=[ir.err("Thing", line=9)],
        operations=[ir.op("go", {"x": "string"}), ir.op("go", line=50)],
    )
    found = [f for f in run(ir, s) if f.rule == "SL102"]
    assert [(f.line, "Thing" in f.message or "go" in f.message) for f in found] == [
        (9, True),
        (50, True),
    ]
    assert "first defined at x/spec.md:3" in found[0].message


def test_import_cycle_and_unknown_import(ir: Any) -> None:
    a = ir.spec("a", imports=["b"])
    b = ir.spec("b", imports=["a", "zzz"])
    found = run(ir, a, b)
    assert [f.rule for f in found if f.rule in ("SL103", "SL104")] == ["SL103", "SL104"]
    cyc = next(f for f in found if f.rule == "SL103")
    assert "a -> b -> a" in cyc.message and cyc.file == "a/spec.md"


def test_collisions_after_case_conversion(ir: Any) -> None:
    s = ir.spec(
        "s",
        types=[
            ir.record("InvoiceLine", {"unitPrice": "int32", "unit_price": "int32"}),
            ir.alias("invoice_line", "string"),
        ],
    )
    found = [f for f in run(ir, s) if f.rule == "SL105"]
    text = " ".join(f.message for f in found)
    assert "TypeScript `InvoiceLine`" in text and "Rust `InvoiceLine`" in text
    assert "TypeScript `unitPrice`" in text and "Rust `unit_price`" in text
    # the python target's lint hook: the same two collisions in Python
    assert "Python `InvoiceLine`" in text and "Python `unit_price`" in text
    assert len(found) == 6


def test_reserved_words_are_warnings(ir: Any) -> None:
    s = ir.spec(
        "s",
        types=[ir.record("Option", {"type": "string", "name": "string"})],
        operations=[ir.op("delete", {"new": "string"})],
    )
    found = [f for f in run(ir, s) if f.rule == "SL106"]
    assert all(f.severity is Severity.WARNING for f in found)
    msgs = " | ".join(f.message for f in found)
    assert "type name 'Option' is reserved in Rust" in msgs
    assert "field of Option 'type' is reserved in Rust" in msgs
    assert "parameter of delete 'new' is reserved in TypeScript" in msgs
    assert "'name'" not in msgs


def test_unbounded_recursion_only_through_required_direct_fields(ir: Any) -> None:
    s = ir.spec(
        "s",
        types=[
            ir.record("Node", {"next": "Node?", "kids": "list<Node>"}),  # fine
            ir.record("A", {"b": "B"}),
            ir.record("B", {"a": "A"}),  # infinite
            ir.record("Self", {"me": "Self"}),  # infinite
            ir.record("C", {"d": "D"}),
            ir.alias("D", "C?"),  # fine: optional edge
        ],
    )
    found = [f for f in run(ir, s) if f.rule == "SL107"]
    assert sorted(f.message.split()[1] for f in found) == ["A", "Self"]
    assert "A -> B -> A" in next(f.message for f in found if " A " in f.message)


def test_int64_policy(ir: Any) -> None:
    s = ir.spec(
        "s",
        types=[ir.record("Money", {"amount": "int64", "ids": "list<int64>"})],
        constants=[ir.const("BIG", "int64", 2**53), ir.const("OK", "int64", 2**53 - 1)],
    )
    found = run(ir, s)
    assert rules(found) == ["SL108"] * 4 + ["SL109"]
    assert all(f.severity is Severity.INFO for f in found if f.rule == "SL108")
    assert "9007199254740991" in found[0].message
    assert rules(run(ir, s, ts_int64="bigint")) == []


def test_unknown_errors_and_bad_constants(ir: Any) -> None:
    common = ir.spec("common", errors=[ir.err("Denied")])
    s = ir.spec(
        "s",
        imports=["common"],
        errors=[ir.err("Local")],
        operations=[ir.op("go", errors=["Local", "common.Denied", "Nope"])],
        types=[ir.alias("Code", "string")],
        constants=[
            ir.const("A", "int32", 2**31),
            ir.const("B", "string", 3),
            ir.const("C", "Code", "eur"),
            ir.const("D", "list<int32>", [1, "x"]),
            ir.const("E", "bool", True),
            ir.const("F", "float64", 1),
        ],
    )
    found = run(ir, common, s)
    assert [f.message.split()[1] for f in found if f.rule == "SL110"] == ["go"]
    assert sorted(f.message.split()[1] for f in found if f.rule == "SL111") == ["A", "B", "D"]


def test_enum_values_that_collide_in_rust_are_numbered_not_refused(ir: Any) -> None:
    """Enum values are wire values (`in_review`, `InReview`; a real API has `+E.164` and
    `E.164`): the Rust and Python targets number the second member (serde and pydantic keep
    the value), so no target refuses them."""
    from specloom.naming import rust_enum_variants

    e = TypeDef(
        name="Status",
        kind="enum",
        pos=ir.pos(3),
        values=[
            EnumVariant(name="in_review", pos=ir.pos(3)),
            EnumVariant(name="InReview", pos=ir.pos(3)),
        ],
    )
    assert [f for f in run(ir, ir.spec("s", types=[e])) if f.rule == "SL105"] == []
    assert rust_enum_variants(["in_review", "InReview", "in-review"]) == {
        "in_review": "InReview",
        "InReview": "InReview2",
        "in-review": "InReview3",
    }
    from specloom.targets.python.signatures import enum_members

    assert enum_members(e) == [("IN_REVIEW", "in_review"), ("IN_REVIEW_2", "InReview")]
