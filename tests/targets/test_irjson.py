"""The built-in ir-json target: deterministic generation and a gate that re-validates."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from specloom.model import Workspace
from specloom.parse import load_workspace
from specloom.pipeline.registry import load_target
from specloom.target import BuildContext, Target


@pytest.fixture(scope="module")
def ws(specs_dir: Path) -> Workspace:
    return load_workspace(specs_dir)


def make(ws: Workspace, tmp_path: Path, **config: object) -> Target:
    cls = load_target("ir-json")
    ctx = BuildContext(workspace=ws, output_dir=tmp_path / "out", cache_dir=tmp_path / "c")
    return cls(ctx, cls.config_model.model_validate(config))


def write(target: Target, ws: Workspace, spec_id: str, root: Path) -> Path:
    for f in target.generate(ws.specs[spec_id]):
        (root / f.path).write_bytes(f.data)
    return root / "ir.json"


def test_generate_is_deterministic_and_round_trips(ws: Workspace, tmp_path: Path) -> None:
    t = make(ws, tmp_path)
    first = t.generate(ws.specs["billing"])
    assert [f.path for f in first] == ["ir.json"]
    assert first == t.generate(ws.specs["billing"])
    data = json.loads(first[0].data)
    assert data["id"] == "billing" and list(data) == sorted(data)
    path = write(t, ws, "billing", tmp_path)
    assert t.verify(ws.specs["billing"], tmp_path) == []
    assert path.read_bytes().endswith(b"\n")


def test_indent_option(ws: Workspace, tmp_path: Path) -> None:
    (data,) = make(ws, tmp_path, indent=0).generate(ws.specs["common"])
    assert data.data.count(b"\n") == 1


@pytest.mark.parametrize(
    ("mutate", "rule"),
    [
        (lambda p: p.unlink(), "IR001"),
        (lambda p: p.write_text("{not json"), "IR001"),
        (lambda p: p.write_text(json.dumps({"id": "billing"})), "IR002"),
        (lambda p: p.write_text(p.read_text().replace('"Billing', '"Edited', 1)), "IR003"),
    ],
)
def test_gate_findings(ws: Workspace, tmp_path: Path, mutate: object, rule: str) -> None:
    t = make(ws, tmp_path)
    path = write(t, ws, "billing", tmp_path)
    mutate(path)  # type: ignore[operator]
    findings = t.verify(ws.specs["billing"], tmp_path)
    assert [f.rule for f in findings] == [rule]
    assert findings[0].severity == "error" and findings[0].file == "ir.json"


def test_slice_ignores_imported_specs(ws: Workspace, tmp_path: Path) -> None:
    t = make(ws, tmp_path)
    before = t.input_hash(ws.specs["billing"])
    edited = ws.model_copy(deep=True)
    edited.specs["common"].title = "Changed"
    assert make(edited, tmp_path).input_hash(edited.specs["billing"]) == before
    assert make(ws, tmp_path, indent=4).input_hash(ws.specs["billing"]) != before
