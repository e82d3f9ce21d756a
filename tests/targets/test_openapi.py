"""The openapi and jsonschema targets: goldens, clean gates, each gate on a broken document."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest
from specloom.targets.openapi import JsonSchemaTarget, OpenApiTarget
from specloom.targets.openapi import gates as oa_gates
from specloom.targets.openapi.document import openapi_document

from specloom.findings import GateState, Severity, is_not_run
from specloom.model import Workspace
from specloom.parse import load_workspace
from specloom.target import BuildContext, Target

FIXTURE = Path(__file__).parents[1] / "fixtures" / "unions"


@pytest.fixture(scope="module")
def billing_ws(specs_dir: Path) -> Workspace:
    return load_workspace(specs_dir)


@pytest.fixture(scope="module")
def shapes_ws() -> Workspace:
    return load_workspace(FIXTURE)


def _targets(ws: Workspace, tmp: Path) -> list[Target]:
    ctx = BuildContext(workspace=ws, output_dir=tmp / "out", cache_dir=tmp / "cache")
    return [OpenApiTarget(ctx), JsonSchemaTarget(ctx)]


def publish(ws: Workspace, out: Path) -> Path:
    """Every spec's two documents under out/<spec>/<target>, as the pipeline lays them out."""
    for t in _targets(ws, out):
        for sid in ws.order:
            for f in t.generate(ws.spec(sid)):
                dest = out / sid / t.name / f.path
                dest.parent.mkdir(parents=True, exist_ok=True)
                dest.write_bytes(f.data)
    return out


def test_goldens(
    billing_ws: Workspace, shapes_ws: Workspace, tmp_path: Path, repo_root: Path, golden_tree: Any
) -> None:
    got: dict[str, bytes] = {}
    for ws in (billing_ws, shapes_ws):
        out = publish(ws, tmp_path / "o")
        for p in sorted(out.rglob("*.json")):
            got[p.relative_to(out).as_posix()] = p.read_bytes()
    assert len(got) == 8  # common, billing, counters; shapes and its import
    golden_tree.check(got, repo_root / "tests" / "golden" / "openapi")


@pytest.mark.parametrize("which", ["billing", "shapes"])
def test_clean_documents_pass_every_gate(
    billing_ws: Workspace, shapes_ws: Workspace, tmp_path: Path, which: str
) -> None:
    ws = billing_ws if which == "billing" else shapes_ws
    out = publish(ws, tmp_path)
    for t in _targets(ws, tmp_path):
        for sid in ws.order:
            assert t.verify(ws.spec(sid), out / sid / t.name) == [], (sid, t.name)


def test_document_shape(shapes_ws: Workspace, tmp_path: Path) -> None:
    out = publish(shapes_ws, tmp_path)
    doc = json.loads((out / "shapes" / "openapi" / "openapi.json").read_text(encoding="utf-8"))
    assert doc["openapi"] == "3.1.0"
    schemas = doc["components"]["schemas"]
    shape = schemas["Shape"]
    assert shape["discriminator"] == {
        "propertyName": "kind",
        "mapping": {"circle": "#/components/schemas/Circle", "rect": "#/components/schemas/Rect"},
    }
    assert shape["oneOf"][0]["properties"] == {"kind": {"const": "circle"}}
    assert schemas["Size"]["oneOf"] == [
        {"type": "integer", "format": "int32"},
        {"$ref": "#/components/schemas/NamedSize"},
    ]
    drawing = schemas["Drawing"]
    assert drawing["required"] == ["id", "shapes", "note"]  # label and size are optional
    assert drawing["properties"]["label"] == {"type": ["string", "null"]}
    assert drawing["properties"]["note"] == {"type": ["string", "null"]}
    get = doc["paths"]["/drawings/{id}"]["get"]
    assert get["parameters"][0] | {"examples": None} == {
        "name": "id",
        "in": "path",
        "required": True,
        "schema": {"type": "string"},
        "examples": None,
    }
    assert get["responses"]["404"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/NotFound"
    }
    post = doc["paths"]["/drawings"]["post"]
    assert [p["name"] for p in post["parameters"]] == ["trace"]
    assert post["parameters"][0]["in"] == "header" and post["parameters"][0]["required"] is False
    body = post["requestBody"]["content"]["application/json"]["schema"]
    assert body["required"] == ["id", "shapes", "note"]
    largest = doc["paths"]["/largest"]["post"]["responses"]["200"]["content"]["application/json"]
    assert largest["schema"] == {
        "anyOf": [{"$ref": "#/components/schemas/Shape"}, {"type": "null"}]
    }
    assert "examples" not in largest  # `expect: {kind: circle}` is a subset, not a whole value
    assert get["x-specloom-clauses"] == ["shp4"] and schemas["Circle"]["x-specloom-clauses"] == [
        "shp1"
    ]


def test_error_status_from_the_name_or_the_spec(tmp_path: Path) -> None:
    """Without `status` the naming rule answers (404, 409, 403, else 400); a `status:` on the
    error wins, and the document puts the error under it."""
    from specloom.model import ErrorDef, SourcePos

    pos = SourcePos(file="f", line=1)
    assert [
        ErrorDef(name=n, pos=pos).http_status()
        for n in ("NotFound", "AlreadyExists", "Forbidden", "Odd")
    ] == ["404", "409", "403", "400"]
    spec_dir = tmp_path / "specs" / "desk"
    spec_dir.mkdir(parents=True)
    (spec_dir / "spec.md").write_text(
        "---\nspec: desk\ntitle: Desk\nversion: 1.0.0\n---\n\n# Desk {#desk}\n\n"
        "A desk MUST answer every call.\n\n```specloom\noperations:\n  ask:\n"
        "    clauses: [desk]\n    params: {q: string}\n    returns: string\n"
        "    errors: [NotFound, Gone, Busy]\nerrors:\n  NotFound: {clauses: [desk]}\n"
        "  Gone: {clauses: [desk], status: 410}\n  Busy: {clauses: [desk], status: 5XX}\n```\n",
        encoding="utf-8",
    )
    ws = load_workspace(tmp_path / "specs")
    doc = openapi_document(ws.spec("desk"), ws)
    responses = doc["paths"]["/ask"]["post"]["responses"]
    assert sorted(responses) == ["200", "404", "410", "5XX"]
    assert "Gone" in responses["410"]["description"]


