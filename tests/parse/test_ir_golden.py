"""IR goldens: the JSON of specs/ and of every fixture spec under tests/fixtures/specs/."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

from specloom.cli.ir import ir_json
from specloom.parse import load_spec, load_workspace

FIXTURES = Path("tests/fixtures/specs")
FIXTURE_SPECS = [
    "single/orders.md",
    "no_front_matter",
    "headings",
    "statements",
    "strict",
    "refs",
    "transcripts",
    "admonitions",
    "interface",
    "structured",
]


def check_golden(actual: str, golden: Path, update: bool) -> None:
    """Compare with a golden file; on mismatch show a unified diff and the update command."""
    if update:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(actual, encoding="utf-8")
        return
    if not golden.is_file():
        pytest.fail(f"missing golden {golden}; create it with: pytest --update-goldens")
    expected = golden.read_text(encoding="utf-8")
    if actual != expected:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(keepends=True),
                actual.splitlines(keepends=True),
                fromfile=str(golden),
                tofile="actual",
            )
        )
        pytest.fail(
            f"IR differs from {golden}:\n{diff}\n"
            "If the change is intended, update the goldens: pytest tests/parse --update-goldens"
        )


@pytest.fixture(autouse=True)
def _at_repo_root(repo_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # IR paths are as given: relative paths from the repository root keep goldens portable
    monkeypatch.chdir(repo_root)


def test_example_workspace_matches_golden(repo_root: Path, update_goldens: bool) -> None:
    ws = load_workspace(Path("specs"))
    assert ws.order == ["common", "billing", "counters"]
    check_golden(ir_json(ws) + "\n", repo_root / "tests/golden/ir/specs.json", update_goldens)


@pytest.mark.parametrize("name", FIXTURE_SPECS)
def test_fixture_spec_matches_golden(name: str, repo_root: Path, update_goldens: bool) -> None:
    spec = load_spec(FIXTURES / name)
    stem = name.split("/")[0]
    check_golden(ir_json(spec) + "\n", repo_root / f"tests/golden/ir/{stem}.json", update_goldens)


def test_every_fixture_spec_has_a_golden(repo_root: Path) -> None:
    on_disk = {p.name for p in (repo_root / FIXTURES).iterdir() if p.is_dir()}
    assert on_disk == {n.split("/")[0] for n in FIXTURE_SPECS}


def test_ir_is_deterministic_across_runs() -> None:
    assert ir_json(load_workspace(Path("specs"))) == ir_json(load_workspace(Path("specs")))
