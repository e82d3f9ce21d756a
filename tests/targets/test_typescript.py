"""Tests of the typescript target: goldens, strict tsc, gates, conformance, hostile text."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from specloom.targets.typescript import TypeScriptConfig, TypeScriptTarget
from specloom.targets.typescript import gates as ts_gates
from specloom.targets.typescript import signatures as sig

from specloom.findings import Severity
from specloom.model import (
    Clause,
    Constant,
    EnumVariant,
    ErrorDef,
    Example,
    FieldDef,
    Level,
    Operation,
    SourcePos,
    Spec,
    StructuredExample,
    TypeDef,
    TypeRef,
    Workspace,
)
from specloom.parse import load_workspace
from specloom.pipeline.report import is_skip
from specloom.target import BuildContext

IMPL = Path(__file__).parent / "impl" / "typescript"
needs_tsc = pytest.mark.skipif(ts_gates.find_tsc() is None, reason="tsc not installed")
needs_node = pytest.mark.skipif(shutil.which("node") is None, reason="node not installed")


@pytest.fixture(scope="module")
def workspace(specs_dir: Path) -> Workspace:
    return load_workspace(specs_dir)


def make_target(ws: Workspace, tmp: Path, **config: Any) -> TypeScriptTarget:
    ctx = BuildContext(workspace=ws, output_dir=tmp / "out", cache_dir=tmp / "cache")
    return TypeScriptTarget(ctx, TypeScriptConfig(**config))


def write(target: TypeScriptTarget, spec: Spec, root: Path) -> Path:
    """Write the generated files the way the pipeline publishes them."""
    for f in target.generate(spec):
        dest = root / f.path
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(f.data)
    return root


def errors(findings: list[Any]) -> list[Any]:
    return [f for f in findings if f.severity is Severity.ERROR]


# -- generation -------------------------------------------------------------------------


def test_generate_is_deterministic_and_relative(workspace: Workspace, tmp_path: Path) -> None:
    t = make_target(workspace, tmp_path)
    for spec in workspace.specs.values():
        a = t.generate(spec)
        b = t.generate(spec)
        assert a == b
        for f in a:
            assert str(tmp_path) not in f.data.decode()
            assert "/work/" not in f.data.decode()
    paths = [f.path for f in t.generate(workspace.spec("billing"))]
    assert paths == sorted(paths)
    for p in ["package.json", "tsconfig.json", "src/types.ts", "src/api.ts", "src/index.ts"]:
        assert p in paths
    assert "test/conformance.ts" in paths


def test_goldens(workspace: Workspace, tmp_path: Path, repo_root: Path, golden_tree: Any) -> None:
    t = make_target(workspace, tmp_path)
    got = {
        f"{spec_id}/{f.path}": f.data
        for spec_id in sorted(workspace.specs)
        for f in t.generate(workspace.spec(spec_id))
    }
    golden_tree.check(got, repo_root / "tests" / "golden" / "typescript")


def test_names_follow_typescript_conventions(workspace: Workspace, tmp_path: Path) -> None:
    t = make_target(workspace, tmp_path)
    files = {f.path: f.data.decode() for f in t.generate(workspace.spec("billing"))}
    types = files["src/types.ts"]
    assert "export interface LineItem {" in types
    assert "readonly unitPrice: common.Money;" in types
    assert "readonly due?: string;" in types
    assert 'export type InvoiceStatus = "draft" | "issued" | "paid" | "void";' in types
    assert 'import type * as common from "@specloom/common";' in types
    api = files["src/api.ts"]
    assert "createInvoice(customer: common.CustomerId, lines: Array<LineItem>, due?: string)" in api
    assert 'readonly kind = "InvalidQuantity" as const;' in api
    assert 'export const INVOICE_ID_PREFIX: string = "inv_";' in api
    assert "@see bil8" in api
    assert 'id: "bil1"' in files["src/clauses.ts"]
    pkg = files["package.json"]
    assert '"@specloom/common": "file:../../common/typescript"' in pkg


def test_signatures_are_what_the_stubs_contain(workspace: Workspace, tmp_path: Path) -> None:
    spec = workspace.spec("billing")
    t = make_target(workspace, tmp_path)
    files = {f.path: f.data.decode() for f in t.generate(spec)}
    for op in spec.operations:
        assert sig.operation_signature(spec, op) in files["src/api.ts"]
    for c in spec.constants:
        assert sig.constant_signature(spec, c) in files["src/api.ts"]
    for e in spec.errors:
        assert sig.error_signature(spec, e).splitlines()[0] in files["src/api.ts"]
    enum = next(td for td in spec.types if td.kind == "enum")
    assert sig.type_signature(spec, enum) in files["src/types.ts"]


def test_int64_bigint(workspace: Workspace, tmp_path: Path) -> None:
    t = make_target(workspace, tmp_path, int64="bigint")
    files = {f.path: f.data.decode() for f in t.generate(workspace.spec("common"))}
    assert "readonly amountMinor: bigint;" in files["src/types.ts"]
    t2 = make_target(workspace, tmp_path)
    files2 = {f.path: f.data.decode() for f in t2.generate(workspace.spec("common"))}
    assert "readonly amountMinor: number;" in files2["src/types.ts"]


def test_doc_comment_escapes_comment_end() -> None:
    text = sig.doc_comment("a */ b\n@param x\r\nc", ["c1"])
    assert "*/ b" not in text
    assert text.count("*/") == 1
    assert "\\@param x" in text
    assert " * @see c1" in text


# -- gates ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def published(workspace: Workspace, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Both example specs generated as the pipeline publishes them: out/<spec>/typescript."""
    tmp = tmp_path_factory.mktemp("ts")
    t = make_target(workspace, tmp)
    for spec_id in workspace.order:
        write(t, workspace.spec(spec_id), tmp / "out" / spec_id / "typescript")
    return tmp / "out"


