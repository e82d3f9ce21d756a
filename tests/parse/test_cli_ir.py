"""`specloom ir`: JSON of a spec or a workspace, the summary tables, the default path."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from specloom.cli.main import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        main(["ir", *args])
    out = capsys.readouterr()
    return int(exc.value.code or 0), out.out, out.err


@pytest.fixture(autouse=True)
def _at_repo_root(repo_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(repo_root)


def test_default_path_prints_the_workspace(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys)
    assert code == 0
    data = json.loads(out)
    assert data["root"] == "specs"
    assert data["order"] == ["common", "billing", "counters"]
    assert list(data["specs"]) == ["billing", "common", "counters"]
    # by alias: the structured example's arguments are under `with`
    structured = [e["structured"] for e in data["specs"]["billing"]["examples"] if e["structured"]]
    assert structured and all("with" in s and "with_" not in s for s in structured)
    assert out == json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def test_spec_path_prints_one_spec(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "specs/common")
    assert code == 0
    data = json.loads(out)
    assert data["id"] == "common" and data["path"] == "specs/common/spec.md"
    assert [t["name"] for t in data["types"]] == ["Money", "CurrencyCode", "CustomerId"]


def test_summary_tables(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "specs", "--summary")
    assert code == 0
    assert out.index("common") < out.index("billing")  # dependencies first
    assert "statement clauses" in out and "clauses MUST NOT" in out
    lines = [line for line in out.splitlines() if "statement clauses" in line]
    assert [line.split("│")[2].strip() for line in lines] == ["3", "14", "7"]


def test_model_spec_summary(capsys: pytest.CaptureFixture[str], model_spec_dir: Path) -> None:
    code, out, _ = run(capsys, str(model_spec_dir), "--summary")
    assert code == 0
    row = next(line for line in out.splitlines() if "example files" in line)
    assert row.split("│")[2].strip() == "114"
