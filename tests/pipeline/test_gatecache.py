"""`specloom verify` reuses gate results only when every input the gates read is unchanged."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest

from specloom.config import Config
from specloom.findings import Finding, Severity
from specloom.model import Spec
from specloom.pipeline import gatecache, registry
from specloom.pipeline.verify import run_verify
from specloom.target import GeneratedFile, Target

CALLS: list[str] = []


class Counted(Target):
    """Publishes the clause texts; its gate counts its runs and reads the published file."""

    name: ClassVar[str] = "counted"

    def generate(self, spec: Spec) -> list[GeneratedFile]:
        return [GeneratedFile("c.txt", "\n".join(c.text for c in spec.clauses).encode())]

    def verify(self, spec: Spec, root: Path) -> list[Finding]:
        CALLS.append(spec.id)
        text = (root / "c.txt").read_text()
        missing = [c.id for c in spec.clauses if c.text not in text]
        return [
            Finding(rule="CNT001", severity=Severity.ERROR, message="missing", clause=c)
            for c in missing
        ] or [Finding(rule="CNT002", severity=Severity.INFO, message="all there")]


@pytest.fixture(autouse=True)
def counted() -> Iterator[None]:
    registry.register_target(Counted)
    CALLS.clear()
    yield
    registry.unregister_target("counted")


def verify(ws: Any, tmp_path: Path, **kw: Any) -> Any:
    (row,) = run_verify(
        [], tmp_path / "output", None, workspace=ws, config=Config(root=tmp_path), **kw
    )
    return row


@pytest.fixture
def built(build_ir: Any, ir: Any) -> Any:
    ws = ir.workspace(ir.spec("common", {"cmn1": "Money MUST be minor units."}))
    build_ir(ws, targets=["counted"])
    CALLS.clear()
    return ws


def test_a_second_verify_reuses_the_gate_results(built: Any, tmp_path: Path) -> None:
    first = verify(built, tmp_path)
    second = verify(built, tmp_path)
    assert CALLS == ["common"]
    assert (first.reused, second.reused) == (False, True)
    assert second.findings == first.findings and second.status == "ok"
    assert second.as_dict()["reused"] is True


def test_force_runs_the_gates(built: Any, tmp_path: Path) -> None:
    verify(built, tmp_path)
    row = verify(built, tmp_path, reuse=False)
    assert CALLS == ["common", "common"] and not row.reused


def test_edited_published_bytes_run_the_gates_again(built: Any, tmp_path: Path) -> None:
    verify(built, tmp_path)
    published = tmp_path / "output" / "common" / "counted" / "c.txt"
    published.write_text("something else")  # the manifest is untouched
    row = verify(built, tmp_path)
    assert CALLS == ["common", "common"] and not row.reused
    assert {f.rule for f in row.findings} >= {"DRIFT001", "CNT001"}
    assert row.status == "failed"


def test_a_changed_spec_runs_the_gates_again(built: Any, tmp_path: Path) -> None:
    verify(built, tmp_path)
    built.specs["common"].clauses[0].text = "Money MUST be whole minor units."
    row = verify(built, tmp_path)
    assert CALLS == ["common", "common"] and not row.reused
    assert [f.rule for f in row.findings if f.severity == "error"] == ["CNT001"]


def test_another_tool_version_runs_the_gates_again(
    built: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    verify(built, tmp_path)
    monkeypatch.setattr(gatecache, "tool_fingerprint", lambda: "cargo 2.0")
    row = verify(built, tmp_path)
    assert CALLS == ["common", "common"] and not row.reused


def test_failures_are_never_replayed(built: Any, tmp_path: Path) -> None:
    published = tmp_path / "output" / "common" / "counted" / "c.txt"
    published.write_text("broken")
    verify(built, tmp_path)
    verify(built, tmp_path)
    assert CALLS == ["common", "common"]


def test_tool_fingerprint_sees_a_new_tool(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = gatecache.tool_fingerprint.__wrapped__()
    exe = tmp_path / "ffprobe"
    exe.write_text("#!/bin/sh\n")
    exe.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}:/nonexistent")
    monkeypatch.setattr(gatecache, "_search_path", lambda: f"{tmp_path}")
    assert gatecache.tool_fingerprint.__wrapped__() != before
