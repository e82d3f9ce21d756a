"""A failed gate publishes nothing, keeps the last good output and names clause and gate."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest

from specloom.errors import BuildError
from specloom.findings import Finding, Severity
from specloom.model import Spec
from specloom.pipeline import registry
from specloom.target import GeneratedFile, Target


class Picky(Target):
    """Fails its gate PK001 on clause cmn1 when the spec title contains BROKEN."""

    name: ClassVar[str] = "picky"

    def generate(self, spec: Spec) -> list[GeneratedFile]:
        return [GeneratedFile("out/title.txt", spec.title.encode())]

    def verify(self, spec: Spec, root: Path) -> list[Finding]:
        if "BROKEN" in (root / "out" / "title.txt").read_text():
            return [
                Finding(
                    rule="PK001",
                    severity=Severity.ERROR,
                    clause="cmn1",
                    file="out/title.txt",
                    line=1,
                    message="title is BROKEN",
                )
            ]
        return [Finding(rule="PK002", severity=Severity.WARNING, message="just a warning")]


class Escaper(Target):
    """Generates a file name from the spec title (like a template-made name)."""

    name: ClassVar[str] = "escaper"

    def generate(self, spec: Spec) -> list[GeneratedFile]:
        return [GeneratedFile(f"{spec.title}.txt", b"x")]

    def verify(self, spec: Spec, root: Path) -> list[Finding]:
        return []


class Skipper(Target):
    """Its only gate cannot run here and says so at info level (a check turned off)."""

    name: ClassVar[str] = "skipper"

    def generate(self, spec: Spec) -> list[GeneratedFile]:
        return [GeneratedFile("x.txt", b"x")]

    def verify(self, spec: Spec, root: Path) -> list[Finding]:
        return [Finding(rule="SK001", severity=Severity.INFO, message="skipped: no tool here")]


@pytest.fixture(autouse=True)
def targets() -> Iterator[None]:
    registry.register_target(Picky)
    registry.register_target(Escaper)
    registry.register_target(Skipper)
    yield
    registry.unregister_target("picky")
    registry.unregister_target("skipper")
    registry.unregister_target("escaper")


def test_failed_gate_keeps_the_last_good_output(build_ir: Any, ir: Any, tmp_path: Path) -> None:
    good = ir.workspace(ir.spec("common", {"cmn1": "Money MUST be minor units."}))
    assert build_ir(good, targets=["picky"]).exit_code == 0
    spec_dir = tmp_path / "output" / "common"
    folder = os.readlink(spec_dir / "picky")
    manifest = (spec_dir / "manifest.json").read_bytes()
    bad = good.model_copy(deep=True)
    bad.specs["common"].title = "BROKEN"
    result = build_ir(bad, targets=["picky"])
    assert result.exit_code == 1
    assert [r.status for r in result.rows] == ["failed"]
    assert os.readlink(spec_dir / "picky") == folder
    assert (spec_dir / "picky" / "out" / "title.txt").read_text() == "Common"
    assert (spec_dir / "manifest.json").read_bytes() == manifest
    assert not [p for p in spec_dir.iterdir() if p.name.startswith(".staging")]
    report = json.loads((spec_dir / "report.json").read_text())
    assert report["ok"] is False
    gate = report["targets"][0]["gates"][0]
    assert (gate["rule"], gate["clause"], gate["message"]) == ("PK001", "cmn1", "title is BROKEN")
    md = (spec_dir / "report.md").read_text()
    assert "## picky: failed" in md and "`PK001` clause `cmn1`" in md
    # the next build retries the failed target (its inputs differ from the published ones)
    again = build_ir(bad, targets=["picky"])
    assert [r.status for r in again.rows] == ["failed"]


def test_warnings_do_not_block(build_ir: Any, ir: Any) -> None:
    ws = ir.workspace(ir.spec("common", {"cmn1": "x MUST y."}))
    result = build_ir(ws, targets=["picky"])
    assert [r.status for r in result.rows] == ["built"]
    assert result.rows[0].gate_summary() == "1 warning"


def test_a_skipped_gate_is_never_summarised_as_passed(
    build_ir: Any, ir: Any, tmp_path: Path
) -> None:
    ws = ir.workspace(ir.spec("common", {"cmn1": "x MUST y."}))
    result = build_ir(ws, targets=["skipper"])
    rows = {r.target: r for r in result.rows}
    assert rows["skipper"].status == "built"
    assert rows["skipper"].gate_summary() == "1 skipped"
    md = (tmp_path / "output" / "common" / "report.md").read_text()
    assert "| skipper | built |" in md and "| 1 skipped |" in md
    # the no-op rebuild keeps reporting the skip recorded in the manifest
    again = {r.target: r for r in build_ir(ws, targets=["skipper"]).rows}
    assert again["skipper"].status == "skipped"
    assert again["skipper"].gate_summary() == "1 skipped"


@pytest.mark.parametrize("title", ["../../escape", "/etc/passwd", "a/../../b"])
def test_generated_names_cannot_escape(build_ir: Any, ir: Any, tmp_path: Path, title: str) -> None:
    ws = ir.workspace(ir.spec("common", {"cmn1": "x MUST y."}))
    ws.specs["common"].title = title
    result = build_ir(ws, targets=["escaper"])
    assert [r.status for r in result.rows] == ["failed"]
    assert "escapes the target folder" in result.rows[0].reason
    written = {p.name for p in tmp_path.rglob("*")}
    assert "escape.txt" not in written and "passwd.txt" not in written and "b.txt" not in written


@pytest.mark.parametrize("spec_id", ["..", "../x", "a/b", ".hidden", ""])
def test_spec_ids_cannot_escape(build_ir: Any, ir: Any, spec_id: str) -> None:
    spec = ir.spec("common", {"cmn1": "x MUST y."})
    spec.id = spec_id
    with pytest.raises(BuildError, match="cannot be used as a folder name"):
        build_ir(ir.workspace(spec), targets=["ir-json"])
