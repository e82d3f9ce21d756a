"""Tests of the rust target: goldens, cargo gates, boxing, conformance, hostile text."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from specloom.targets.rust import RustConfig, RustTarget
from specloom.targets.rust import gates as rs_gates
from specloom.targets.rust import signatures as sig

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

IMPL = Path(__file__).parent / "impl" / "rust"
needs_cargo = pytest.mark.skipif(rs_gates.find_cargo() is None, reason="cargo not installed")
POS = SourcePos(file="specs/x/spec.md", line=1)


@pytest.fixture(scope="module")
def workspace(specs_dir: Path) -> Workspace:
    return load_workspace(specs_dir)


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One cargo target folder for the module: dependencies compile once."""
    return tmp_path_factory.mktemp("rscache")


def make_target(ws: Workspace, tmp: Path, cache: Path | None = None, **config: Any) -> RustTarget:
    ctx = BuildContext(workspace=ws, output_dir=tmp / "out", cache_dir=cache or tmp / "cache")
    return RustTarget(ctx, RustConfig(**config))


def write(target: RustTarget, spec: Spec, root: Path) -> Path:
    for f in target.generate(spec):
        dest = root / f.path
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(f.data)
    return root


def errors(findings: list[Any]) -> list[Any]:
    return [f for f in findings if f.severity is Severity.ERROR]


def prim(name: str, optional: bool = False) -> TypeRef:
    return TypeRef(kind="primitive", name=name, optional=optional, text=name)


def named(name: str, optional: bool = False) -> TypeRef:
    return TypeRef(kind="named", name=name, optional=optional, text=name)


# -- generation -------------------------------------------------------------------------


def test_generate_is_deterministic_and_relative(workspace: Workspace, tmp_path: Path) -> None:
    t = make_target(workspace, tmp_path)
    for spec in workspace.specs.values():
        a = t.generate(spec)
        assert a == t.generate(spec)
        for f in a:
            assert str(tmp_path) not in f.data.decode()
    paths = [f.path for f in t.generate(workspace.spec("billing"))]
    for p in ["Cargo.toml", "src/lib.rs", "src/types.rs", "src/api.rs", "tests/conformance.rs"]:
        assert p in paths


def test_goldens(workspace: Workspace, tmp_path: Path, repo_root: Path, golden_tree: Any) -> None:
    t = make_target(workspace, tmp_path)
    got = {
        f"{spec_id}/{f.path}": f.data
        for spec_id in sorted(workspace.specs)
        for f in t.generate(workspace.spec(spec_id))
    }
    golden_tree.check(got, repo_root / "tests" / "golden" / "rust")


def test_crate_shape(workspace: Workspace, tmp_path: Path) -> None:
    t = make_target(workspace, tmp_path)
    files = {f.path: f.data.decode() for f in t.generate(workspace.spec("billing"))}
    cargo = files["Cargo.toml"]
    assert 'common = { package = "specloom-common", path = "../../common/rust" }' in cargo
    assert "serde" not in cargo  # off by default: no registry dependency at all
    types = files["src/types.rs"]
    assert "pub unit_price: common::Money," in types
    assert "pub due: Option<String>," in types
    assert "pub labels: std::collections::BTreeMap<String, String>," in types
    assert "#[non_exhaustive]\npub enum InvoiceStatus {" in types
    assert not any("serde" in data for path, data in files.items() if path != "README.md")
    api = files["src/api.rs"]
    assert "impl std::error::Error for Error {}" in api
    assert "InvalidQuantity {\n        line: i32,\n    }," in api
    assert "/// Clauses: `bil8`, `bil9`" in api
    assert "pub trait BillingService {" in api
    assert 'pub const INVOICE_ID_PREFIX: &str = "inv_";' in api
    assert 'id: "bil1",' in files["src/clauses.rs"]
    assert "billing::conformance_tests!(Placeholder, #[ignore]);" in files["tests/conformance.rs"]


def test_signatures_are_what_the_stubs_contain(workspace: Workspace, tmp_path: Path) -> None:
    spec = workspace.spec("billing")
    t = make_target(workspace, tmp_path)
    files = {f.path: f.data.decode() for f in t.generate(spec)}
    for op in spec.operations:
        assert sig.operation_signature(spec, op) in files["src/api.rs"]
    for c in spec.constants:
        assert sig.constant_signature(spec, c) in files["src/api.rs"]
    for td in spec.types:
        assert sig.type_signature(spec, td).splitlines()[0] in files["src/types.rs"]