@needs_tsc
@pytest.mark.slow
@pytest.mark.parametrize("spec_id", ["common", "billing", "counters"])
def test_gates_pass_on_the_example_specs(
    workspace: Workspace, published: Path, tmp_path: Path, spec_id: str
) -> None:
    t = make_target(workspace, tmp_path)
    findings = t.verify(workspace.spec(spec_id), published / spec_id / "typescript")
    assert findings == []


@needs_tsc
@pytest.mark.slow
def test_gate_reports_a_type_error_with_file_line_and_clause(
    workspace: Workspace, published: Path, tmp_path: Path
) -> None:
    root = tmp_path / "billing"
    shutil.copytree(published / "billing" / "typescript", root)
    api = root / "src" / "api.ts"
    api.write_text(api.read_text().replace("Promise<common.Money>", "Promise<common.Mony>"))
    t = make_target(workspace, tmp_path)
    found = errors(t.verify(workspace.spec("billing"), root))
    assert [f.rule for f in found] == ["TS001"]
    assert found[0].file == "src/api.ts"
    assert found[0].line is not None
    assert found[0].clause == "bil11"
    assert "Mony" in found[0].message
    assert str(tmp_path) not in found[0].message


@needs_tsc
@pytest.mark.slow
def test_gate_reports_a_broken_conformance_suite(
    workspace: Workspace, published: Path, tmp_path: Path
) -> None:
    root = tmp_path / "billing"
    shutil.copytree(published / "billing" / "typescript", root)
    suite = root / "test" / "conformance.ts"
    suite.write_text(suite.read_text().replace('"c_1"', "12", 1))
    t = make_target(workspace, tmp_path)
    found = errors(t.verify(workspace.spec("billing"), root))
    assert [f.rule for f in found] == ["TS003"]
    assert found[0].file == "test/conformance.ts"


def test_coverage_gate_names_the_clause(
    workspace: Workspace, published: Path, tmp_path: Path
) -> None:
    root = tmp_path / "billing"
    shutil.copytree(published / "billing" / "typescript", root)
    for f in root.rglob("*.ts"):
        f.write_text(f.read_text().replace("@see bil9", "@see nothing"))
    found = [f for f in ts_gates.coverage(workspace.spec("billing"), root)]
    assert [(f.rule, f.clause) for f in found] == [("TS002", "bil9"), ("TS002", "nothing")]
    assert found[0].file == "src/api.ts" and "operation issue_invoice" in found[0].message
    assert "does not give it" in found[1].message