def _edit(doc: dict[str, Any], path: list[str], value: Any) -> None:
    node: Any = doc
    for key in path[:-1]:
        node = node[int(key)] if isinstance(node, list) else node[key]
    if value is _DELETE:
        del node[path[-1]]
    else:
        node[path[-1]] = value


_DELETE = object()
BODY = ["paths", "/create_invoice", "post", "requestBody", "content", "application/json"]
CASES: list[tuple[str, str, list[str], Any, str]] = [
    ("openapi", "openapi.json", ["info"], _DELETE, "OA001"),
    ("openapi", "openapi.json", ["components", "schemas", "LineItem", "required"], "x", "OA001"),
    ("openapi", "openapi.json", [*BODY, "examples", "bil2_1", "value", "customer"], 7, "OA002"),
    (
        "openapi",
        "openapi.json",
        [*BODY, "schema", "properties", "lines", "items"],
        {"$ref": "#/nowhere"},
        "OA001",
    ),
    (
        "openapi",
        "openapi.json",
        ["components", "schemas", "Invoice", "x-specloom-clauses"],
        [],
        "OA003",
    ),
    ("openapi", "openapi.json", ["components", "schemas", "Overpayment"], _DELETE, "OA004"),
    ("openapi", "openapi.json", [*BODY, "examples", "bil1_1"], _DELETE, "OA004"),
    ("jsonschema", "schema.json", ["$defs", "Invoice", "type"], 5, "JS001"),
    # billing's examples build invoices with `given` steps (references), so no published
    # `$defs` example is left to edit: an example added to the document must still validate
    ("jsonschema", "schema.json", ["$defs", "LineItem", "examples"], [{"quantity": "x"}], "JS002"),
    ("jsonschema", "schema.json", ["$defs", "Invoice", "x-specloom-clauses"], ["bil1"], "JS003"),
    ("jsonschema", "schema.json", ["$defs", "Extra"], {"type": "string"}, "JS004"),
]


@pytest.mark.parametrize(("target", "name", "path", "value", "gate"), CASES)
def test_each_gate_reads_the_published_document(
    billing_ws: Workspace,
    tmp_path: Path,
    target: str,
    name: str,
    path: list[str],
    value: Any,
    gate: str,
) -> None:
    out = publish(billing_ws, tmp_path)
    f = out / "billing" / target / name
    doc = json.loads(f.read_text(encoding="utf-8"))
    _edit(doc, path, value)
    f.write_text(json.dumps(doc), encoding="utf-8")
    (t,) = [t for t in _targets(billing_ws, tmp_path) if t.name == target]
    found = t.verify(billing_ws.spec("billing"), out / "billing" / target)
    assert gate in {x.rule for x in found if x.severity is Severity.ERROR}, found


def test_missing_or_broken_document(billing_ws: Workspace, tmp_path: Path) -> None:
    (t, j) = _targets(billing_ws, tmp_path)
    (tmp_path / "x").mkdir()
    assert {f.rule for f in t.verify(billing_ws.spec("billing"), tmp_path / "x")} == {
        "OA001",
        "OA002",
        "OA003",
        "OA004",
        "OA005",
    }
    (tmp_path / "x" / "schema.json").write_text("{", encoding="utf-8")
    found = j.verify(billing_ws.spec("billing"), tmp_path / "x")
    assert found and all("not valid JSON" in f.message for f in found)


def test_without_the_validators_the_gates_are_skipped_not_passed(
    billing_ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = publish(billing_ws, tmp_path)
    for mod in ("openapi_spec_validator", "jsonschema", "referencing"):
        monkeypatch.setitem(sys.modules, mod, None)  # import fails: ImportError
    found = oa_gates.openapi_gates(billing_ws.spec("billing"), out / "billing" / "openapi")
    skipped = [f for f in found if is_not_run(f)]
    assert {f.rule for f in skipped} == {"OA001", "OA002"}
    assert all(f.severity is Severity.WARNING and "openapi" in f.message for f in skipped)
    assert all(f.state is GateState.NOT_RUN for f in skipped)


def test_covered_clauses_come_from_the_document(billing_ws: Workspace, tmp_path: Path) -> None:
    out = publish(billing_ws, tmp_path)
    (t, j) = _targets(billing_ws, tmp_path)
    spec = billing_ws.spec("billing")
    items = {c for i in spec.interface_items() for c in i.clauses}
    assert t.covered_clauses(spec, out / "billing" / "openapi") == items
    f = out / "billing" / "openapi" / "openapi.json"
    f.write_text(f.read_text(encoding="utf-8").replace('"bil6"', '"zzz"'), encoding="utf-8")
    assert "bil6" not in t.covered_clauses(spec, out / "billing" / "openapi")
    shutil.rmtree(out / "billing" / "jsonschema")
    assert j.covered_clauses(spec, out / "billing" / "jsonschema") == set()