def chain_spec(n: int, *, cycle: bool = True) -> Spec:
    """T0 -> T1 -> ... -> T(n-1) by optional inline references, closed back to T0."""
    types = []
    for i in range(n):
        fields = [FieldDef(name="value", type=prim("int32"), pos=POS)]
        if i + 1 < n:
            fields.append(FieldDef(name="next", type=named(f"T{i + 1}", True), pos=POS))
        elif cycle:
            fields.append(FieldDef(name="back", type=named("T0", True), pos=POS))
        fields.append(
            FieldDef(
                name="kids",
                type=TypeRef(kind="list", name="list", args=[named(f"T{i}")], text="list"),
                pos=POS,
            )
        )
        types.append(TypeDef(name=f"T{i}", kind="record", fields=fields, pos=POS))
    types.append(
        TypeDef(
            name="Selfish",
            kind="record",
            pos=POS,
            fields=[
                FieldDef(name="me", type=named("Selfish", True), pos=POS),
                FieldDef(name="type", type=prim("string"), pos=POS),
                FieldDef(name="self", type=prim("bool"), pos=POS),
            ],
        )
    )
    return Spec(
        id="chain", title="Chain", path="specs/chain/spec.md", hash=f"chain{n}", types=types
    )


def test_only_cycle_closing_edges_are_boxed() -> None:
    spec = chain_spec(5)
    assert sig.boxed_fields(spec) == {("T4", "back"), ("Selfish", "me")}
    t4 = sig.type_signature(spec, spec.types[4])
    assert "pub back: Option<Box<T0>>," in t4
    t0 = sig.type_signature(spec, spec.types[0])
    assert "pub next: Option<T1>," in t0
    assert "pub kids: Vec<T0>," in t0
    selfish = sig.type_signature(spec, spec.types[-1])
    assert "pub r#type: String," in selfish
    assert "pub self_: bool," in selfish


# -- gates ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def published(workspace: Workspace, tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("rs")
    t = make_target(workspace, tmp)
    for spec_id in workspace.order:
        write(t, workspace.spec(spec_id), tmp / "out" / spec_id / "rust")
    return tmp / "out"


@needs_cargo
@pytest.mark.slow
@pytest.mark.parametrize("spec_id", ["common", "billing", "counters"])
def test_gates_pass_on_the_example_specs(
    workspace: Workspace, published: Path, tmp_path: Path, cache: Path, spec_id: str
) -> None:
    t = make_target(workspace, tmp_path, cache)
    findings = t.verify(workspace.spec(spec_id), published / spec_id / "rust")
    # serde is off: RS004 is reported as off (listed, never a failure), nothing else
    assert [(f.rule, f.state) for f in findings] == [("RS004", "off")]
    assert not (published / spec_id / "rust" / "target").exists()
    assert not (published / spec_id / "rust" / "Cargo.lock").exists()


