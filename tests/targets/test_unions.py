"""Unions, nullable and HTTP bindings through the code and docs targets (real tsc, cargo)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from specloom.targets.rust import gates as rs_gates
from specloom.targets.rust import signatures as rs_sig
from specloom.targets.typescript import gates as ts_gates
from specloom.targets.typescript import signatures as ts_sig

from specloom.model import Workspace
from specloom.parse import load_workspace

FIXTURE = Path(__file__).parents[1] / "fixtures" / "unions"


@pytest.fixture(scope="module")
def workspace() -> Workspace:
    return load_workspace(FIXTURE)


def test_typescript_declarations(workspace: Workspace, golden_tree: Any, repo_root: Path) -> None:
    spec = workspace.spec("shapes")
    got = {
        "typescript.ts": "\n\n".join(ts_sig.type_signature(spec, t) for t in spec.types).encode(),
        "rust.rs": "\n\n".join(
            rs_sig.type_signature(spec, t, docs=True) for t in spec.types
        ).encode(),
    }
    golden_tree.check(got, repo_root / "tests" / "golden" / "unions")
    ts = got["typescript.ts"].decode()
    assert '| ({ readonly kind: "circle" } & Circle)' in ts
    assert "readonly label?: string | null;" in ts and "readonly note: string | null;" in ts
    rs = got["rust.rs"].decode()
    assert 'serde(tag = "kind")' in rs and "serde(untagged)" in rs
    assert "pub label: Option<Option<String>>," in rs and "pub note: Option<String>," in rs


def test_recursive_union_is_boxed_once(tmp_path: Path) -> None:
    folder = tmp_path / "ws" / "expr"
    folder.mkdir(parents=True)
    (folder / "spec.md").write_text(
        "---\nspec: expr\n---\n\n# Expr {#expr}\n\n```specloom\ntypes:\n"
        "  Add: {fields: {left: Expr, right: Expr}}\n"
        "  Expr: {union: [int64, Add]}\n```\n",
        encoding="utf-8",
    )
    spec = load_workspace(tmp_path / "ws").spec("expr")
    assert rs_sig.boxed_fields(spec) == {("Expr", "|Add")}
    text = "\n".join(rs_sig.type_signature(spec, t) for t in spec.types)
    assert "    Add(Box<Add>),\n" in text and "pub left: Expr," in text


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    exe = Path(shutil.which("specloom") or Path(__file__).parents[2] / ".venv/bin/specloom")
    return subprocess.run(
        [str(exe), *args], cwd=cwd, capture_output=True, text=True, timeout=900, check=False
    )


@pytest.mark.slow
@pytest.mark.skipif(
    ts_gates.find_tsc() is None or rs_gates.find_cargo() is None, reason="tsc/cargo missing"
)
def test_build_passes_every_gate(tmp_path: Path) -> None:
    shutil.copytree(FIXTURE, tmp_path / "specs")
    proc = _cli(
        "build",
        "specs",
        "-t",
        "typescript",
        "-t",
        "rust",
        "-t",
        "docs",
        "--format",
        "json",
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = tmp_path / "output" / "shapes"
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["ok"] is True
    suite = (out / "typescript" / "test" / "conformance.ts").read_text(encoding="utf-8")
    assert '[{kind: "circle", radius: 2.0}, {kind: "rect", width: 1.0, height: 3.0}], null' in suite
    assert "assert.strictEqual(got.note, null);" in suite
    assert '(got as { kind?: unknown })?.kind, "circle"' in suite
    rs = (out / "rust" / "src" / "conformance.rs").read_text(encoding="utf-8")
    assert "Shape::Circle(Circle { radius: 2.0f64 })" in rs
    assert 'match &*got.as_ref().expect("got is None") {' in rs
    assert "assert_eq!(got.label, Some(None)" in rs
    api = next((out / "docs").rglob("api.md")).read_text(encoding="utf-8")
    assert "Variants (2):" in api and "- `kind: circle`: [`Circle`](#type-Circle)" in api
    assert "HTTP: `GET /drawings/{id}` (id in path)" in api
    assert (
        "HTTP: `POST /drawings` (id in body, shapes in body, note in body, trace in header)" in api
    )
