"""Each defect class found by running the importer on real public documents, kept fixed.

The documents in tests/data/openapi/ are ours: each reproduces one feature that broke an
import, a strict gated build or a round trip (docs/import-openapi.md lists the classes).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, cast

import pytest
from specloom.targets.openapi.gates import oa004_completeness

from specloom.config import Config
from specloom.findings import Severity
from specloom.importer.convert import import_openapi
from specloom.importer.document import load_document
from specloom.importer.roundtrip import (
    body_kinds,
    body_wire_differences,
    differences,
    lost_schemas,
    shape,
)
from specloom.model import Spec
from specloom.parse import load_workspace
from specloom.pipeline.build import BuildRequest, BuildResult, run_build
from specloom.pipeline.runner_local import make_local_executor

DATA = Path(__file__).parents[1] / "data" / "openapi"
GATED = ["typescript", "rust", "openapi", "jsonschema"]


def imported(tmp_path: Path, name: str, sid: str) -> tuple[Spec, str]:
    """Import tests/data/openapi/<name> as spec `sid`; (the spec, import-report.md)."""
    out = tmp_path / "specs" / sid
    import_openapi(DATA / name, out)
    ws = load_workspace(tmp_path / "specs")
    return ws.spec(sid), (out / "import-report.md").read_text(encoding="utf-8")


def build(tmp_path: Path, targets: list[str]) -> BuildResult:
    req = BuildRequest(
        paths=[tmp_path / "specs"],
        output=tmp_path / "out",
        cache_dir=tmp_path / "cache",
        targets=targets,
        strict=True,
    )
    return run_build(req, make_local_executor(1), config=Config(root=tmp_path))


def failures(result: BuildResult) -> list[str]:
    errors = [f"{f.rule}: {f.message}" for f in result.check if f.severity is Severity.ERROR]
    for row in result.rows:
        errors += [
            f"{row.target} {g.rule}: {g.message[:400]}"
            for g in row.gates
            if g.severity is Severity.ERROR
        ]
    return errors


def round_trip(tmp_path: Path, first: Spec) -> list[str]:
    """Import the published openapi.json again; the differences of the two shapes."""
    exported = tmp_path / "out" / first.id / "openapi" / "openapi.json"
    again = tmp_path / "again" / first.id
    import_openapi(exported, again)
    second = load_workspace(again.parent).spec(first.id)
    return differences(shape(first), shape(second))


def test_example_values_are_written_as_their_types(tmp_path: Path) -> None:
    """Class: a document's example gives 13008 (a YAML/JSON number) for a string, or a date
    for a string: the spec reads it as text, so the exported examples must say "13008"."""
    spec, _ = imported(tmp_path, "wire-examples-3.0.yaml", "parcels")
    (ex,) = [e.structured for e in spec.examples if e.structured]
    assert ex.with_["X_Desk_Code"] == 13008 and ex.with_["body"]["label"] == 20240101
    result = build(tmp_path, GATED)
    assert failures(result) == []
    doc = json.loads((tmp_path / "out" / "parcels" / "openapi" / "openapi.json").read_text())
    post = doc["paths"]["/parcels"]["post"]
    (param,) = post["parameters"]
    assert [e["value"] for e in param["examples"].values()] == ["13008"]
    (body,) = post["requestBody"]["content"]["application/json"]["examples"].values()
    # the body is the parameter's value itself (`http.body`), as in the source document
    assert body["value"] == {"label": "20240101", "weight": 2.0, "sent": "2024-05-01"}
    assert round_trip(tmp_path, spec) == []


def test_nested_expectation_under_an_optional_field_compiles(tmp_path: Path) -> None:
    """Class: a response example nested under an optional object: the TypeScript suite read
    `got.owner.name` (TS18048 under strict tsc); it must read `got.owner?.name`."""
    imported(tmp_path, "wire-examples-3.0.yaml", "parcels")
    result = build(tmp_path, ["typescript"])
    assert failures(result) == []
    suite = tmp_path / "out" / "parcels" / "typescript" / "test" / "conformance.ts"
    text = suite.read_text(encoding="utf-8")
    assert "got.owner?.name" in text and "got.owner?.desk?.floor" in text
    assert "got.owner.name" not in text
    # class: trailing optional nullable parameters; the fixtures' expected tuple said
    # `string | null?` (TS17019), it must say `(string | null)?`
    fixtures = tmp_path / "out" / "parcels" / "typescript" / "fixtures" / "fixtures.ts"
    assert "[string, (string | null)?, (number | null)?]" in fixtures.read_text(encoding="utf-8")


def test_error_status_round_trips(tmp_path: Path) -> None:
    """Class: errors were given a status from their names on export, so a document's 404
    and 409 came back as whatever the names suggested. The import writes `status:`."""
    spec, report = imported(tmp_path, "error-statuses-3.1.json", "ledger")
    errors = {e.name: e for e in spec.errors}
    assert {n: e.status for n, e in errors.items()} == {
        "EntryGone": "404",
        "Clash": "409",
        "Status422": "422",
        "Status5xx": "5XX",
        "StatusDefault": "default",
    }
    assert "response 301 (the spec has no informational or redirect results)" in report
    assert "response 202 is not imported (the result is the 200 response)" in report
    result = build(tmp_path, ["openapi"])
    assert failures(result) == []
    doc = json.loads((tmp_path / "out" / "ledger" / "openapi" / "openapi.json").read_text())
    responses = doc["paths"]["/entries/{id}"]["get"]["responses"]
    assert sorted(responses) == ["200", "404", "409", "422", "5XX", "default"]
    assert responses["404"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/EntryGone"
    }
    assert round_trip(tmp_path, spec) == []
    assert lost_schemas(load_document(DATA / "error-statuses-3.1.json"), spec) == []


def test_many_types_give_no_chain_of_lets_in_the_rust_fixtures(tmp_path: Path) -> None:
    """Class: one Rust test function with a `let` per type overflowed rustc's stack (its
    debug-info writer recurses once per nested scope) on a 440-schema API. Every fixture
    value now has a function of its own: no function binds a chain of values."""
    schemas = {
        f"Thing{i}": {"type": "object", "properties": {"n": {"type": "integer"}}}
        for i in range(400)
    }
    doc = {"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {}}
    doc["components"] = {"schemas": schemas}
    src = tmp_path / "many.json"
    src.write_text(json.dumps(doc), encoding="utf-8")
    import_openapi(src, tmp_path / "specs" / "many")
    from specloom.targets.rust.target import RustTarget

    from specloom.target import BuildContext

    ws = load_workspace(tmp_path / "specs")
    ctx = BuildContext(workspace=ws, output_dir=tmp_path / "o", cache_dir=tmp_path / "c")
    files = {f.path: f.data.decode() for f in RustTarget(ctx).generate(ws.spec("many"))}
    fixtures = files["tests/fixtures.rs"]
    assert len(re.findall(r"\nfn fixture_\w+\(\) -> ", fixtures)) >= 800
    bodies = re.findall(r"\nfn \w+\([^)]*\)[^{]*\{\n(.*?)\n\}", fixtures, re.S)
    assert max(b.count("let ") for b in bodies) <= 1


@pytest.mark.parametrize("name", sorted(p.name for p in DATA.glob("*-3.[01].*")))
def test_documents_build_with_every_gate(tmp_path: Path, name: str) -> None:
    sid = re.sub(r"\W", "_", name.split("-")[0])
    spec, _ = imported(tmp_path, name, sid)
    result = build(tmp_path, [*GATED, "docs"])
    assert failures(result) == []
    assert result.exit_code == 0
    assert round_trip(tmp_path, spec) == []


def test_recursive_schema_behind_a_nested_ref(tmp_path: Path) -> None:
    """Class: `$ref`s into a schema's own `definitions` (or a parameter's schema) were
    inlined at every use, so a recursive one recursed until Python gave up (a traceback)."""
    spec, report = imported(tmp_path, "nested-refs-3.1.json", "outline")
    types = {t.name: t for t in spec.types}
    node = {f.name: f.type.text for f in types["Node"].fields}
    assert node == {"title": "string", "kind": "Kind?", "children": "list<Node>?"}
    assert {f.name: f.type.text for f in types["Outline"].fields} == {
        "root": "Node",
        "kind": "Kind?",
    }
    assert [v.name for v in types["Kind"].values] == ["heading", "bullet"]
    ops = {o.name: o for o in spec.operations}
    assert [(p.name, p.type.text) for p in ops["getOutline"].params] == [("outlineId", "uuid")]
    assert [(p.name, p.type.text) for p in ops["addNode"].params] == [
        ("outlineId", "uuid"),
        ("body", "Node"),
    ]
    assert "the schema at `#/components/schemas/Outline/definitions/node` is the type" in report
    result = build(tmp_path, GATED)
    assert failures(result) == []
    assert round_trip(tmp_path, spec) == []


def test_bodies_on_delete_and_get(tmp_path: Path) -> None:
    """Class: a DELETE with a JSON body (real APIs send them; OpenAPI 3.1 allows it), or a
    path parameter whose schema is a union, made an imported spec fail SL116. A DELETE keeps
    its body; a GET or HEAD body's scalar fields become query parameters and the rest is
    listed as not imported; a path parameter that is not a scalar is read as a string."""
    spec, report = imported(tmp_path, "bodies-on-delete-and-get-3.0.yaml", "pins")
    ops = {o.name: o for o in spec.operations}
    rm = ops["removePins"]
    assert [(p.name, p.type.text, rm.placement(p.name)) for p in rm.params] == [
        ("board", "string", "path"),
        ("pins", "list<int64>", "body"),
        ("reason", "string?", "body"),
    ]
    find = ops["findPins"]
    assert [(p.name, find.placement(p.name)) for p in find.params] == [
        ("board", "path"),
        ("ids", "query"),
    ]
    assert "body field `filter` (FindPinsFilter?)" in report
    assert "HEAD /boards: the request body" in report
    assert "body field `ids` is a query parameter" in report
    # a path parameter whose schema is a union of scalars: read as a string (SL116 wants one)
    assert [(p.name, p.type.text) for p in ops["getBoard"].params] == [("boardIdOrName", "string")]
    assert "path parameter `boardIdOrName` (GetBoardBoardIdOrName) is read as `string`" in report
    result = build(tmp_path, GATED)
    assert failures(result) == []
    doc = json.loads((tmp_path / "out" / "pins" / "openapi" / "openapi.json").read_text())
    body = doc["paths"]["/boards/{board}/pins"]["delete"]["requestBody"]
    assert sorted(body["content"]["application/json"]["schema"]["properties"]) == [
        "pins",
        "reason",
    ]
    assert round_trip(tmp_path, spec) == []


def test_links_enums_and_nullable_aliases(tmp_path: Path) -> None:
    """Three classes: links into the API's own site (`[x](#tag/...)`) failed lint (SL007) and
    `mkdocs build --strict`; enum values one Rust name apart (`+E.164`, `E.164`) failed SL105;
    an alias of a nullable list gave Rust fixtures without `Some(..)` (E0308)."""
    spec, _ = imported(tmp_path, "descriptions-and-enums-3.1.yaml", "phones")
    text = (tmp_path / "specs" / "phones" / "spec.md").read_text(encoding="utf-8")
    assert "](#" not in text and "images/flow.png" not in text and "](/guides" not in text
    assert "[format guide](https://example.invalid/e164)" in text and "«Größe»" in text
    types = {t.name: t for t in spec.types}
    assert [v.name for v in types["Format"].values] == [
        "+E.164",
        "E.164",
        "national",
        "+e164",
        "e164",
    ]
    assert types["Scores"].alias is not None
    assert types["Scores"].alias.text == "nullable<list<nullable<float64>>>"
    result = build(tmp_path, [*GATED, "docs"])
    assert failures(result) == []
    rust = (tmp_path / "out" / "phones" / "rust" / "src").rglob("*.rs")
    code = "".join(p.read_text(encoding="utf-8") for p in rust)
    assert "E164," in code and "E1642," in code and "E1643," in code
    assert round_trip(tmp_path, spec) == []


def test_whole_request_bodies_keep_their_wire_shape(tmp_path: Path) -> None:
    """Class: a request body that is not an object of fields (a `$ref`, an array, a string:
    most real POST and PUT bodies) was imported as one parameter `body` and exported as
    `{"body": ...}`: another wire format than the source API's, and the round trip could
    not tell. It is now `http.body` (the parameter is the whole body), exported as such."""
    spec, report = imported(tmp_path, "whole-bodies-3.1.yaml", "kennel")
    ops = {o.name: o for o in spec.operations}
    assert {n: (o.whole_body(), [p.name for p in o.params]) for n, o in ops.items()} == {
        "addPet": ("body", ["body"]),
        "setTags": ("body", ["id", "X_Request_Id", "body"]),
        "setNote": ("body", ["id", "body"]),
        "addRecord": ("body", ["body"]),
    }
    # shared properties beside variants that add their own: a union tagged by `kind`, each
    # variant the shared fields plus its own; the variants' one-value `kind` enums are gone
    types = {t.name: t for t in spec.types}
    union = types[ops["addRecord"].params[0].type.name]
    assert (union.kind, union.tag, [v.tag for v in union.variants]) == (
        "union",
        "kind",
        ["a", "mx"],
    )
    fields = [sorted(f.name for f in types[v.type.name].fields) for v in union.variants]
    assert fields == [["address", "ttl"], ["host", "priority", "ttl"]]
    assert not [t for t in types if t.endswith("Kind")], sorted(types)
    assert "inline type(s) used only by what was left out or taken over by a union tag" in report
    assert failures(build(tmp_path, GATED)) == []
    published = tmp_path / "out" / "kennel" / "openapi"
    doc = json.loads((published / "openapi.json").read_text(encoding="utf-8"))
    source = load_document(DATA / "whole-bodies-3.1.yaml")

    def body(d: dict[str, Any], path: str, method: str) -> dict[str, Any]:
        media = d["paths"][path][method]["requestBody"]["content"]["application/json"]
        return cast(dict[str, Any], media)

    for path, method in [
        ("/pets", "post"),
        ("/pets/{id}/tags", "put"),
        ("/pets/{id}/note", "patch"),
    ]:
        assert body(doc, path, method)["schema"] == body(source, path, method)["schema"], path
    assert body_kinds(doc)["POST /records"] == body_kinds(source)["POST /records"] == "union of 2"
    [example] = body(doc, "/pets", "post")["examples"].values()
    assert example["value"] == {"name": "Rex", "tags": ["brown"]}  # the bare value, unwrapped
    assert round_trip(tmp_path, spec) == []
    assert body_wire_differences(source, doc) == []
    # OA004 reads the published document: a body wrapped in an object again is a finding
    media = body(doc, "/pets", "post")
    media["schema"] = {"type": "object", "properties": {"body": media["schema"]}}
    assert body_wire_differences(source, doc) == [
        "POST /pets: body object {name, tags} -> object {body}"
    ]
    (published / "openapi.json").write_text(json.dumps(doc), encoding="utf-8")
    found = [f.message for f in oa004_completeness(spec, published) if f.rule == "OA004"]
    assert found == [
        "parameter body of operation addPet is not in the body as its whole value (`http.body`)"
    ]