def test_coverage_is_checked_per_item_not_per_package(
    workspace: Workspace, published: Path, tmp_path: Path
) -> None:
    """bil1 is named by Invoice, create_invoice and EmptyInvoice: dropping it from one item
    fails that item, although other items still carry it."""
    root = tmp_path / "billing"
    shutil.copytree(published / "billing" / "typescript", root)
    api = root / "src" / "api.ts"
    text = api.read_text()
    head, tail = text.split("export class EmptyInvoice", 1)
    api.write_text(head.replace(" * @see bil1\n", "", 1) + "export class EmptyInvoice" + tail)
    found = ts_gates.coverage(workspace.spec("billing"), root)
    assert [(f.rule, f.clause, f.file) for f in found] == [("TS002", "bil1", "src/api.ts")]
    assert "error EmptyInvoice" in found[0].message
    # an item whose doc states a clause at the wrong level fails too
    api.write_text(text.replace("bil11 (MUST NOT):", "bil11 (SHOULD NOT):", 1))
    found = ts_gates.coverage(workspace.spec("billing"), root)
    assert [(f.rule, f.clause) for f in found] == [("TS002", "bil11")]
    assert "at its level" in found[0].message


def test_coverage_comes_from_the_files(
    workspace: Workspace, published: Path, tmp_path: Path
) -> None:
    t = make_target(workspace, tmp_path)
    spec = workspace.spec("billing")
    full = t.covered_clauses(spec, published / "billing" / "typescript")
    assert full == {c for item in spec.interface_items() for c in item.clauses}
    empty = tmp_path / "empty"
    (empty / "src").mkdir(parents=True)
    assert t.covered_clauses(spec, empty) == set()


def test_missing_tsc_is_skipped_not_passed(
    workspace: Workspace, published: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ts_gates, "find_tsc", lambda *_a: None)
    t = make_target(workspace, tmp_path)
    found = t.verify(workspace.spec("common"), published / "common" / "typescript")
    assert [(f.rule, f.severity) for f in found] == [("TS001", Severity.WARNING)]
    assert is_skip(found[0]) and "specloom doctor" in found[0].message


@needs_tsc
@pytest.mark.slow
def test_missing_node_types_skip_the_suite_not_pass_it(
    workspace: Workspace, published: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ts_gates, "node_types_dir", lambda tsc: None)
    t = make_target(workspace, tmp_path)
    found = t.verify(workspace.spec("billing"), published / "billing" / "typescript")
    assert [(f.rule, f.severity) for f in found] == [("TS003", Severity.WARNING)]
    assert is_skip(found[0]) and "@types/node" in found[0].message


# -- conformance: a correct implementation passes, a stateless and a wrong one fail -----

FAILS = {
    # (spec, implementation): cases that must fail (None: every case must pass)
    ("billing", "correct"): None,
    ("billing", "stateless"): ["bil13_1", "bil13_2", "bil14_1"],
    ("billing", "wrong"): ["bil3_1", "bil10_1", "bil12_1", "bil2_1", "bil8_2"],
    ("counters", "correct"): None,
    ("counters", "stateless"): ["cnt3_1", "cnt4_1", "cnt5_1", "cnt6_1"],
    ("counters", "wrong"): ["cnt2_1", "cnt3_1", "cnt5_1"],
}


def run_impl(tsc: Path, work: Path, spec_id: str, impl: str) -> subprocess.CompletedProcess[str]:
    pkg = work / f"impl-{spec_id}-{impl}"
    shutil.copytree(IMPL / spec_id / impl, pkg)
    build = subprocess.run(
        [str(tsc), "-p", str(pkg / "tsconfig.json"), "--pretty", "false"],
        capture_output=True,
        text=True,
    )
    assert build.returncode == 0, build.stdout + build.stderr
    return subprocess.run(
        ["node", "--test", str(pkg / "dist" / "conformance.test.js")],
        capture_output=True,
        text=True,
        cwd=pkg,
        timeout=300,
    )


