"""Cross-spec conflicts (SL2xx) on IR built in Python."""

from __future__ import annotations

from typing import Any

from specloom.check.conflicts import statements
from specloom.check.lint import lint_workspace
from specloom.findings import Finding, Severity
from specloom.model import Level


def conflicts(ir: Any, *specs: Any) -> list[Finding]:
    return [f for f in lint_workspace(ir.workspace(*specs)) if f.rule.startswith("SL2")]


def test_same_type_defined_differently_names_both_places(ir: Any) -> None:
    a = ir.spec("a", types=[ir.record("Money", {"amount": "int64"}, file="a/spec.md", line=7)])
    b = ir.spec("b", types=[ir.record("Money", {"amount": "int32"}, file="b/spec.md", line=9)])
    same = ir.spec("c", types=[ir.record("Money", {"amount": "int64"}, file="c/spec.md")])
    found = conflicts(ir, a, b, same)
    assert sorted((f.rule, f.file) for f in found) == [
        ("SL201", "a/spec.md"),
        ("SL201", "b/spec.md"),
        ("SL201", "c/spec.md"),
    ]
    msg_b = next(f.message for f in found if f.file == "b/spec.md")
    assert "spec b and in spec a (a/spec.md:7)" in msg_b
    assert all(f.severity is Severity.ERROR for f in found)


def test_identical_definitions_and_qualified_refs_do_not_conflict(ir: Any) -> None:
    a = ir.spec("a", types=[ir.alias("Id", "string"), ir.record("X", {"id": "Id"})])
    b = ir.spec("b", types=[ir.alias("Id", "string")])
    assert conflicts(ir, a, b) == []
    # the same type again in a spec that imports `a` hides the imported one: SL205
    c = ir.spec("c", imports=["a"], types=[ir.alias("Id", "string")])
    assert [f.rule for f in conflicts(ir, a, c)] == ["SL205"]


def test_constant_defined_differently(ir: Any) -> None:
    a = ir.spec("a", constants=[ir.const("LIMIT", "int32", 10)])
    b = ir.spec("b", constants=[ir.const("LIMIT", "int32", 20)])
    assert [f.rule for f in conflicts(ir, a, b)] == ["SL202", "SL202"]


def test_must_and_must_not_on_same_subject(ir: Any) -> None:
    a = ir.spec(
        "a",
        strict=True,
        clauses=[
            ir.stmt("a1", "An invoice MUST be refunded within 30 days.", file="a/spec.md", line=3),
            ir.stmt("a2", "A payment MUST be in the currency of the invoice.", file="a/spec.md"),
        ],
    )
    b = ir.spec(
        "b",
        strict=True,
        clauses=[
            ir.stmt(
                "b1", "Invoices MUST NOT be refunded.", Level.MUST_NOT, file="b/spec.md", line=8
            ),
            ir.stmt(
                "b2", "A payment MUST NOT exceed the amount due.", Level.MUST_NOT, file="b/spec.md"
            ),
        ],
    )
    found = conflicts(ir, a, b)
    assert sorted((f.rule, f.clause) for f in found) == [("SL203", "a1"), ("SL203", "b1")]
    assert "at b/spec.md:8" in next(f.message for f in found if f.clause == "a1")
    assert "at a/spec.md:3" in next(f.message for f in found if f.clause == "b1")


def test_leading_condition_is_not_part_of_the_subject(ir: Any) -> None:
    s = ir.spec(
        "s",
        strict=True,
        clauses=[
            ir.stmt("s1", "When paid in full, the invoice MUST move to the status paid."),
            ir.stmt("s2", "The invoice MUST NOT move to the status paid.", Level.MUST_NOT),
        ],
    )
    assert {st.subject for st in statements(s)} == {"invoice"}
    assert len(conflicts(ir, s)) == 2


def test_lowercase_counts_only_in_non_strict_specs(ir: Any) -> None:
    strict = ir.spec("s", strict=True, clauses=[ir.stmt("s1", "The tool must log errors.")])
    loose = ir.spec("s", clauses=[ir.stmt("s1", "The tool must never log secrets.")])
    assert list(statements(strict)) == []
    [st] = statements(loose)
    assert st.negative and st.subject == "tool" and st.predicate == {"log", "secret"}


def test_lower_authority_contradicting_higher(ir: Any) -> None:
    s = ir.spec(
        "s",
        strict=True,
        authority=["platform", "service"],
        clauses=[
            ir.stmt("p1", "A client MUST send a request id.", authority="platform", line=4),
            ir.stmt(
                "v1",
                "A client MUST NOT send a request id.",
                Level.MUST_NOT,
                authority="service",
                line=12,
            ),
        ],
    )
    found = conflicts(ir, s)
    assert [(f.rule, f.clause, f.line) for f in found] == [("SL204", "p1", 4), ("SL204", "v1", 12)]
    low = next(f for f in found if f.clause == "v1")
    assert "(authority service) contradicts higher-authority clause p1" in low.message


def test_authority_levels_from_unrelated_orders_are_not_ranked(ir: Any) -> None:
    a = ir.spec(
        "a",
        strict=True,
        authority=["platform", "service"],
        clauses=[
            ir.stmt("a1", "A client MUST send a request id.", authority="service", file="a/spec.md")
        ],
    )
    b = ir.spec(
        "b",
        strict=True,
        authority=["gold", "silver"],
        clauses=[
            ir.stmt(
                "b1",
                "A client MUST NOT send a request id.",
                Level.MUST_NOT,
                authority="gold",
                file="b/spec.md",
            )
        ],
    )
    assert [f.rule for f in conflicts(ir, a, b)] == ["SL203", "SL203"]
