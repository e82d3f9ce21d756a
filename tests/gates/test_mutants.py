"""The mutation suite: every seeded defect is caught by the gate it names, and the clean
output of the example workspace gives no finding at all."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from harness import Baseline, Mutant, run_mutant, verify_rows  # noqa: E402


def collect() -> list[Mutant]:
    """Every `MUTANTS` list of every `tests/gates/mutants_<area>.py`."""
    out: list[Mutant] = []
    for path in sorted(HERE.glob("mutants_*.py")):
        module = importlib.import_module(path.stem)
        out += module.MUTANTS
    return out


ALL = collect()


def test_mutant_ids_are_unique_and_name_a_gate() -> None:
    ids = [m.id for m in ALL]
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    for m in ALL:
        assert m.id == m.id.lower() and " " not in m.id, m.id
        assert m.gate and m.kind in ("generator", "published"), m.id


@pytest.mark.slow
@pytest.mark.parametrize("mutant", ALL, ids=[m.id for m in ALL])
def test_mutant_is_caught(
    mutant: Mutant, gate_baseline: Baseline, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    outcome = run_mutant(mutant, gate_baseline, tmp_path, monkeypatch)
    assert outcome.exit_code == 1, f"{mutant.id} ({mutant.why}) escaped:\n{outcome.describe()}"
    assert outcome.fired(mutant.gate), (
        f"{mutant.id}: {mutant.gate} did not fire; what fired:\n{outcome.describe()}"
    )


TARGETS = sorted({m.target for m in ALL})


@pytest.mark.slow
@pytest.mark.parametrize("target", TARGETS)
def test_clean_output_gives_no_finding(target: str, gate_baseline: Baseline) -> None:
    """The clean build and a verify of it report nothing: no error, no warning, no gate that
    could not run (so a mutant's finding is the mutant's doing)."""
    result = gate_baseline.build(target)
    assert [(r.spec, g.as_dict()) for r in result.rows for g in r.gates] == []
    for spec in sorted({r.spec for r in result.rows}):
        rows = verify_rows(gate_baseline, gate_baseline.output, target, spec)
        assert [r.status for r in rows] == ["ok"]
        assert [f.as_dict() for r in rows for f in r.findings] == []
