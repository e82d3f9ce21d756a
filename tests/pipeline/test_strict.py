"""Strict mode: a gate that could not run is told apart from one turned off by config; the
report lists passed, skipped and off; `--strict` and `strict_gates = true` make it an error."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest

from specloom.cli.main import main
from specloom.findings import Finding, GateState, Severity, not_run, strict, turned_off
from specloom.model import Spec
from specloom.pipeline import registry
from specloom.target import GeneratedFile, Target


class NoTool(Target):
    """Gate NT001 passes, NT002 cannot run here (its tool is missing)."""

    name: ClassVar[str] = "no-tool"
    gate_ids: ClassVar[tuple[str, ...]] = ("NT001", "NT002")

    def generate(self, spec: Spec) -> list[GeneratedFile]:
        return [GeneratedFile("x.txt", spec.title.encode())]

    def verify(self, spec: Spec, root: Path) -> list[Finding]:
        return [not_run("NT002", "nt-tool not found", fix="install nt-tool")]


class Quiet(Target):
    """Gate QT001 passes, QT002 is turned off by config."""

    name: ClassVar[str] = "quiet"
    gate_ids: ClassVar[tuple[str, ...]] = ("QT001", "QT002")

    def generate(self, spec: Spec) -> list[GeneratedFile]:
        return [GeneratedFile("x.txt", b"x")]

    def verify(self, spec: Spec, root: Path) -> list[Finding]:
        return [turned_off("QT002", "check_qt = false")]


@pytest.fixture(autouse=True)
def targets() -> Iterator[None]:
    registry.register_target(NoTool)
    registry.register_target(Quiet)
    yield
    registry.unregister_target("no-tool")
    registry.unregister_target("quiet")


def test_not_run_and_turned_off_findings() -> None:
    f = not_run("TS001", "tsc not found", fix="run scripts/setup.sh")
    assert (f.state, f.severity) == (GateState.NOT_RUN, Severity.WARNING)
    assert f.message == "not run: tsc not found (fix: run scripts/setup.sh)"
    assert f.as_dict()["state"] == "not_run"
    off = turned_off("RS004", "check_serde = false")
    assert (off.state, off.severity, off.message) == (
        GateState.OFF,
        Severity.INFO,
        "off: check_serde = false",
    )
    # strict turns only the not-run gate into an error; a lint-style finding keeps six keys
    assert [g.severity for g in strict([f, off])] == [Severity.ERROR, Severity.INFO]
    plain = Finding(rule="SL001", severity=Severity.WARNING, message="vague")
    assert list(plain.as_dict()) == ["rule", "severity", "message", "file", "line", "clause"]


def test_a_gate_that_could_not_run_makes_the_report_not_ok(
    build_ir: Any, ir: Any, tmp_path: Path
) -> None:
    ws = ir.workspace(ir.spec("common", {"cmn1": "x MUST y."}))
    result = build_ir(ws, targets=["no-tool", "quiet"])
    assert result.exit_code == 0  # published, but not ok
    assert result.as_dict()["ok"] is False
    report = json.loads((tmp_path / "output" / "common" / "report.json").read_text())
    assert report["ok"] is False
    rows = {r["target"]: r for r in report["targets"]}
    assert (rows["no-tool"]["passed"], rows["no-tool"]["skipped"], rows["no-tool"]["off"]) == (
        ["NT001"],
        ["NT002"],
        [],
    )
    assert (rows["quiet"]["passed"], rows["quiet"]["skipped"], rows["quiet"]["off"]) == (
        ["QT001"],
        [],
        ["QT002"],
    )
    md = (tmp_path / "output" / "common" / "report.md").read_text()
    assert "| no-tool | NT001 | NT002 | - |" in md
    assert "| quiet | QT001 | - | QT002 |" in md
    assert "not ok: a gate could not run" in md


def test_a_gate_turned_off_by_config_keeps_the_report_ok(
    build_ir: Any, ir: Any, tmp_path: Path
) -> None:
    ws = ir.workspace(ir.spec("common", {"cmn1": "x MUST y."}))
    result = build_ir(ws, targets=["quiet"])
    assert result.exit_code == 0 and result.as_dict()["ok"] is True
    assert result.rows[0].gate_summary() == "1 off"
    assert json.loads((tmp_path / "output" / "common" / "report.json").read_text())["ok"]


def test_strict_build_refuses_to_publish_unchecked_output(
    build_ir: Any, ir: Any, tmp_path: Path
) -> None:
    ws = ir.workspace(ir.spec("common", {"cmn1": "x MUST y."}))
    assert build_ir(ws, targets=["no-tool"]).exit_code == 0
    spec_dir = tmp_path / "output" / "common"
    folder = os.readlink(spec_dir / "no-tool")
    # a strict build reruns the target even though it is up to date: its gate did not run
    result = build_ir(ws, targets=["no-tool"], strict=True)
    assert result.exit_code == 1
    row = result.rows[0]
    assert row.status == "failed"
    assert [(g.rule, g.severity) for g in row.gates] == [("NT002", Severity.ERROR)]
    assert os.readlink(spec_dir / "no-tool") == folder  # the last output stays
    # and a new spec is not published at all
    ws2 = ir.workspace(ir.spec("other", {"oth1": "x MUST y."}))
    assert build_ir(ws2, targets=["no-tool"], strict=True).exit_code == 1
    assert not (tmp_path / "output" / "other" / "no-tool").exists()


def test_strict_gates_in_config_and_on_the_cli(
    ws: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def cli(*argv: str) -> tuple[int, dict[str, Any]]:
        with pytest.raises(SystemExit) as exc:
            main([*argv, "--format", "json"])
        out, _ = capsys.readouterr()
        return int(exc.value.code or 0), json.loads(out)

    code, doc = cli("build", "specs", "-o", "out", "-t", "no-tool", "--runner", "local")
    assert code == 0 and doc["ok"] is False
    code, doc = cli("verify", "specs", "-o", "out", "-t", "no-tool")
    assert code == 0 and doc["ok"] is False
    assert doc["targets"][0]["skipped"] == ["NT002"]
    code, doc = cli("verify", "specs", "-o", "out", "-t", "no-tool", "--strict")
    assert code == 1 and doc["ok"] is False
    code, doc = cli("build", "specs", "-o", "out", "-t", "no-tool", "--strict")
    assert code == 1 and {t["status"] for t in doc["targets"]} == {"failed"}
    (ws / "pyproject.toml").write_text(
        '[tool.specloom]\nspecs = "specs"\noutput = "out"\nstrict_gates = true\n'
    )
    code, doc = cli("verify", "specs", "-t", "no-tool")
    assert code == 1
    code, doc = cli("build", "specs", "-t", "no-tool", "--runner", "local")
    assert code == 1
    code, doc = cli("build", "specs", "-t", "quiet", "--runner", "local")
    assert code == 0 and doc["ok"] is True  # off is never a failure, strict or not
