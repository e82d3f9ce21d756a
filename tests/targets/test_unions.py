"""Unions, nullable and HTTP bindings through the code and docs targets (real tsc, cargo)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from specloom.targets.python import signatures as py_sig
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
            rs_sig.type_signature(spec, t, docs=True, serde=True) for t in spec.types
        ).encode(),
        "python.py": "\n\n".join(py_sig.type_signature(spec, t) for t in spec.types).encode(),
    }
    golden_tree.check(got, repo_root / "tests" / "golden" / "unions")
    ts = got["typescript.ts"].decode()
    assert '| ({ readonly kind: "circle" } & Circle)' in ts
    assert "readonly label?: string | null;" in ts and "readonly note: string | null;" in ts
    rs = got["rust.rs"].decode()
    assert 'serde(tag = "kind")' in rs and "serde(untagged)" in rs
    assert "pub label: Option<Option<String>>," in rs and "pub note: Option<String>," in rs
    py = got["python.py"].decode()
    assert (
        'Shape: TypeAlias = Annotated[ShapeCircle | ShapeRect, Field(discriminator="kind")]' in py
    )
    assert 'class ShapeCircle(Circle):\n    kind: Literal["circle"] = Field(default="circle")' in py
    assert "Size: TypeAlias = int | NamedSize" in py
    assert "    label: str | None = None\n" in py and "    note: str | None\n" in py


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
        "-t",
        "python",
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
    py = (out / "python" / "src" / "shapes" / "tests" / "conformance.py").read_text("utf-8")
    assert "[_shapes.ShapeCircle(radius=2.0), _shapes.ShapeRect(width=1.0, height=3.0)]" in py
    assert "    assert got.note is None\n" in py
    assert "    assert isinstance(got, _shapes.ShapeCircle)\n" in py
    api = next((out / "docs").rglob("api.md")).read_text(encoding="utf-8")
    assert "Variants (2):" in api and "- `kind: circle`: [`Circle`](#type-Circle)" in api
    assert "HTTP: `GET /drawings/{id}` (id in path)" in api
    assert (
        "HTTP: `POST /drawings` (id in body, shapes in body, note in body, trace in header)" in api
    )


WIRE_TEST = r"""
use shapes::*;

