"""`specloom import openapi`: our own 3.0/3.1 documents, round trips, 500+ schemas, bad input."""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from specloom.targets.openapi.document import openapi_document

from specloom.check.lint import lint_workspace
from specloom.config import LintConfig
from specloom.errors import SpecError
from specloom.findings import Severity
from specloom.importer.convert import build_text, import_openapi
from specloom.importer.roundtrip import Shape, shape
from specloom.model import Spec, Workspace
from specloom.parse import load_spec_text, load_workspace

DATA = Path(__file__).parent / "data"
REPO = Path(__file__).parents[2]


def _errors(ws: Workspace) -> list[str]:
    return [
        f"{f.rule} {f.message}"
        for f in lint_workspace(ws, LintConfig())
        if f.severity is Severity.ERROR
    ]


def _import(tmp_path: Path, source: Path, name: str, **kw: Any) -> tuple[Workspace, str]:
    out = tmp_path / "ws" / name
    import_openapi(source, out, **kw)
    return load_workspace(tmp_path / "ws"), (out / "import-report.md").read_text(encoding="utf-8")


def test_petshop_30_yaml(tmp_path: Path) -> None:
    ws, report = _import(tmp_path, DATA / "petshop-3.0.yaml", "petshop")
    assert _errors(ws) == []
    spec = ws.spec("petshop")
    types = {t.name: t for t in spec.types}
    # allOf merged: Pet has NewPet's fields plus its own, required from both
    pet = {f.name: f.type.text for f in types["Pet"].fields}
    assert pet == {
        "name": "string",
        "species": "Species?",
        "tags": "map<string,string>?",
        "birthday": "date?",
        "photo": "bytes?",
        "id": "int64",
        "weight": "float64?",
    }
    assert types["Species"].kind == "enum" and [v.name for v in types["Species"].values] == [
        "dog",
        "cat",
        "bird",
    ]
    # discriminator without a mapping: tags are the schema names; the tag field leaves the records
    pay = types["Payment"]
    assert (pay.kind, pay.tag, [(v.tag, v.type.text) for v in pay.variants]) == (
        "union",
        "method",
        [("Card", "Card"), ("Transfer", "Transfer")],
    )
    assert [f.name for f in types["Card"].fields] == ["number"]
    # inline schemas named from their context; collisions renamed and reported
    assert types["OrderStatus"].kind == "enum"
    assert "ListPetsResponse_2" in types and "PetTag_2" in types and "Pet_Tag" in types
    assert (
        "`ListPetsResponse` is taken" in report
        and "schema `PetTag` is the type `PetTag_2`" in report
    )
    # a required self-reference becomes optional (else no finite value): reported
    assert {f.name: f.type.text for f in types["Category"].fields}["sub"] == "Category?"
    ops = {o.name: o for o in spec.operations}
    lp = ops["listPets"]
    assert lp.binding() == ("GET", "/pets")
    assert [(p.name, p.type.text, lp.placement(p.name)) for p in lp.params] == [
        ("limit", "int32?", "query"),
        ("species", "Species?", "query"),
        ("X_Request_Id", "uuid", "header"),
    ]
    assert lp.returns is not None and lp.returns.text == "ListPetsResponse_2"
    assert {f.name: f.type.text for f in types["ListPetsResponse_2"].fields} == {
        "items": "list<Pet>",
        "next": "nullable<string>?",
    }
    assert ops["getPet"].binding() == ("GET", "/pets/{pet_id}")
    assert ops["delete_pets_pet_id"].returns is None
    assert ops["getInventory"].returns is not None
    assert ops["getInventory"].returns.text == "map<string,int32>"
    assert sorted(ops["addPet"].errors) == ["Status400", "Status409"]
    # the document's request/response example is a structured example that fits
    (ex,) = [e.structured for e in spec.examples if e.structured]
    assert ex.call == "addPet" and ex.expect["id"] == 7
    for needle in (
        "cookie parameter `session`",
        "callback `adopted` of operation `addPet`",
        "request body (image/png) is not JSON",
        "`servers`",
        "integer enum [10, 50, 100]",
    ):
        assert needle in report, needle
    # description text cannot inject headings, tags or fences into the spec
    text = (tmp_path / "ws" / "petshop" / "spec.md").read_text(encoding="utf-8")
    assert "\n## not a heading" not in text and "[^x1]" not in text
    assert {c.id for c in spec.clauses} == {"petshop_api", "pets", "store", "upload", "schemas"}


