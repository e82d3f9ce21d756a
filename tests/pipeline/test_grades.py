"""The grader scores every built artifact against the clauses it covers; grades land in the
report and the manifest, and a below-threshold grade blocks publication when configured."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest

from specloom.config import Config
from specloom.findings import Finding
from specloom.model import Spec
from specloom.pipeline import registry
from specloom.pipeline.build import BuildRequest, run_build
from specloom.pipeline.manifest import read_manifest
from specloom.pipeline.runner_local import make_local_executor
from specloom.target import GeneratedFile, Target


class IdOnly(Target):
    """Names every clause id and says nothing else: traced, but weak evidence."""

    name: ClassVar[str] = "id-only"

    def generate(self, spec: Spec) -> list[GeneratedFile]:
        return [GeneratedFile("ids.txt", "".join(f"{c.id}\n" for c in spec.clauses).encode())]

    def verify(self, spec: Spec, root: Path) -> list[Finding]:
        return []


@pytest.fixture(autouse=True)
def id_only() -> Iterator[None]:
    registry.register_target(IdOnly)
    yield
    registry.unregister_target("id-only")


def build(ws: Any, tmp_path: Path, targets: list[str], llm: dict[str, Any]) -> Any:
    req = BuildRequest(output=tmp_path / "output", cache_dir=tmp_path / "cache", targets=targets)
    return run_build(
        req, make_local_executor(1), workspace=ws, config=Config(root=tmp_path, llm=llm)
    )


def test_grades_are_reported_and_recorded(ir: Any, tmp_path: Path) -> None:
    ws = ir.workspace(ir.spec("common", {"cmn1": "Money MUST be minor units."}))
    result = build(ws, tmp_path, ["ir-json", "id-only"], {})
    rows = {r.target: r for r in result.rows}
    assert rows["ir-json"].status == rows["id-only"].status == "built"
    (good,) = rows["ir-json"].grades
    assert (good["clause"], good["passed"], good["grader"]) == ("cmn1", True, "rules")
    (weak,) = rows["id-only"].grades
    assert weak["passed"] is False and weak["score"] < weak["threshold"]
    assert [g.rule for g in rows["id-only"].gates] == ["GRD001"]
    assert rows["id-only"].gates[0].severity == "warning"
    report = json.loads((tmp_path / "output" / "common" / "report.json").read_text())
    assert {t["target"]: len(t["grades"]) for t in report["targets"]} == {
        "ir-json": 1,
        "id-only": 1,
    }
    md = (tmp_path / "output" / "common" / "report.md").read_text()
    assert "| ir-json | built |" in md and "| 1/1 |" in md and "| 0/1 |" in md
    manifest = read_manifest(tmp_path / "output" / "common")
    assert manifest is not None and manifest.targets["id-only"].grades == [weak]
    again = build(ws, tmp_path, ["ir-json", "id-only"], {})
    assert {r.target: r.grades for r in again.rows}["id-only"] == [weak]  # skipped, kept


def test_a_failing_grade_blocks_publication_when_it_is_an_error(ir: Any, tmp_path: Path) -> None:
    ws = ir.workspace(ir.spec("common", {"cmn1": "Money MUST be minor units."}))
    result = build(ws, tmp_path, ["id-only"], {"grader": {"severity": "error"}})
    (row,) = result.rows
    assert row.status == "failed" and "below its threshold" in row.reason
    assert row.gates[0].rule == "GRD001" and row.gates[0].clause == "cmn1"
    assert not (tmp_path / "output" / "common" / "id-only").exists()
    assert result.exit_code == 1


def test_verify_grades_what_is_published(ir: Any, tmp_path: Path) -> None:
    from specloom.pipeline.verify import run_verify

    ws = ir.workspace(ir.spec("common", {"cmn1": "Money MUST be minor units."}))
    build(ws, tmp_path, ["id-only"], {})
    config = Config(root=tmp_path)
    (row,) = run_verify([], tmp_path / "output", None, workspace=ws, config=config)
    assert row.status == "ok" and [f.rule for f in row.findings] == ["GRD001"]
    strict = Config(root=tmp_path, llm={"grader": {"severity": "error"}})
    (row,) = run_verify([], tmp_path / "output", None, workspace=ws, config=strict)
    assert row.status == "failed"


def test_the_llm_grades_only_when_asked(
    ir: Any, tmp_path: Path, fake_openai: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-0000")
    monkeypatch.setenv("OPENAI_BASE_URL", fake_openai.base_url)
    ws = ir.workspace(ir.spec("common", {"cmn1": "Money MUST be minor units."}))

    def run(llm: dict[str, Any]) -> Any:
        req = BuildRequest(
            output=tmp_path / "output",
            cache_dir=tmp_path / "cache",
            targets=["ir-json"],
            backend="openai",
            force=True,
        )
        return run_build(
            req, make_local_executor(1), workspace=ws, config=Config(root=tmp_path, llm=llm)
        )

    (row,) = run({}).rows  # mode auto: a build grades by rules, no request
    assert row.grades[0]["grader"] == "rules" and fake_openai.chat_requests() == []
    fake_openai.script(fake_openai.ok({"score": 5, "rationale": "states it"}))
    (row,) = run({"grader": {"mode": "llm"}}).rows
    assert row.grades[0]["grader"] != "rules" and len(fake_openai.chat_requests()) == 1