@needs_cargo
@pytest.mark.slow
def test_serde_is_skipped_not_passed_without_debian_crates(
    workspace: Workspace,
    published: Path,
    tmp_path: Path,
    cache: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(rs_gates, "debian_serde_available", lambda *a: False)
    t = make_target(workspace, tmp_path, cache, serde=True)
    root = write(t, workspace.spec("billing"), tmp_path / "billing")
    findings = t.verify(workspace.spec("billing"), root)
    assert [(f.rule, f.severity) for f in findings] == [("RS004", Severity.WARNING)]
    assert is_skip(findings[0])


def test_missing_cargo_is_skipped_not_passed(
    workspace: Workspace,
    published: Path,
    tmp_path: Path,
    cache: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(rs_gates, "find_cargo", lambda *_a: None)
    t = make_target(workspace, tmp_path, cache)
    findings = t.verify(workspace.spec("billing"), published / "billing" / "rust")
    assert [(f.rule, f.severity) for f in findings] == [("RS001", Severity.WARNING)]
    assert is_skip(findings[0]) and "cargo not found" in findings[0].message


@needs_cargo
@pytest.mark.slow
def test_gate_reports_a_compile_error_with_file_line_and_clause(
    workspace: Workspace, published: Path, tmp_path: Path, cache: Path
) -> None:
    root = tmp_path / "billing"
    shutil.copytree(published / "billing" / "rust", root)
    api = root / "src" / "api.rs"
    api.write_text(
        api.read_text().replace(
            "-> Result<common::Money, Error>;", "-> Result<common::Mony, Error>;"
        )
    )
    t = make_target(workspace, tmp_path, cache)
    found = errors(t.verify(workspace.spec("billing"), root))
    assert found and {f.rule for f in found} == {"RS001"}
    assert found[0].file == "src/api.rs"
    assert found[0].clause == "bil11"


@needs_cargo
@pytest.mark.slow
def test_one_cargo_run_attributes_each_error_to_its_gate(
    workspace: Workspace, published: Path, tmp_path: Path, cache: Path
) -> None:
    """RS001 and RS005 share one `cargo check --lib --test fixtures`: a crate that compiles
    but drops a documented derive (an enum's `Hash`, needed by no other type) fails RS005
    (in tests/fixtures.rs) and not RS001."""
    root = tmp_path / "billing"
    shutil.copytree(published / "billing" / "rust", root)
    types = root / "src" / "types.rs"
    text = types.read_text()
    types.write_text(
        text.replace("Copy, PartialEq, Eq, Hash, PartialOrd", "Copy, PartialEq, Eq, PartialOrd", 1)
    )
    t = make_target(workspace, tmp_path, cache)
    found = errors(t.verify(workspace.spec("billing"), root))
    rules = {f.rule for f in found}
    assert "RS005" in rules and "RS001" not in rules, found
    assert {f.file for f in found if f.rule == "RS005"} == {"tests/fixtures.rs"}
    assert all(
        f.message.startswith("cargo check --test fixtures: ") for f in found if f.rule == "RS005"
    )


@needs_cargo
@pytest.mark.slow
def test_gate_reports_a_broken_conformance_suite(
    workspace: Workspace, published: Path, tmp_path: Path, cache: Path
) -> None:
    root = tmp_path / "billing"
    shutil.copytree(published / "billing" / "rust", root)
    suite = root / "tests" / "conformance.rs"
    suite.write_text(suite.read_text().replace("(Placeholder, #[ignore])", "(Nothing)"))
    t = make_target(workspace, tmp_path, cache)
    found = errors(t.verify(workspace.spec("billing"), root))
    assert found and {f.rule for f in found} == {"RS003"}


def test_coverage_gate_names_the_clause(
    workspace: Workspace, published: Path, tmp_path: Path
) -> None:
    root = tmp_path / "billing"
    shutil.copytree(published / "billing" / "rust", root)
    for f in root.rglob("*.rs"):
        f.write_text(f.read_text().replace("`bil9`", "`nothing`"))
    found = rs_gates.coverage(workspace.spec("billing"), root)
    assert [(f.rule, f.clause) for f in found] == [("RS002", "bil9"), ("RS002", "nothing")]
    assert found[0].file == "src/api.rs" and "operation issue_invoice" in found[0].message


def test_coverage_is_checked_per_item_not_per_package(
    workspace: Workspace, published: Path, tmp_path: Path
) -> None:
    root = tmp_path / "billing"
    shutil.copytree(published / "billing" / "rust", root)
    api = root / "src" / "api.rs"
    text = api.read_text()
    api.write_text(text.replace("/// Clauses: `bil1`\n    EmptyInvoice", "EmptyInvoice", 1))
    found = rs_gates.coverage(workspace.spec("billing"), root)
    assert [(f.rule, f.clause, f.file) for f in found] == [("RS002", "bil1", "src/api.rs")]
    assert "error EmptyInvoice" in found[0].message


def test_coverage_comes_from_the_files(
    workspace: Workspace, published: Path, tmp_path: Path, cache: Path
) -> None:
    t = make_target(workspace, tmp_path, cache)
    spec = workspace.spec("billing")
    full = t.covered_clauses(spec, published / "billing" / "rust")
    assert full == {c for item in spec.interface_items() for c in item.clauses}
    empty = tmp_path / "empty"
    (empty / "src").mkdir(parents=True)
    assert t.covered_clauses(spec, empty) == set()


@needs_cargo
@pytest.mark.slow
def test_a_chain_of_1000_types_compiles(tmp_path: Path, cache: Path) -> None:
    spec = chain_spec(1000)
    ws = Workspace(root="specs", specs={"chain": spec}, order=["chain"])
    t = make_target(ws, tmp_path, cache)
    root = write(t, spec, tmp_path / "out" / "chain" / "rust")
    assert errors(t.verify(spec, root)) == []


# -- serde: opt-in, per spec, checked when on ---------------------------------------------


def test_serde_on_puts_the_derives_behind_the_feature(workspace: Workspace, tmp_path: Path) -> None:
    t = make_target(workspace, tmp_path, serde=True)
    files = {f.path: f.data.decode() for f in t.generate(workspace.spec("billing"))}
    cargo = files["Cargo.toml"]
    assert 'serde = { version = "1", features = ["derive"], optional = true }' in cargo
    assert 'serde = ["dep:serde", "common/serde"]' in cargo
    assert '#[cfg_attr(feature = "serde", serde(rename = "draft"))]' in files["src/types.rs"]
    assert "derive(serde::Serialize, serde::Deserialize)" in files["src/api.rs"]


def test_serde_is_overridden_per_spec(workspace: Workspace, tmp_path: Path) -> None:
    t = make_target(workspace, tmp_path, specs={"common": {"serde": True}})
    common = {f.path: f.data.decode() for f in t.generate(workspace.spec("common"))}
    billing = {f.path: f.data.decode() for f in t.generate(workspace.spec("billing"))}
    assert "dep:serde" in common["Cargo.toml"]
    assert "serde" not in billing["Cargo.toml"]


def test_serde_on_a_spec_whose_import_has_it_off_names_the_fix(
    workspace: Workspace, tmp_path: Path
) -> None:
    from specloom.errors import ConfigError

    t = make_target(workspace, tmp_path, specs={"billing": {"serde": True}})
    with pytest.raises(ConfigError) as info:
        t.generate(workspace.spec("billing"))
    assert "common" in info.value.message
    assert "[tool.specloom.targets.rust.specs.common]" in (info.value.hint or "")


def test_check_serde_is_retired_with_a_clear_message() -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match=r"check_serde was retired.*serde = true"):
        RustConfig.model_validate({"check_serde": False})


@needs_cargo
@pytest.mark.slow
@pytest.mark.skipif(not rs_gates.debian_serde_available(), reason="Debian serde crates absent")
def test_serde_on_runs_rs004_and_it_fails_on_a_broken_derive(
    workspace: Workspace, tmp_path: Path, cache: Path
) -> None:
    t = make_target(workspace, tmp_path, cache, serde=True)
    spec = workspace.spec("billing")
    root = write(t, spec, tmp_path / "billing")
    assert [f for f in t.verify(spec, root) if f.state != "off"] == []
    types = root / "src" / "types.rs"
    # a serde attribute that only the serde build reads: the plain check cannot see it
    types.write_text(types.read_text().replace('serde(rename = "draft")', 'serde(renam = "x")'))
    found = errors(t.verify(spec, root))
    assert found and {f.rule for f in found} == {"RS004"}


# -- the stable crate folder: cargo's fingerprints reuse what did not change ---------------


@needs_cargo
@pytest.mark.slow
def test_stable_crate_folder_keeps_mtimes_and_never_reuses_a_stale_build(
    workspace: Workspace, published: Path, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    t = make_target(workspace, tmp_path, cache)
    spec = workspace.spec("billing")
    root = tmp_path / "billing"
    shutil.copytree(published / "billing" / "rust", root)
    assert [f for f in t.verify(spec, root) if f.state != "off"] == []
    crate = rs_gates.crate_home(cache, "billing", "plain") / "work" / "billing" / "rust"
    before = {p: p.stat().st_mtime_ns for p in crate.rglob("*.rs")}
    assert before and (crate.parent.parent / "common" / "rust" / "Cargo.toml").is_file()
    assert [f for f in t.verify(spec, root) if f.state != "off"] == []
    assert {p: p.stat().st_mtime_ns for p in crate.rglob("*.rs")} == before
    api = root / "src" / "api.rs"
    good = api.read_text()
    api.write_text(good.replace("-> Result<common::Money, Error>;", "-> Result<Mony, Error>;"))
    assert {f.rule for f in errors(t.verify(spec, root))} == {"RS001"}
    api.write_text(good)
    (root / "src" / "extra.rs").write_text("fn x( {\n")  # not in the module tree: harmless
    (root / "src" / "extra.rs").unlink()
    assert [f for f in t.verify(spec, root) if f.state != "off"] == []
    assert not (crate / "src" / "extra.rs").exists()


# -- conformance: a hand-written implementation passes, a wrong one fails ----------------


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


@pytest.fixture(scope="module")
def impl_work(
    workspace: Workspace, published: Path, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    work = tmp_path_factory.mktemp("rsimpl")
    t = make_target(workspace, work)
    for spec_id in ("billing", "counters"):
        rs_gates.assemble(
            t, workspace.spec(spec_id), published / spec_id / "rust", work, serde=False
        )
    return work


def run_impl(work: Path, spec_id: str, impl: str, cache: Path) -> subprocess.CompletedProcess[str]:
    crate = work / f"impl-{spec_id}-{impl}"
    shutil.copytree(IMPL / spec_id / impl, crate, copy_function=shutil.copy)
    cargo = rs_gates.find_cargo()
    assert cargo is not None
    # One target folder per spec: the stub crates compile once for its three implementations.
    env = dict(
        os.environ, CARGO_TARGET_DIR=str(cache / f"impl-target-{spec_id}"), CARGO_TERM_COLOR="never"
    )
    return subprocess.run(
        [str(cargo), "test", "--offline", "--test", "conformance"],
        cwd=crate,
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
    )


def _result(output: str) -> tuple[int, int]:
    m = re.search(r"test result: \w+\. (\d+) passed; (\d+) failed", output)
    assert m, output
    return int(m.group(1)), int(m.group(2))


@needs_cargo
@pytest.mark.slow
@pytest.mark.parametrize(("spec_id", "impl"), sorted(FAILS))
def test_only_a_correct_implementation_passes_the_conformance_suite(
    impl_work: Path, workspace: Workspace, cache: Path, spec_id: str, impl: str
) -> None:
    proc = run_impl(impl_work, spec_id, impl, cache)
    n_cases = sum(1 for e in workspace.spec(spec_id).examples if e.structured)
    must_fail = FAILS[(spec_id, impl)]
    if must_fail is None:
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert _result(proc.stdout) == (n_cases, 0)
        return
    assert proc.returncode != 0
    passed, failed = _result(proc.stdout)
    assert passed + failed == n_cases, proc.stdout + proc.stderr
    for name in must_fail:
        assert f"test {name} ... FAILED" in proc.stdout, name


# -- escaping: hostile spec text still compiles -----------------------------------------

SAMPLES = [
    "*/ fn main() { /*",
    '"; panic!(); "',
    "\\",
    'r#"raw"#',
    "<script>alert('x')</script>",
    "```rust\nfn broken( {\n```",
    "    indented code block fn x(",
    "#[cfg(any())] } fn",
    "line\r\nbreak\u2028sep\u2029end",
    "{} {:?} {0}",
    "x" * 5000,
    "emoji 🎉 and 中文 and \u202e rtl",
    "\x00\x07\x1b control bytes",  # a NUL once reached rustc's environment through Cargo.toml
    "\x00\x07\x1b",
    "/* nested */ */ */ /* unclosed",  # Rust block comments nest
    "${injection} `template` @param {x}",
]
HOSTILE = st.one_of(st.sampled_from(SAMPLES), st.text(max_size=200))


def as_written(text: str) -> str:
    """`text` as a spec writes it in an example: a leading `$` doubled (`$x` is a reference)."""
    return "$" + text if text.startswith("$") else text


def hostile_spec(texts: list[str]) -> Spec:
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
        pos=POS,
        values=[
            EnumVariant(name="calm", doc=texts[0], pos=POS),
            EnumVariant(name="type", pos=POS),
        ],
    )
    op = Operation(
        name="do_it",
        doc=texts[0],
        clauses=ids,
        pos=POS,
        params=[FieldDef(name="type", type=prim("string"), pos=POS)],
        returns=named("Thing"),
        errors=["Broken"],
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
            pos=POS,
            structured=StructuredExample(
                call="do_it",
                with_={"type": as_written(t)},
                pos=POS,
                expect={"f0": as_written(t)} if i else None,
                expect_error=None if i else "Broken",
            ),
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


@needs_cargo
@pytest.mark.slow
@settings(
    max_examples=3,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(HOSTILE, min_size=3, max_size=12))
@example(texts=SAMPLES)
def test_hostile_text_compiles(tmp_path: Path, cache: Path, texts: list[str]) -> None:
    spec = hostile_spec(texts)
    ws = Workspace(root="specs", specs={"hostile": spec}, order=["hostile"])
    run = tmp_path / f"run{len(list(tmp_path.iterdir()))}"
    t = make_target(ws, run, cache)
    root = write(t, spec, run / "out" / "hostile" / "rust")
    assert errors(t.verify(spec, root)) == []


@given(st.text())
def test_toml_str_round_trips(text: str) -> None:
    import tomllib

    from specloom.targets.rust.target import toml_str

    lit = toml_str(text)
    assert lit.isascii()
    kept = "".join(c for c in " ".join(text.split()) if unicodedata.category(c) != "Cc")
    assert tomllib.loads(f"a = {lit}")["a"] == kept


# -- edge cases: every type form, reserved names, odd signatures -------------------------


@needs_cargo
@pytest.mark.slow
def test_edge_cases_compile(tmp_path: Path, cache: Path, edge_spec: Spec) -> None:
    spec = edge_spec
    ws = Workspace(root="specs", specs={spec.id: spec}, order=[spec.id])
    t = make_target(ws, tmp_path, cache, serde=True)  # renames: RS004 checks them
    root = write(t, spec, tmp_path / "out" / spec.id / "rust")
    api = (root / "src" / "api.rs").read_text()
    types = (root / "src" / "types.rs").read_text()
    assert "fn default(&mut self, from: Option<String>, to: i32) -> Result<(), Error>;" in api
    assert "Type {\n        r#type: String,\n        at: Option<i32>,\n    }," in api
    assert "pub parent: Option<Box<TreeNode>>," in types
    assert "Self_," in types
    assert '#[cfg_attr(feature = "serde", serde(rename = "in-between"))]' in types
    assert errors(t.verify(spec, root)) == []


def test_generating_1000_types_stays_linear(tmp_path: Path) -> None:
    """Regression guard: a per-type recomputation of the boxing made this take 40 s."""
    import time

    spec = chain_spec(1000)
    ws = Workspace(root="specs", specs={"chain": spec}, order=["chain"])
    t = make_target(ws, tmp_path)
    start = time.perf_counter()
    files = t.generate(spec)
    assert time.perf_counter() - start < 5.0
    assert any(f.path == "src/types.rs" for f in files)


def test_toml_strings_drop_control_characters() -> None:
    from specloom.targets.rust.target import toml_str

    assert toml_str("a\x00b\x07c\x7f d\u0085") == '"abc d"'
    assert toml_str('say "hi" \\ é') == '"say \\"hi\\" \\\\ \\u00E9"'


@needs_cargo
def test_a_forced_build_compiles_without_rustcs_incremental_cache(
    workspace: Workspace, tmp_path: Path
) -> None:
    """`--force` reuses nothing (`BuildContext.reuse` is False): cargo runs with
    `CARGO_INCREMENTAL=0`, which also makes the cold compile faster; a normal build keeps
    rustc's incremental cache for the next edit. The gates pass either way."""
    spec = workspace.spec("common")

    def gates(reuse: bool) -> Path:
        cache = tmp_path / ("reuse" if reuse else "forced")
        ctx = BuildContext(
            workspace=workspace, output_dir=tmp_path / "out", cache_dir=cache, reuse=reuse
        )
        t = RustTarget(ctx, RustConfig())
        root = write(t, spec, tmp_path / ("r" if reuse else "f"))
        assert errors(t.verify(spec, root)) == []
        return cache / "rust" / "common" / "plain" / "target" / "debug" / "incremental"

    forced = gates(reuse=False)
    assert not forced.exists() or not any(forced.iterdir())
    normal = gates(reuse=True)
    assert normal.is_dir() and any(normal.iterdir())
