"""Check errors block publication: of the spec at fault, its dependents, and every spec a
conflict names; other specs still build."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from specloom.model import Constant, SourcePos, TypeRef


def rows(result: Any) -> dict[str, str]:
    return {r.spec: r.status for r in result.rows}


def const(spec_id: str, value: int) -> Constant:
    return Constant(
        name="LIMIT",
        type=TypeRef(kind="primitive", name="int32", text="int32"),
        value=value,
        clauses=[],
        pos=SourcePos(file=f"specs/{spec_id}/spec.md", line=9),
    )


def test_an_error_blocks_the_spec_and_its_dependents(
    build_ir: Any, ir: Any, tmp_path: Path
) -> None:
    common = ir.spec("common", {"cmn1": "Money MUST be minor units."})
    common.clauses.append(common.clauses[0].model_copy())  # duplicate id: SL006
    billing = ir.spec("billing", {"bil1": "An invoice MUST have a line."}, imports=["common"])
    other = ir.spec("other", {"oth1": "Other things MUST work."})
    result = build_ir(ir.workspace(common, billing, other))
    assert rows(result) == {"common": "blocked", "billing": "blocked", "other": "built"}
    assert result.exit_code == 1
    blocked = {r.spec: r.reason for r in result.rows}
    assert "SL006" in blocked["common"]
    assert "imports 'common'" in blocked["billing"]
    assert not (tmp_path / "output" / "common" / "ir-json").exists()
    assert "SL006" in (tmp_path / "output" / "common" / "report.md").read_text()


def test_a_conflict_blocks_every_spec_it_names(build_ir: Any, ir: Any) -> None:
    a = ir.spec("alpha", {"alp1": "Alpha MUST work."})
    b = ir.spec("beta", {"bet1": "Beta MUST work."})
    c = ir.spec("gamma", {"gam1": "Gamma MUST work."})
    a.constants.append(const("alpha", 1))
    b.constants.append(const("beta", 2))
    result = build_ir(ir.workspace(a, b, c))
    conflicts = [f for f in result.check if f.rule == "SL202"]
    assert conflicts, [f.rule for f in result.check]
    assert rows(result) == {"alpha": "blocked", "beta": "blocked", "gamma": "built"}
