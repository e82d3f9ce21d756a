"""`specloom build` and `specloom verify` on a copy of the example workspace (real parser)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from specloom.cli.main import main


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        main(list(argv))
    out, err = capsys.readouterr()
    return int(exc.value.code or 0), out, err


def build_json(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, Any]]:
    code, out, err = cli(
        capsys, "build", *argv, "-t", "ir-json", "--runner", "local", "--format", "json"
    )
    assert "Traceback" not in err
    return code, json.loads(out)


def statuses(doc: dict[str, Any]) -> dict[str, str]:
    return {t["spec"]: t["status"] for t in doc["targets"]}


def test_build_skip_and_one_clause_edit(ws: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, doc = build_json(capsys, "specs", "-o", "out")
    assert code == 0 and statuses(doc) == {
        "common": "built",
        "billing": "built",
        "counters": "built",
    }
    code, doc = build_json(capsys, "specs", "-o", "out")
    assert code == 0 and statuses(doc) == {
        "common": "skipped",
        "billing": "skipped",
        "counters": "skipped",
    }
    spec = ws / "specs" / "billing" / "spec.md"
    spec.write_text(
        spec.read_text()
        .replace("MUST", "MUST", 1)
        .replace("line item", "line item (at least one)", 1)
    )
    code, doc = build_json(capsys, "specs", "-o", "out")
    assert code == 0 and statuses(doc) == {
        "common": "skipped",
        "billing": "built",
        "counters": "skipped",
    }
    ir = json.loads((ws / "out" / "billing" / "ir-json" / "ir.json").read_text())
    assert "(at least one)" in json.dumps(ir)


def test_build_one_spec_folder_builds_only_it(ws: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, doc = build_json(capsys, "specs/billing", "-o", "out")
    assert code == 0 and statuses(doc) == {"billing": "built"}
    assert not (ws / "out" / "common").exists()


def test_text_output_has_the_summary_table(ws: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _err = cli(
        capsys, "build", "specs", "-t", "ir-json", "-o", "out", "--runner", "local"
    )
    assert code == 0
    assert "spec" in out and "status" in out and "billing" in out and "built" in out


def test_unknown_target_is_a_usage_error(ws: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = cli(capsys, "build", "specs", "-t", "nope", "--runner", "local")
    assert code == 2
    assert "unknown target 'nope'; available targets:" in err and "ir-json" in err


def test_verify_reports_each_kind_of_drift(ws: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert build_json(capsys, "specs", "-o", "out")[0] == 0
    code, out, _ = cli(capsys, "verify", "specs", "-o", "out", "--format", "json")
    assert code == 0 and json.loads(out)["ok"] is True
    pub = ws / "out" / "common" / "ir-json"

    def rules() -> tuple[int, set[str]]:
        code, out, _ = cli(capsys, "verify", "specs", "-o", "out", "--format", "json")
        doc = json.loads(out)
        return code, {f["rule"] for t in doc["targets"] for f in t["findings"]}

    (pub / "extra.txt").write_text("hand-made")
    assert rules() == (1, {"DRIFT002", "INT001"})
    (pub / "extra.txt").unlink()
    original = (pub / "ir.json").read_text()
    (pub / "ir.json").write_text(original.replace('"Common types"', '"Edited"'))
    assert rules() == (1, {"DRIFT001", "INT001", "IR003"})
    (pub / "ir.json").unlink()
    assert rules() == (1, {"DRIFT003", "INT001", "IR001"})
    (pub / "ir.json").write_text(original)
    assert rules() == (0, set())


def test_verify_without_a_build(ws: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(capsys, "verify", "specs", "-o", "out")
    assert code == 1 and "nothing published" in out


def test_cli_in_a_subprocess_never_prints_a_traceback(ws: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "specloom", "build", "missing-folder", "--runner", "local"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and "missing-folder" in proc.stderr


def test_local_build_imports_neither_prefect_nor_openai(ws: Path) -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-X",
            "importtime",
            "-m",
            "specloom",
            "build",
            "specs",
            "-t",
            "ir-json",
            "-o",
            "out",
            "--runner",
            "local",
        ],
        capture_output=True,
        text=True,
        check=False,
        env={k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"},
    )
    assert proc.returncode == 0, proc.stderr
    imported = {
        line.rsplit("|", 1)[-1].strip()
        for line in proc.stderr.splitlines()
        if line.startswith("import time:")
    }
    assert "specloom.pipeline.build" in imported
    assert not {m for m in imported if m.split(".")[0] in {"prefect", "openai", "dask"}}
    assert "billing" in proc.stderr  # the progress lines went to stderr


def test_verify_reports_a_target_that_is_no_longer_installed(
    ws: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from specloom.pipeline import registry

    class Gone(registry.load_target("ir-json")):  # type: ignore[misc]
        name = "gone"

    registry.register_target(Gone)
    try:
        code, _ = build_json_targets(capsys, "gone")
        assert code == 0
    finally:
        registry.unregister_target("gone")
    code, out, _ = cli(capsys, "verify", "specs", "-o", "out", "--format", "json")
    doc = json.loads(out)
    assert code == 1
    assert {f["rule"] for t in doc["targets"] for f in t["findings"]} == {"VER002"}
    assert "unknown target 'gone'" in out


def build_json_targets(
    capsys: pytest.CaptureFixture[str], *targets: str
) -> tuple[int, dict[str, Any]]:
    args = [a for t in targets for a in ("-t", t)]
    code, out, _err = cli(
        capsys, "build", "specs", "-o", "out", "--runner", "local", "--format", "json", *args
    )
    return code, json.loads(out)


def test_several_paths_build_each_named_spec(ws: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, doc = build_json(capsys, "specs/billing", "specs/common/spec.md", "-o", "out")
    assert code == 0
    assert [t["spec"] for t in doc["targets"]] == ["common", "billing"]  # dependencies first


def test_paths_given_importer_first_still_build_dependencies_first(
    ws: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    extra = ws / "more" / "extra"
    extra.mkdir(parents=True)
    (extra / "spec.md").write_text(
        "---\nspec: extra\ntitle: Extra\nversion: 1.0.0\nimports: [zeta]\n---\n\n"
        "# Extra {#extra}\n\nExtras MUST exist[^ext1].\n"
    )
    zeta = ws / "more" / "zeta"
    zeta.mkdir()
    (zeta / "spec.md").write_text(
        "---\nspec: zeta\ntitle: Zeta\nversion: 1.0.0\n---\n\n# Zeta {#zeta}\n\n"
        "Zetas MUST exist[^zet1].\n"
    )
    code, doc = build_json(capsys, "more/extra", "more/zeta", "-o", "out")
    assert code == 0
    assert [t["spec"] for t in doc["targets"]] == ["zeta", "extra"]


def test_a_skipped_gate_shows_in_build_and_verify_tables(
    ws: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from specloom.findings import Finding, Severity
    from specloom.pipeline import registry
    from specloom.target import GeneratedFile, Target

    class NoTool(Target):
        name = "no-tool"

        def generate(self, spec: Any) -> list[GeneratedFile]:
            return [GeneratedFile("x.txt", b"x")]

        def verify(self, spec: Any, root: Path) -> list[Finding]:
            return [Finding(rule="NT001", severity=Severity.INFO, message="skipped: no tool")]

    registry.register_target(NoTool)
    try:
        code, out, _ = cli(capsys, "build", "specs", "-o", "out", "-t", "no-tool")
        assert code == 0
        rows = [line for line in out.splitlines() if "│ no-tool" in line]
        assert len(rows) == 3 and all("1 skipped" in r and "passed" not in r for r in rows)
        code, out, _ = cli(capsys, "verify", "specs", "-o", "out", "-t", "no-tool")
        assert code == 0
        rows = [line for line in out.splitlines() if "│ no-tool" in line]
        assert len(rows) == 3 and all("ok (1 skipped)" in r for r in rows), out
        assert "NT001: skipped: no tool" in out
    finally:
        registry.unregister_target("no-tool")


def test_a_blocking_finding_is_printed_once_per_spec(
    ws: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = ws / "specs" / "billing" / "spec.md"
    spec.write_text(spec.read_text().replace("imports: [common]", "imports: [common, ghost]"))
    code, out, err = cli(
        capsys, "build", "specs", "-o", "out", "-t", "ir-json", "-t", "docs", "--runner", "local"
    )
    assert code == 1 and "Traceback" not in err
    lines = [ln for ln in out.splitlines() if "imports 'ghost'" in ln]
    assert len(lines) == 1, out
    assert lines[0].startswith("billing blocked (ir-json, docs):")


def test_schedule_without_a_server_says_nothing_of_serving(ws: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env["PREFECT_HOME"] = str(ws / "prefect-home")
    proc = subprocess.run(
        [sys.executable, "-m", "specloom", "schedule", "specs", "--cron", "0 3 * * *"],
        cwd=ws,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 2, proc.stderr
    assert "PREFECT_API_URL is not set" in proc.stderr
    assert "serving" not in proc.stdout + proc.stderr