def test_events_31_json(tmp_path: Path) -> None:
    ws, report = _import(tmp_path, DATA / "events-3.1.json", "events")
    assert _errors(ws) == []
    spec = ws.spec("events")
    types = {t.name: t for t in spec.types}
    sub = {f.name: f.type.text for f in types["Subscription"].fields}
    assert sub["secret"] == "nullable<string>" and sub["headers"] == "map<string,string>?"
    assert sub["retries"] == "int32?" and sub["kinds"] == "list<EventKind>"
    ev = types["Event"]
    assert [(v.tag, v.type.text) for v in ev.variants] == [
        ("created", "Created"),
        ("deleted", "Deleted"),
    ]
    assert [f.name for f in types["Deleted"].fields] == ["at", "tombstone"]
    assert [v.type.text for v in types["Amount"].variants] == ["int64", "string"]
    assert types["Filter"].kind == "record"  # ambiguous oneOf widened, reported
    assert "union `Filter` (Filter1, Filter2) is ambiguous" in report
    assert "webhook `eventDelivered` (POST)" in report
    ops = {o.name: o for o in spec.operations}
    assert ops["latestEvent"].returns is not None
    assert ops["latestEvent"].returns.text == "nullable<Event>"
    assert [p.type.text for p in ops["latestEvent"].params] == ["EventKind"]
    assert [p.name for p in ops["subscribe"].params] == ["url", "kinds"]
    assert [p.name for p in ops["listSubscriptions"].params] == ["cursor"]
    assert ops["subscribe"].errors == ["Status422"]


def test_markers_write_clarification_markers(tmp_path: Path) -> None:
    ws, report = _import(tmp_path, DATA / "events-3.1.json", "events", markers=True)
    sl005 = [f for f in lint_workspace(ws, LintConfig()) if f.rule == "SL005"]
    assert sl005 and all(f.severity is Severity.ERROR for f in sl005)
    assert "NEEDS CLARIFICATION" in (tmp_path / "ws" / "events" / "spec.md").read_text()
    assert "markers written into the spec" in report


# -- round trips ----------------------------------------------------------------------------


def _shape(spec: Spec) -> Shape:
    """The normalised content the round trips compare (specloom/importer/roundtrip.py):
    type and error signatures, operations with binding, parameters, result and errors."""
    return shape(spec)


@pytest.mark.parametrize("fixture", ["unions", "specs"])
def test_export_import_round_trip(tmp_path: Path, fixture: str) -> None:
    src = REPO / "tests" / "fixtures" / "unions" if fixture == "unions" else REPO / "specs"
    ws = load_workspace(src)
    sid = "shapes" if fixture == "unions" else "common"  # billing imports common: not one document
    spec = ws.spec(sid)
    doc = openapi_document(spec, ws)
    text, result = build_text(json.loads(json.dumps(doc)), sid, markers=False)
    back = load_spec_text(text, f"{sid}/spec.md")
    assert result.findings == []
    assert _shape(back) == _shape(spec)


NAMES = [f"T{i}" for i in range(8)]
PRIMS = ["string", "int32", "int64", "float64", "bool", "date", "datetime", "uuid", "bytes"]


@st.composite
def type_sets(draw: Any) -> str:
    """A `specloom` block of random records, enums, aliases and unions over T0..Tn."""
    n = draw(st.integers(2, len(NAMES)))
    names = NAMES[:n]
    kinds = {nm: draw(st.sampled_from(["record", "record", "enum", "alias"])) for nm in names}

    def texpr(depth: int = 0) -> str:
        base = draw(
            st.one_of(
                st.sampled_from(PRIMS),
                st.sampled_from(names),
                st.just("list") if depth < 2 else st.sampled_from(PRIMS),
                st.just("map") if depth < 2 else st.sampled_from(PRIMS),
            )
        )
        if base == "list":
            base = f"list<{texpr(depth + 1)}>"
        elif base == "map":
            base = f"map<string,{texpr(depth + 1)}>"
        if draw(st.booleans()) and draw(st.booleans()):
            base = f"nullable<{base}>"
        return base

    lines = ["types:"]
    for nm in names:
        k = kinds[nm]
        if k == "record":
            nf = draw(st.integers(0, 4))
            lines.append(f"  {nm}:\n    fields:" + ("" if nf else " {}"))
            for i in range(nf):
                opt = "?" if draw(st.booleans()) else ""
                # a required reference to a type could make a cycle: those are optional
                t = texpr()
                if t in names:
                    opt = "?"
                lines.append(f"      f{i}: '{t}{opt}'")
        elif k == "enum":
            vals = draw(st.lists(st.sampled_from(["a", "b", "c", "d"]), min_size=1, unique=True))
            lines.append(f"  {nm}: {{values: [{', '.join(vals)}]}}")
        else:
            lines.append(f"  {nm}: {{alias: '{draw(st.sampled_from(PRIMS))}'}}")
    records = [nm for nm in names if kinds[nm] == "record"]
    if len(records) >= 2 and draw(st.booleans()):
        a, b = records[:2]
        lines.append(f"  U: {{tag: kind, union: {{x: {a}, y: {b}}}}}")
    return "\n".join(lines) + "\n"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(block=type_sets())