#[test]
fn tagged_union_carries_its_tag() {
    let s: Shape = serde_json::from_str(r#"{"kind":"circle","radius":2.0}"#).unwrap();
    assert_eq!(s, Shape::Circle(Circle { radius: 2.0 }));
    assert_eq!(serde_json::to_string(&s).unwrap(), r#"{"kind":"circle","radius":2.0}"#);
    assert!(serde_json::from_str::<Shape>(r#"{"kind":"square","side":1.0}"#).is_err());
    assert!(serde_json::from_str::<Shape>(r#"{"radius":2.0}"#).is_err());
}

#[test]
fn untagged_union_by_shape() {
    assert_eq!(serde_json::from_str::<Size>("12").unwrap(), Size::Int32(12));
    let named: Size = serde_json::from_str(r#""small""#).unwrap();
    assert_eq!(named, Size::NamedSize(NamedSize::Small));
}

#[test]
fn null_is_not_absent() {
    let d: Drawing = serde_json::from_str(r#"{"id":"d","shapes":[],"note":null}"#).unwrap();
    assert_eq!((d.note.clone(), d.label.clone(), d.size.clone()), (None, None, None));
    let out = serde_json::to_string(&d).unwrap();
    assert!(out.contains(r#""note":null"#) && !out.contains("label"), "{}", out);
    assert!(serde_json::from_str::<Drawing>(r#"{"id":"d","shapes":[]}"#).is_ok());
}
"""


@pytest.mark.slow
@pytest.mark.skipif(
    rs_gates.find_cargo() is None or not rs_gates.debian_serde_available(),
    reason="cargo or Debian's serde crates missing",
)
def test_rust_serde_wire_format(workspace: Workspace, tmp_path: Path) -> None:
    """The serde attributes hold on real JSON: tag field, untagged by shape, null kept."""
    from specloom.targets.rust import RustConfig, RustTarget

    from specloom.target import BuildContext

    ctx = BuildContext(workspace=workspace, output_dir=tmp_path / "o", cache_dir=tmp_path / "c")
    target = RustTarget(ctx, RustConfig(serde=True))
    spec = workspace.spec("shapes")
    root = tmp_path / "pub"
    for f in target.generate(spec):
        (root / f.path).parent.mkdir(parents=True, exist_ok=True)
        (root / f.path).write_bytes(f.data)
    crate = rs_gates.assemble(target, spec, root, tmp_path / "work", serde=True)
    cargo_toml = crate / "Cargo.toml"
    cargo_toml.write_text(
        cargo_toml.read_text(encoding="utf-8").replace(
            "[features]", '[dev-dependencies]\nserde_json = "1"\n\n[features]'
        ),
        encoding="utf-8",
    )
    (crate / "tests" / "wire.rs").write_text(WIRE_TEST, encoding="utf-8")
    cargo = rs_gates.find_cargo()
    assert cargo is not None
    proc = subprocess.run(
        [str(cargo), "test", "--offline", "--features", "serde", "--test", "wire"],
        cwd=crate,
        capture_output=True,
        text=True,
        env={**os.environ, "CARGO_TARGET_DIR": str(tmp_path / "target")},
        timeout=900,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "3 passed" in proc.stdout


TS_USE = """import type { Drawing, Shape, Size } from "./index.js";

export function area(s: Shape): number {
  switch (s.kind) {
    case "circle":
      return 3 * s.radius * s.radius;
    case "rect":
      return s.width * s.height;
  }
}
export const d: Drawing = { id: "x", shapes: [{ kind: "rect", width: 1, height: 2 }], note: null };
export const sizes: Size[] = [12, "small"];
// @ts-expect-error `note` may be null but not absent
export const e: Drawing = { id: "x", shapes: [] };
// @ts-expect-error a circle has no width
export const f: Shape = { kind: "circle", width: 1 };
// @ts-expect-error no such tag
export const g: Shape = { kind: "square", radius: 1 };
// @ts-expect-error not a named size
export const h: Size = "medium";
"""


@pytest.mark.skipif(ts_gates.find_tsc() is None, reason="tsc missing")
def test_typescript_unions_narrow_and_refuse(workspace: Workspace, tmp_path: Path) -> None:
    """strict tsc: the tag narrows the union (the switch is exhaustive without a default), a
    nullable field must be given, wrong tags and wrong variants do not compile."""
    from specloom.targets.typescript import TypeScriptConfig, TypeScriptTarget

    from specloom.target import BuildContext

    ctx = BuildContext(workspace=workspace, output_dir=tmp_path / "o", cache_dir=tmp_path / "c")
    target = TypeScriptTarget(ctx, TypeScriptConfig())
    root = tmp_path / "pkg"
    for f in target.generate(workspace.spec("shapes")):
        (root / f.path).parent.mkdir(parents=True, exist_ok=True)
        (root / f.path).write_bytes(f.data)
    (root / "src" / "use.ts").write_text(TS_USE, encoding="utf-8")
    tsc = ts_gates.find_tsc()
    assert tsc is not None
    assert ts_gates.run_tsc(tsc, root / "tsconfig.json", "TS001", root) == []
    # and the expectations are real: without the directive the wrong tag is an error
    (root / "src" / "use.ts").write_text(
        TS_USE.replace("// @ts-expect-error no such tag\n", ""), encoding="utf-8"
    )
    found = ts_gates.run_tsc(tsc, root / "tsconfig.json", "TS001", root)
    assert len(found) == 1 and "square" in found[0].message, found


PY_USE = """from shapes import Circle, Drawing, NamedSize, Shape, ShapeCircle, ShapeRect, Size


def area(s: Shape) -> float:
    if isinstance(s, ShapeCircle):
        return 3 * s.radius * s.radius
    return s.width * s.height


d = Drawing(id="x", shapes=[ShapeRect(width=1.0, height=2.0)], note=None)
sizes: list[Size] = [12, NamedSize.SMALL]
e = Drawing(id="x", shapes=[])  # MISSING_NOTE
f: Shape = Circle(radius=1.0)  # UNTAGGED_VARIANT
g = ShapeCircle(radius=1.0, kind="rect")  # WRONG_TAG
"""

PY_WIRE = """import json

import pydantic
from shapes import Drawing, NamedSize, Shape, ShapeCircle, Size

shape = pydantic.TypeAdapter(Shape)
s = shape.validate_json('{"kind": "circle", "radius": 2.0}')
assert s == ShapeCircle(radius=2.0), s
assert json.loads(shape.dump_json(s)) == {"kind": "circle", "radius": 2.0}
for bad in ('{"kind": "square", "side": 1.0}', '{"radius": 2.0}', '{"kind": "rect", "radius": 1}'):
    try:
        shape.validate_json(bad)
    except pydantic.ValidationError:
        pass
    else:
        raise AssertionError(bad)
size = pydantic.TypeAdapter(Size)
assert size.validate_json("12") == 12 and size.validate_json('"small"') is NamedSize.SMALL
d = Drawing.model_validate_json('{"id": "d", "shapes": [], "note": null}')
assert (d.note, d.label, d.size) == (None, None, None)
assert '"note":null' in d.model_dump_json(exclude_unset=True)
assert "label" not in d.model_dump_json(exclude_unset=True)
try:
    Drawing.model_validate_json('{"id": "d", "shapes": []}')
except pydantic.ValidationError:
    pass
else:
    raise AssertionError("a nullable field may be null, not absent")
print("wire ok")
"""


@pytest.mark.slow
def test_python_unions_wire_and_mypy(workspace: Workspace, tmp_path: Path) -> None:
    """Real pydantic: the tag picks the variant and is written back, a wrong or missing tag
    is refused, an untagged union decodes by shape, null is not absent. Real mypy --strict:
    isinstance narrows the union; a missing nullable field, an untagged record where a
    tagged one is needed and a wrong tag are errors, on exactly those lines."""
    pytest.importorskip("mypy")
    from specloom.targets.python import PythonConfig, PythonTarget

    from specloom.target import BuildContext

    ctx = BuildContext(workspace=workspace, output_dir=tmp_path / "o", cache_dir=tmp_path / "c")
    target = PythonTarget(ctx, PythonConfig())
    root = tmp_path / "pkg"
    for f in target.generate(workspace.spec("shapes")):
        (root / f.path).parent.mkdir(parents=True, exist_ok=True)
        (root / f.path).write_bytes(f.data)
    env = {**os.environ, "PYTHONPATH": str(root / "src"), "MYPYPATH": str(root / "src")}
    (tmp_path / "wire.py").write_text(PY_WIRE, encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "wire.py"], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert proc.returncode == 0 and "wire ok" in proc.stdout, proc.stdout + proc.stderr
    (tmp_path / "use.py").write_text(PY_USE, encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "use.py"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    lines = PY_USE.splitlines()
    bad = {n for n, line in enumerate(lines, 1) if "  # " in line}
    flagged = {int(m.group(1)) for m in re.finditer(r"^use\.py:(\d+): error", proc.stdout, re.M)}
    assert flagged == bad, proc.stdout


@pytest.mark.slow
def test_python_swapped_union_tags_fail_the_wire_check(
    workspace: Workspace, tmp_path: Path
) -> None:
    """Variant models whose tags were swapped still construct and type-check; only reading
    the examples' JSON into the published models (PY003's wire check) notices."""
    pytest.importorskip("mypy")
    from specloom.targets.python import PythonConfig, PythonTarget

    from specloom.findings import Severity
    from specloom.target import BuildContext

    ctx = BuildContext(workspace=workspace, output_dir=tmp_path / "o", cache_dir=tmp_path / "c")
    target = PythonTarget(ctx, PythonConfig())
    spec = workspace.spec("shapes")
    root = tmp_path / "pkg"
    for f in target.generate(spec):
        (root / f.path).parent.mkdir(parents=True, exist_ok=True)
        (root / f.path).write_bytes(f.data)
    assert [f for f in target.verify(spec, root) if f.severity is Severity.ERROR] == []
    models = root / "src" / "shapes" / "models.py"
    text = models.read_text(encoding="utf-8")
    text = text.replace('"circle"', '"@@"').replace('"rect"', '"circle"').replace('"@@"', '"rect"')
    models.write_text(text, encoding="utf-8")
    found = [f for f in target.verify(spec, root) if f.severity is Severity.ERROR]
    assert {f.rule for f in found} == {"PY003"}, found
    # the argument, and the whole expected drawing that holds the same shapes
    wires = sorted(f.message.split("the JSON of ")[1].split(" is not")[0] for f in found)
    assert wires == ["create_drawing() result of call 1", "create_drawing(shapes) of call 1"], found


def test_python_wire_form_of_example_values(workspace: Workspace) -> None:
    """The JSON PY003 reads: a tagged variant carries its tag first, an explicit null stays,
    an absent optional is left out, floats are compared as values."""
    from specloom.targets.python import wire
    from specloom.targets.values import ValueBuilder

    spec = workspace.spec("shapes")
    case = next(c for c in ValueBuilder(spec, workspace).cases() if c.op.name == "create_drawing")
    args = dict(case.args)
    assert wire.wire(args["shapes"]) == (
        [{"kind": "circle", "radius": 2.0}, {"kind": "rect", "width": 1.0, "height": 3.0}],
        False,
    )
    assert wire.wire(args["note"]) == (None, True)
    checks = wire.checks(spec, [case], ["test_drawings_1"])
    assert [label for _, label, _ in checks] == [
        "create_drawing(id) of call 1",
        "create_drawing(shapes) of call 1",
        "create_drawing(note) of call 1",
        "create_drawing() result of call 1",
    ]  # `trace` is absent: nothing to send; the expected drawing names every field