@pytest.fixture(scope="module")
def built(workspace: Workspace, published: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example packages compiled to dist/, laid out for a user package beside them."""
    tsc = ts_gates.find_tsc()
    if tsc is None:
        pytest.skip("tsc not installed")
    work = tmp_path_factory.mktemp("tsimpl")
    t = make_target(workspace, work)
    for spec_id in ("billing", "counters"):
        ts_gates.assemble(t, workspace.spec(spec_id), published / spec_id / "typescript", work)
    types = ts_gates.node_types_dir(tsc)
    assert types is not None, "@types/node is missing: run scripts/setup.sh"
    (work / "node_modules" / "@types").symlink_to(types, target_is_directory=True)
    for cfg in [
        work / "common" / "typescript" / "tsconfig.json",
        work / "billing" / "typescript" / "tsconfig.json",
        work / "billing" / "typescript" / "tsconfig.test.json",
        work / "counters" / "typescript" / "tsconfig.json",
        work / "counters" / "typescript" / "tsconfig.test.json",
    ]:
        assert ts_gates.run_tsc(tsc, cfg, "TS001", cfg.parent) == []
    return work


def _counts(output: str) -> tuple[int, int]:
    passed = re.search(r"^# pass (\d+)", output, re.M)
    failed = re.search(r"^# fail (\d+)", output, re.M)
    assert passed and failed, output
    return int(passed.group(1)), int(failed.group(1))


@needs_tsc
@needs_node
@pytest.mark.slow
@pytest.mark.parametrize(("spec_id", "impl"), sorted(FAILS))
def test_only_a_correct_implementation_passes_the_conformance_suite(
    built: Path, workspace: Workspace, spec_id: str, impl: str
) -> None:
    tsc = ts_gates.find_tsc()
    assert tsc is not None
    proc = run_impl(tsc, built, spec_id, impl)
    n_cases = sum(1 for e in workspace.spec(spec_id).examples if e.structured)
    must_fail = FAILS[(spec_id, impl)]
    if must_fail is None:
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert _counts(proc.stdout) == (n_cases, 0)
        return
    assert proc.returncode != 0
    passed, failed = _counts(proc.stdout)
    assert passed + failed == n_cases
    for name in must_fail:
        assert re.search(rf"^not ok \d+ - {name}:", proc.stdout, re.M), name


# -- escaping: hostile spec text still compiles -----------------------------------------

POS = SourcePos(file="specs/hostile/spec.md", line=1)
SAMPLES = [
    "*/ alert(1) /*",
    '"; process.exit(1); "',
    "\\",
    "\\u0000 \\x00",
    "<script>alert('x')</script>",
    "${injection}",
    "`template`",
    "#[cfg(any())] } fn",
    "line\r\nbreak\u2028sep\u2029end",
    "@param {x} evil",
    "x" * 5000,
    "emoji 🎉 and 中文 and \u202e rtl",
    "/* nested */ */ */",
    "\x00\x07\x1b",
    'r#"raw"# {} {:?} {0}',  # Rust's hostile pieces too
    "```ts\nfunction broken( {\n```\n    indented code",
]
HOSTILE = st.one_of(st.sampled_from(SAMPLES), st.text(max_size=200))


def prim(name: str, optional: bool = False) -> TypeRef:
    return TypeRef(kind="primitive", name=name, optional=optional, text=name)


def as_written(text: str) -> str:
    """`text` as a spec writes it in an example: a leading `$` doubled (`$x` is a reference)."""
    return "$" + text if text.startswith("$") else text


def hostile_spec(texts: list[str]) -> Spec:
    """One spec that puts every hostile text in every place text reaches the output."""
    clauses = [
        Clause(id=f"h{i}", kind="statement", title=t[:60], text=t, level=Level.MUST, pos=POS)
        for i, t in enumerate(texts)
    ]
    ids = [c.id for c in clauses]
    fields = [
        FieldDef(name=f"f{i}", type=prim("string", i % 2 == 1), doc=t, pos=POS)
        for i, t in enumerate(texts)
    ]
    rec = TypeDef(name="Thing", kind="record", doc=texts[0], clauses=ids, fields=fields, pos=POS)
    enum = TypeDef(
        name="Mood",
        kind="enum",
        doc=texts[-1],
        clauses=ids[:1],
        values=[
            EnumVariant(name="calm", doc=texts[0], pos=POS),
            EnumVariant(name="type", pos=POS),
        ],
        pos=POS,
    )
    op = Operation(
        name="do_it",
        doc=texts[0],
        clauses=ids,
        params=[FieldDef(name="class", type=prim("string"), pos=POS)],
        returns=TypeRef(kind="named", name="Thing", text="Thing"),
        errors=["Broken"],
        pos=POS,
    )
    err = ErrorDef(name="Broken", doc=texts[-1], clauses=ids[:1], pos=POS)
    consts = [
        Constant(name=f"c{i}", type=prim("string"), value=t, clauses=[ids[i]], pos=POS)
        for i, t in enumerate(texts)
    ]
    examples = [
        Example(
            title=t[:80] or "empty",
            clause=ids[i],
            source="file",
            structured=StructuredExample(
                call="do_it",
                with_={"class": as_written(t)},
                expect={"f0": as_written(t)} if i else None,
                expect_error=None if i else "Broken",
                pos=POS,
            ),
            pos=POS,
        )
        for i, t in enumerate(texts[:3])
    ]
    return Spec(
        id="hostile",
        title=texts[0][:100],
        path="specs/hostile/spec.md",
        hash="h",
        clauses=clauses,
        types=[rec, enum],
        operations=[op],
        errors=[err],
        constants=consts,
        examples=examples,
    )


@needs_tsc
@pytest.mark.slow
@settings(
    max_examples=3,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(HOSTILE, min_size=3, max_size=12))
@example(texts=SAMPLES)
def test_hostile_text_compiles(tmp_path: Path, texts: list[str]) -> None:
    spec = hostile_spec(texts)
    ws = Workspace(root="specs", specs={"hostile": spec}, order=["hostile"])
    run = tmp_path / f"run{len(list(tmp_path.iterdir()))}"
    t = make_target(ws, run)
    root = write(t, spec, run / "out" / "hostile" / "typescript")
    assert errors(t.verify(spec, root)) == []


# -- edge cases: every type form, reserved names, odd signatures -------------------------


@needs_tsc
@pytest.mark.slow
@pytest.mark.parametrize("int64", ["number", "bigint"])
def test_edge_cases_compile(tmp_path: Path, int64: str, edge_spec: Spec) -> None:
    spec = edge_spec
    ws = Workspace(root="specs", specs={spec.id: spec}, order=[spec.id])
    t = make_target(ws, tmp_path, int64=int64)
    root = write(t, spec, tmp_path / "out" / spec.id / "typescript")
    files = {p.relative_to(root).as_posix(): p.read_text() for p in root.rglob("*.ts")}
    assert "default(from: string | undefined, to: number): Promise<void>;" in files["src/api.ts"]
    assert "grow(node: TreeNode, by?: " in files["src/api.ts"]
    assert "export type Promise_ = Array<TreeNode>;" in files["src/types.ts"]
    assert "class Type extends SpecloomError" in files["src/api.ts"]
    assert errors(t.verify(spec, root)) == []


def test_bad_example_values_are_spec_errors(workspace: Workspace, tmp_path: Path) -> None:
    from specloom.errors import SpecError

    spec = workspace.spec("billing").model_copy(deep=True)
    ex = next(
        e
        for e in spec.examples
        if e.structured and e.structured.call == "create_invoice" and e.structured.with_["lines"]
    )
    assert ex.structured is not None
    ex.structured.with_["lines"][0]["quantity"] = "lost"
    t = make_target(workspace, tmp_path)
    with pytest.raises(SpecError) as info:
        t.generate(spec)
    assert info.value.file == ex.structured.pos.file
    assert info.value.line == ex.structured.pos.line
    assert "with.lines[0].quantity: 'lost' is not an int32" in info.value.message


def test_missing_parameter_is_a_spec_error(workspace: Workspace, tmp_path: Path) -> None:
    from specloom.errors import SpecError

    spec = workspace.spec("billing").model_copy(deep=True)
    ex = next(e for e in spec.examples if e.structured and e.structured.call == "amount_due")
    assert ex.structured is not None
    del ex.structured.with_["invoice"]
    with pytest.raises(SpecError, match="no value for the required parameter `invoice`"):
        make_target(workspace, tmp_path).generate(spec)


# -- through the real pipeline ----------------------------------------------------------


@needs_tsc
@pytest.mark.slow
def test_cli_build_publishes_both_code_targets(specs_dir: Path, tmp_path: Path) -> None:
    """`specloom build` with target config from pyproject: staging, gates, publish, report."""
    import json
    import sys

    shutil.copytree(specs_dir, tmp_path / "specs")
    (tmp_path / "pyproject.toml").write_text(
        '[tool.specloom]\nspecs = "specs"\noutput = "output"\n\n'
        '[tool.specloom.targets.typescript]\nint64 = "bigint"\n'
    )
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "specloom",
            "build",
            "specs/billing",
            "--target",
            "typescript",
            "--target",
            "rust",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = tmp_path / "output" / "billing"
    assert "amountMinor: 500n" in (out / "typescript" / "test" / "conformance.ts").read_text()
    assert (out / "rust" / "Cargo.toml").is_file()
    assert not (out / "rust" / "target").exists()
    report = json.loads((out / "report.json").read_text())
    rows = {r["target"]: r for r in report["targets"]}
    assert rows["typescript"]["status"] == "built"
    assert rows["rust"]["status"] == "built"
    assert {"bil1", "bil12"} <= set(rows["rust"]["covered_clauses"])
    assert rows["rust"]["gates"] == []  # serde is off by default: no RS004 to run
    assert rows["rust"]["off"] == [] and rows["rust"]["skipped"] == []