def test_random_type_sets_survive_export_then_import(block: str) -> None:
    text = "---\nspec: r\n---\n\n# R {#r}\n\n```specloom\n" + block + "```\n"
    spec = load_spec_text(text, "r/spec.md")
    ws = Workspace(root=".", specs={"r": spec}, order=["r"])
    assert [e for e in _errors(ws) if "SL107" not in e] == []
    if _errors(ws):
        return  # a generated cycle of required fields: not a valid spec to start from
    doc = json.loads(json.dumps(openapi_document(spec, ws)))
    back_text, result = build_text(doc, "r", markers=False)
    back = load_spec_text(back_text, "r/spec.md")
    assert result.findings == []
    assert _shape(back)[0] == _shape(spec)[0]


# -- size -------------------------------------------------------------------------------------


def _big_document(n: int) -> dict[str, Any]:
    schemas: dict[str, Any] = {}
    for i in range(n):
        props: dict[str, Any] = {
            "id": {"type": "string", "format": "uuid"},
            "count": {"type": "integer", "format": "int32"},
            "tags": {"type": "array", "items": {"type": "string"}},
            "state": {"type": "string", "enum": ["on", "off"]},
        }
        if i:
            props["prev"] = {"$ref": f"#/components/schemas/Item{i - 1}"}
            props["extra"] = {"allOf": [{"$ref": f"#/components/schemas/Item{i // 2}"}]}
        schemas[f"Item{i}"] = {"type": "object", "required": ["id", "count"], "properties": props}
    paths = {
        f"/items{i}/{{id}}": {
            "get": {
                "operationId": f"getItem{i}",
                "tags": [f"group{i % 7}"],
                "parameters": [
                    {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
                ],
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {
                            "application/json": {
                                "schema": {"$ref": f"#/components/schemas/Item{i}"}
                            }
                        },
                    },
                    "404": {"description": "missing"},
                },
            }
        }
        for i in range(0, n, 5)
    }
    return {
        "openapi": "3.0.1",
        "info": {"title": "Big", "version": "1.0.0"},
        "paths": paths,
        "components": {"schemas": schemas},
    }


@pytest.mark.slow
def test_a_generated_document_of_520_schemas(tmp_path: Path) -> None:
    src = tmp_path / "big.yaml"
    src.write_text(yaml.safe_dump(_big_document(520)), encoding="utf-8")
    start = time.perf_counter()
    ws, _report = _import(tmp_path, src, "big")
    seconds = time.perf_counter() - start
    spec = ws.spec("big")
    assert len(spec.types) >= 520 + 520 - 1  # plus one inline enum per schema
    assert len(spec.operations) == 104
    assert _errors(ws) == []
    assert seconds < 120, seconds


# -- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "needle", "line"),
    [
        ("openapi: 3.0.0\ninfo: [\n", "not valid YAML", 3),
        ('{"openapi": "3.1.0", "info": }', "not valid JSON", 1),
        ("swagger: '2.0'\ninfo: {}\n", "swagger: 2.0", None),
        ("- a\n- b\n", "not a mapping", None),
    ],
)
def test_bad_documents_exit_2_with_file_and_line(
    tmp_path: Path, content: str, needle: str, line: int | None
) -> None:
    src = tmp_path / "api.yaml"
    src.write_text(content, encoding="utf-8")
    with pytest.raises(SpecError) as exc:
        import_openapi(src, tmp_path / "out")
    assert needle in str(exc.value) and exc.value.file == str(src) and exc.value.line == line
    assert not (tmp_path / "out").exists()


def test_cli(tmp_path: Path) -> None:
    exe = shutil.which("specloom") or str(REPO / ".venv" / "bin" / "specloom")
    out = tmp_path / "petshop"
    args = [exe, "import", "openapi", str(DATA / "petshop-3.0.yaml"), "--out", str(out)]
    proc = subprocess.run(args, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "15 types, 7 operations" in proc.stdout
    again = subprocess.run(args, capture_output=True, text=True, check=False)
    assert again.returncode == 2 and "exists" in again.stderr and "Traceback" not in again.stderr
    bad = subprocess.run(
        [exe, "import", "openapi", str(tmp_path / "nope.yaml"), "--out", str(tmp_path / "x")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 2 and "Traceback" not in bad.stderr


@pytest.mark.slow
def test_the_imported_spec_builds_gated_targets(tmp_path: Path) -> None:
    exe = shutil.which("specloom") or str(REPO / ".venv" / "bin" / "specloom")
    import_openapi(DATA / "petshop-3.0.yaml", tmp_path / "specs" / "petshop")
    proc = subprocess.run(
        [exe, "build", "specs", "-t", "typescript", "-t", "rust", "-t", "docs", "-t", "openapi"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    report = json.loads((tmp_path / "output" / "petshop" / "report.json").read_text())
    assert report["ok"] is True
    assert {t["target"] for t in report["targets"] if t["status"] == "built"} == {
        "typescript",
        "rust",
        "docs",
        "openapi",
    }
