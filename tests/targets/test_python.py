"""Tests of the python target: goldens, mypy --strict, gates, a user's project, hostile text."""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from specloom.targets.python import PythonConfig, PythonTarget
from specloom.targets.python import gates as py_gates
from specloom.targets.python import signatures as sig
from specloom.targets.python.naming import py_field_name, py_module_name, py_string
from specloom.targets.values import ValueBuilder

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
    UnionVariant,
    Workspace,
)
from specloom.parse import load_workspace
from specloom.pipeline.report import is_skip
from specloom.target import BuildContext

IMPL = Path(__file__).parent / "impl" / "python"
needs_mypy = pytest.mark.skipif(py_gates.find_mypy() is None, reason="mypy not installed")


@pytest.fixture(scope="module")
def workspace(specs_dir: Path) -> Workspace:
    return load_workspace(specs_dir)


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One cache folder per module: mypy's cache of pydantic stays warm between tests."""
    return tmp_path_factory.getbasetemp() / "python-cache"


def make_target(ws: Workspace, tmp: Path, cache: Path | None = None, **config: Any) -> PythonTarget:
    ctx = BuildContext(workspace=ws, output_dir=tmp / "out", cache_dir=cache or tmp / "cache")
    return PythonTarget(ctx, PythonConfig(**config))


def write(target: PythonTarget, spec: Spec, root: Path) -> Path:
    """Write the generated files the way the pipeline publishes them."""
    for f in target.generate(spec):
        dest = root / f.path
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(f.data)
    return root


def errors(findings: list[Any]) -> list[Any]:
    return [f for f in findings if f.severity is Severity.ERROR]


# -- generation -------------------------------------------------------------------------


def test_generate_is_deterministic_and_relative(
    workspace: Workspace, tmp_path: Path, specs_dir: Path
) -> None:
    t = make_target(workspace, tmp_path)
    for spec in workspace.specs.values():
        a = t.generate(spec)
        assert a == t.generate(spec)
        for f in a:
            assert str(tmp_path) not in f.data.decode()
            assert str(specs_dir.resolve().parent) not in f.data.decode()  # no machine path
    paths = [f.path for f in t.generate(workspace.spec("billing"))]
    assert paths == sorted(paths)
    assert paths == [
        "README.md",
        "pyproject.toml",
        "src/billing/__init__.py",
        "src/billing/api.py",
        "src/billing/clauses.py",
        "src/billing/models.py",
        "src/billing/py.typed",
        "src/billing/tests/__init__.py",
        "src/billing/tests/conformance.py",
    ]
    common = [f.path for f in t.generate(workspace.spec("common"))]
    assert not [p for p in common if "/tests/" in p]


def test_goldens(workspace: Workspace, tmp_path: Path, repo_root: Path, golden_tree: Any) -> None:
    """The example workspace and the unions fixture (tagged and untagged unions, nullable)."""
    t = make_target(workspace, tmp_path)
    got = {
        f"{spec_id}/{f.path}": f.data
        for spec_id in sorted(workspace.specs)
        for f in t.generate(workspace.spec(spec_id))
    }
    unions = load_workspace(repo_root / "tests" / "fixtures" / "unions")
    got |= {
        f"shapes/{f.path}": f.data
        for f in make_target(unions, tmp_path).generate(unions.spec("shapes"))
    }
    golden_tree.check(got, repo_root / "tests" / "golden" / "python")


def test_names_follow_python_conventions(workspace: Workspace, tmp_path: Path) -> None:
    t = make_target(workspace, tmp_path)
    files = {f.path: f.data.decode() for f in t.generate(workspace.spec("billing"))}
    models = files["src/billing/models.py"]
    assert "class LineItem(BaseModel):" in models
    assert "    unit_price: _common.Money\n" in models
    assert "    due: _dt.date | None = None\n" in models
    assert '    DRAFT = "draft"\n' in models
    assert "import common as _common" in models
    api = files["src/billing/api.py"]
    assert "class BillingService(Protocol):" in api
    assert (
        "    def create_invoice(self, customer: _common.CustomerId, lines: list[LineItem], "
        "due: _dt.date | None = None) -> Invoice:" in api
    )
    assert "class InvalidQuantity(BillingError):" in api
    assert 'INVOICE_ID_PREFIX: Final[str] = "inv_"' in api
    pyproject = files["pyproject.toml"]
    assert 'name = "specloom-billing"' in pyproject
    assert '"specloom-common>=1.0.0,<2"' in pyproject
    assert 'requires-python = ">=3.11"' in pyproject
    assert "pip install output/common/python" in files["README.md"]


def test_signatures_are_what_the_package_contains(workspace: Workspace, tmp_path: Path) -> None:
    spec = workspace.spec("billing")
    files = {f.path: f.data.decode() for f in make_target(workspace, tmp_path).generate(spec)}
    api, models = files["src/billing/api.py"], files["src/billing/models.py"]
    for op in spec.operations:
        assert sig.operation_signature(spec, op).removesuffix(" ...") in api
    for c in spec.constants:
        assert sig.constant_signature(spec, c) in api
    for e in spec.errors:
        assert sig.error_signature(spec, e).splitlines()[0] in api
    for td in spec.types:
        assert sig.type_signature(spec, td).splitlines()[0] in models


def test_module_names_never_shadow_the_standard_library() -> None:
    assert py_module_name("billing") == "billing"
    assert py_module_name("types") == "types_"
    assert py_module_name("json") == "json_"
    assert py_module_name("typing") == "typing_"
    assert py_module_name("class") == "class_"
    assert py_module_name("pydantic") == "pydantic_"
    assert py_module_name("my-spec") == "my_spec"
    assert py_module_name("2fa") == "spec_2_fa"


def test_field_names_escape_keywords_builtins_and_model_attributes() -> None:
    assert py_field_name("unitPrice") == "unit_price"
    assert py_field_name("class") == "class_"
    assert py_field_name("str") == "str_"
    assert py_field_name("json") == "json_"
    assert py_field_name("model_dump") == "model_dump_"
    assert py_field_name("id") == "id"


def test_docstrings_and_strings_survive_hostile_text() -> None:
    nasty = 'a """ b \\ c \\" d\r\n\x00 \u202e é 🎉 {{ x }} \'\'\' e"'
    src = f"def f() -> None:\n{sig.docstring(nasty, '    ')}\n\nX = {py_string(nasty)}\n"
    tree = ast.parse(src)
    fn = tree.body[0]
    assert isinstance(fn, ast.FunctionDef)
    doc = ast.get_docstring(fn, clean=False)
    assert doc is not None and " ".join(doc.split()) == " ".join(nasty.split())
    assign = tree.body[1]
    assert isinstance(assign, ast.Assign) and isinstance(assign.value, ast.Constant)
    assert assign.value.value == nasty


def test_every_item_carries_its_clause_ids(workspace: Workspace, tmp_path: Path) -> None:
    spec = workspace.spec("billing")
    root = write(make_target(workspace, tmp_path), spec, tmp_path / "billing")
    carried = {(c.kind, c.name): list(c.clauses) for c in py_gates.carried_items(root, spec)}
    for kind, item in py_gates.spec_items(spec):
        assert carried[(kind, py_gates.source_name(kind, item))] == item.clauses, item.name
    assert len(carried) == len(spec.interface_items())
    assert py_gates.covered(spec, root) == {c for i in spec.interface_items() for c in i.clauses}
    assert py_gates.traceability(spec, root) == []
    assert py_gates.catalogue(spec, root) == []


# -- gates without tools ------------------------------------------------------------------


@pytest.fixture(scope="module")
def published(workspace: Workspace, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Both example specs generated as the pipeline publishes them: out/<spec>/python."""
    tmp = tmp_path_factory.mktemp("py")
    t = make_target(workspace, tmp)
    for spec_id in workspace.order:
        write(t, workspace.spec(spec_id), tmp / "out" / spec_id / "python")
    return tmp / "out"


def test_traceability_is_checked_item_by_item(
    workspace: Workspace, published: Path, tmp_path: Path
) -> None:
    """Dropping bil8's neighbour bil9 from issue_invoice, and adding bil1 to a type that does
    not name it (other items carry both), gives one finding each."""
    spec = workspace.spec("billing")
    root = tmp_path / "billing"
    shutil.copytree(published / "billing" / "python", root)
    api = root / "src" / "billing" / "api.py"
    api.write_text(api.read_text().replace("Clauses: bil8, bil9", "Clauses: bil8"))
    models = root / "src" / "billing" / "models.py"
    text = models.read_text()
    assert text.count("Clauses: bil5\n") == 1
    models.write_text(text.replace("Clauses: bil5\n", "Clauses: bil5, bil1\n"))
    found = py_gates.traceability(spec, root)
    assert sorted((f.rule, f.clause, f.file) for f in found) == [
        ("PY002", "bil1", "src/billing/models.py"),
        ("PY002", "bil9", "src/billing/api.py"),
    ]
    assert all(f.line for f in found)


def test_traceability_needs_the_clause_text_and_the_item(
    workspace: Workspace, published: Path, tmp_path: Path
) -> None:
    spec = workspace.spec("billing")
    root = tmp_path / "billing"
    shutil.copytree(published / "billing" / "python", root)
    api = root / "src" / "billing" / "api.py"
    text = api.read_text()
    text = text.replace("Issuing MUST NOT change the lines", "Issuing SHOULD keep the lines")
    text = text.replace("class Overpayment(BillingError):", "class OverPaid(BillingError):")
    api.write_text(text)
    found = py_gates.traceability(spec, root)
    assert sorted((f.rule, f.clause) for f in found) == [
        ("PY002", "bil11"),
        ("PY002", "bil11"),
    ]
    assert any("missing from the generated source" in f.message for f in found)
    assert any("`OverPaid` carries clauses bil11" in f.message for f in found)
    api.write_text(
        text.replace("class OverPaid(BillingError):", "class Overpayment(BillingError):")
    )
    found = py_gates.traceability(spec, root)
    assert [(f.rule, f.clause) for f in found] == [("PY002", "bil9")]
    assert "without its text" in found[0].message


def test_catalogue_gate(workspace: Workspace, published: Path, tmp_path: Path) -> None:
    spec = workspace.spec("billing")
    root = tmp_path / "billing"
    shutil.copytree(published / "billing" / "python", root)
    path = root / "src" / "billing" / "clauses.py"
    path.write_text(path.read_text().replace('level="MUST NOT"', 'level="SHOULD NOT"', 1))
    found = py_gates.catalogue(spec, root)
    assert [(f.rule, f.clause) for f in found] == [("PY004", "bil9")]


def test_missing_mypy_is_not_run_never_a_pass(
    workspace: Workspace, published: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(py_gates, "find_mypy", lambda *a: None)
    t = make_target(workspace, tmp_path)
    found = t.verify(workspace.spec("common"), published / "common" / "python")
    assert [(f.rule, f.severity) for f in found] == [("PY001", Severity.WARNING)]
    assert is_skip(found[0]) and "specloom[python]" in found[0].message


# -- gates with mypy ----------------------------------------------------------------------


@needs_mypy
@pytest.mark.slow
@pytest.mark.parametrize("spec_id", ["common", "billing"])
def test_gates_pass_on_the_example_specs(
    workspace: Workspace, published: Path, tmp_path: Path, cache: Path, spec_id: str
) -> None:
    t = make_target(workspace, tmp_path, cache)
    root = published / spec_id / "python"
    before = sorted(p.relative_to(root).as_posix() for p in root.rglob("*"))
    assert t.verify(workspace.spec(spec_id), root) == []
    assert sorted(p.relative_to(root).as_posix() for p in root.rglob("*")) == before


@needs_mypy
@pytest.mark.slow
def test_mypy_reports_file_line_and_clause(
    workspace: Workspace, published: Path, tmp_path: Path, cache: Path
) -> None:
    root = tmp_path / "billing"
    shutil.copytree(published / "billing" / "python", root)
    api = root / "src" / "billing" / "api.py"
    api.write_text(api.read_text().replace(") -> _common.Money:", ") -> _common.Mony:"))
    t = make_target(workspace, tmp_path, cache)
    found = errors(t.verify(workspace.spec("billing"), root))
    assert {f.rule for f in found} == {"PY001"}
    first = found[0]
    assert first.file == "src/billing/api.py" and first.line is not None
    assert first.clause == "bil11"
    assert "Mony" in first.message and str(tmp_path) not in first.message


@needs_mypy
@pytest.mark.slow
def test_values_gate_names_the_example_the_models_refuse(
    workspace: Workspace, published: Path, tmp_path: Path, cache: Path
) -> None:
    """A model constraint mypy cannot see (quantity > 5) refuses the examples' quantities."""
    root = tmp_path / "billing"
    shutil.copytree(published / "billing" / "python", root)
    models = root / "src" / "billing" / "models.py"
    text = models.read_text()
    text = text.replace("    quantity: int\n", "    quantity: int = Field(gt=5)\n")
    text = text.replace(
        "from pydantic import BaseModel, ConfigDict",
        "from pydantic import BaseModel, ConfigDict, Field",
    )
    models.write_text(text)
    t = make_target(workspace, tmp_path, cache)
    found = errors(t.verify(workspace.spec("billing"), root))
    assert found and {f.rule for f in found} == {"PY003"}
    bil2 = [f for f in found if f.clause == "bil2"]
    assert bil2 and str(bil2[0].file).endswith("specs/billing/examples/bil2.md") and bil2[0].line
    assert "test_bil2_1" in bil2[0].message and "greater than 5" in bil2[0].message


@needs_mypy
@pytest.mark.slow
def test_wheel_gate_catches_a_package_left_out(
    workspace: Workspace, published: Path, tmp_path: Path, cache: Path
) -> None:
    root = tmp_path / "billing"
    shutil.copytree(published / "billing" / "python", root)
    pyproject = root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace(', "billing.tests"', ""))
    t = make_target(workspace, tmp_path, cache)
    found = errors(t.verify(workspace.spec("billing"), root))
    assert [(f.rule, f.message) for f in found] == [
        ("PY005", "the wheel lacks billing/tests/__init__.py"),
        ("PY005", "the wheel lacks billing/tests/conformance.py"),
    ]


def test_wheel_gate_without_setuptools_is_not_run(
    workspace: Workspace, published: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without setuptools (the generated package's backend) PY005 could not build, which
    is never a pass."""
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == "setuptools" else real(name, *a),
    )
    found = py_gates.wheel(workspace.spec("common"), published / "common" / "python", tmp_path)
    assert [(f.rule, is_skip(f)) for f in found] == [("PY005", True)]
    assert "setuptools is not installed" in found[0].message


@needs_mypy
@pytest.mark.slow
def test_packages_type_check_with_the_pydantic_plugin_too(
    workspace: Workspace, published: Path, tmp_path: Path, cache: Path, edge_spec: Spec
) -> None:
    """The gate runs mypy without the plugin; a user who enables `pydantic.mypy` gets a
    clean check too, aliases (`class_` for `class`) included."""
    ws = Workspace(root="specs", specs={edge_spec.id: edge_spec}, order=[edge_spec.id])
    write(make_target(ws, tmp_path), edge_spec, tmp_path / "edge")
    (tmp_path / "mypy.ini").write_text("[mypy]\nstrict = True\nplugins = pydantic.mypy\n")
    paths = [published / s / "python" / "src" for s in ("common", "billing", "counters")]
    paths.append(tmp_path / "edge" / "src")
    cmd = py_gates.find_mypy()
    assert cmd is not None
    proc = subprocess.run(
        [*cmd, "--config-file", str(tmp_path / "mypy.ini"), "--cache-dir", str(cache / "plugin")]
        + [arg for m in ("common", "billing", "counters", "edge_case") for arg in ("-p", m)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "MYPYPATH": os.pathsep.join(map(str, paths))},
        timeout=900,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


@needs_mypy
@pytest.mark.slow
def test_async_style_type_checks(workspace: Workspace, tmp_path: Path, cache: Path) -> None:
    t = make_target(workspace, tmp_path, cache, style="async")
    for spec_id in workspace.order:
        write(t, workspace.spec(spec_id), tmp_path / "out" / spec_id / "python")
    root = tmp_path / "out" / "billing" / "python"
    api = (root / "src" / "billing" / "api.py").read_text()
    assert "    async def create_invoice(self" in api
    assert (
        "asyncio.run(svc.create_invoice("
        in (root / "src" / "billing" / "tests" / "conformance.py").read_text()
    )
    assert t.verify(workspace.spec("billing"), root) == []


# -- a user's separate project: install, implement with mypy --strict, run the suite -------


def _user_env(tmp: Path, published: Path) -> Path:
    """A fresh virtual environment with the two published packages pip-installed offline
    (no build isolation); pydantic, pytest and mypy come from specloom's environment
    through a .pth file, as a user's own environment would provide them."""
    env = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(env)], check=True)
    python = env / "bin" / "python"
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    Path(site, "specloom-env.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            *(str(published / spec / "python") for spec in ("common", "billing", "counters")),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return python


@pytest.fixture(scope="module")
def user_python(published: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _user_env(tmp_path_factory.mktemp("user"), published)


def run_user_project(python: Path, spec: str, kind: str, tmp: Path, cache: Path) -> str:
    """mypy --strict on the user's project, then the installed suite against its factory."""
    proj = tmp / f"{spec}-{kind}"
    shutil.copytree(IMPL / spec / kind, proj)
    package = next(p.name for p in proj.iterdir() if p.is_dir())
    mypy = subprocess.run(
        [str(python), "-m", "mypy", "--strict", "--cache-dir", str(cache / "user-mypy"), package],
        capture_output=True,
        text=True,
        cwd=proj,
        timeout=600,
    )
    assert mypy.returncode == 0, mypy.stdout + mypy.stderr
    variable = f"SPECLOOM_{spec.upper()}_FACTORY"
    env = {"PATH": "/usr/bin:/bin", variable: f"{package}.service:make_service"}
    suite = subprocess.run(
        [
            str(python),
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:randomly",
            "-rA",
            "--pyargs",
            f"{spec}.tests.conformance",
        ],
        capture_output=True,
        text=True,
        cwd=proj,
        env=env,
        timeout=600,
    )
    return suite.stdout


def _outcome(out: str) -> tuple[set[str], set[str]]:
    passed = set(re.findall(r"^PASSED \S*::(test_\w+)", out, re.M))
    failed = set(re.findall(r"^FAILED \S*::(test_\w+)", out, re.M))
    return passed, failed


def _cases(workspace: Workspace, spec: str) -> int:
    return sum(1 for e in workspace.spec(spec).examples if e.structured)


FAILS = {
    # (spec, implementation): exactly the cases that must fail (empty: every case passes)
    ("billing", "correct"): set(),
    ("billing", "stateless"): {"bil13_1", "bil13_2"},
    ("billing", "wrong"): {
        "bil2_1",
        "bil3_1",
        "bil4_1",
        "bil8_2",
        "bil10_1",
        "bil11_1",
        "bil12_1",
        "bil13_1",
        "bil13_2",
    },
    ("counters", "correct"): set(),
    ("counters", "stateless"): {"cnt3_1", "cnt4_1", "cnt5_1", "cnt6_1"},
    ("counters", "wrong"): {"cnt2_1", "cnt3_1", "cnt5_1"},
}


@needs_mypy
@pytest.mark.slow
@pytest.mark.parametrize(
    ("spec", "impl"), sorted(FAILS), ids=[f"{s}-{i}" for s, i in sorted(FAILS)]
)
def test_user_project_against_the_installed_suite(
    user_python: Path, workspace: Workspace, tmp_path: Path, cache: Path, spec: str, impl: str
) -> None:
    """A user's separate project: mypy --strict clean against the installed package, then
    the generated suite. The correct one passes every case; the wrong one fails at least
    five; the stateless one (each operation right on its own arguments, nothing
    remembered) fails only examples whose `given` steps create what they read."""
    out = run_user_project(user_python, spec, impl, tmp_path, cache)
    passed, failed = _outcome(out)
    want = {f"test_{name}" for name in FAILS[(spec, impl)]}
    assert failed == want, out
    assert len(passed) + len(failed) == _cases(workspace, spec), out
    if (spec, impl) == ("billing", "wrong"):
        assert len(failed) >= 5
    if impl == "stateless":
        given = {
            f"test_{c.name}"
            for c in ValueBuilder(workspace.spec(spec), workspace).cases()
            if c.given
        }
        assert failed <= given


@needs_mypy
@pytest.mark.slow
def test_suite_without_a_factory_fails_never_skips(user_python: Path, tmp_path: Path) -> None:
    proc = subprocess.run(
        [
            str(user_python),
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "-q",
            "--pyargs",
            "billing.tests.conformance",
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin"},
        timeout=600,
    )
    assert proc.returncode == 1
    assert "skipped" not in proc.stdout
    assert "set SPECLOOM_BILLING_FACTORY=package.module:callable" in proc.stdout


# -- scale, edge cases, hostile text -------------------------------------------------------

POS = SourcePos(file="specs/hostile/spec.md", line=1)


def prim(name: str, optional: bool = False) -> TypeRef:
    return TypeRef(kind="primitive", name=name, optional=optional, text=name)


def named(name: str, optional: bool = False) -> TypeRef:
    return TypeRef(kind="named", name=name, optional=optional, text=name)


def chain_spec(n: int) -> Spec:
    """T0 -> T1 -> ... -> T(n-1) by optional references, closed back to T0, plus aliases."""
    types = []
    for i in range(n):
        fields = [FieldDef(name="value", type=prim("int32"), pos=POS)]
        nxt = f"T{i + 1}" if i + 1 < n else "T0"
        fields.append(FieldDef(name="next", type=named(nxt, True), pos=POS))
        fields.append(
            FieldDef(
                name="kids",
                type=TypeRef(kind="list", name="list", args=[named(f"A{i}")], text="list"),
                pos=POS,
            )
        )
        types.append(TypeDef(name=f"T{i}", kind="record", fields=fields, pos=POS))
        types.append(TypeDef(name=f"A{i}", kind="alias", alias=named(f"T{i}"), pos=POS))
    return Spec(id="chain", title="Chain", path="specs/chain/spec.md", hash=f"c{n}", types=types)


@needs_mypy
@pytest.mark.slow
def test_a_chain_of_1000_types_type_checks(tmp_path: Path, cache: Path) -> None:
    spec = chain_spec(1000)
    ws = Workspace(root="specs", specs={"chain": spec}, order=["chain"])
    t = make_target(ws, tmp_path, cache)
    root = write(t, spec, tmp_path / "out" / "chain" / "python")
    assert errors(t.verify(spec, root)) == []


@needs_mypy
@pytest.mark.slow
def test_edge_cases(tmp_path: Path, cache: Path, edge_spec: Spec) -> None:
    """Every type form and odd name passes every gate."""
    spec = edge_spec
    ws = Workspace(root="specs", specs={spec.id: spec}, order=[spec.id])
    t = make_target(ws, tmp_path, cache)
    root = write(t, spec, tmp_path / "out" / "good" / "python")
    files = {p.relative_to(root).as_posix(): p.read_text() for p in root.rglob("*.py")}
    api = files["src/edge_case/api.py"]
    assert "def default(self, from_: str | None, to: int) -> None:" in api
    assert "def grow(self, node: TreeNode, by: int | None = None) -> TreeNode:" in api
    assert "class Type(EdgeCaseError):" in api
    models = files["src/edge_case/models.py"]
    assert "Promise: TypeAlias = list[TreeNode]" in models
    assert (
        '    class_: str = Field(validation_alias="class", serialization_alias="class")' in models
    )
    assert '    SELF = "self"' in models and '    IN_BETWEEN = "in-between"' in models
    assert t.verify(spec, root) == []


def test_an_example_value_that_is_no_uuid_stops_the_build(edge_spec: Spec, tmp_path: Path) -> None:
    """The build's value check refuses it with file:line before any package is written
    (PY003 covers what only the models can see: tests/gates/mutants_python.py)."""
    from specloom.errors import SpecError

    spec = edge_spec.model_copy(deep=True)
    for ex in spec.examples:
        assert ex.structured is not None
        if "node" in ex.structured.with_:
            ex.structured.with_["node"]["id"] = "u-1"
    ws = Workspace(root="specs", specs={spec.id: spec}, order=[spec.id])
    with pytest.raises(SpecError, match="'u-1' is not a uuid") as info:
        make_target(ws, tmp_path).generate(spec)
    assert info.value.file == "specs/edge/spec.md" and info.value.line == 1


SAMPLES = [
    '"""',
    "'''",
    '"; import os; os._exit(1); "',
    "\\",
    "\\N{BULLET} \\x00 \\u0000",
    "{{ jinja }} {% raw %} {#",
    "line\r\nbreak\u2028sep\u2029end\x0b\x0c",
    "Clauses: evil",
    "x" * 5000,
    "emoji 🎉 and 中文 and \u202e rtl",
    "\x00\x07\x1b",
    "class def return None True __import__",
    "    indented\n\ttabbed\n",
    '"',
]
HOSTILE = st.one_of(st.sampled_from(SAMPLES), st.text(max_size=200))
NAMES = ["class", "str", "list", "self", "json", "model_dump", "None", "print", "args", "message"]


TAGS = ['say "hi"', "back\\slash", "{{ x }} ok"]
"""Tag values of the hostile tagged union: quotes, a backslash, Jinja braces."""


def hostile_unions(texts: list[str]) -> list[TypeDef]:
    """A tagged union whose tag field is a keyword (`class`) and whose tag values are hostile,
    over records with hostile docs and a nullable field; an untagged union of a scalar and
    an enum."""
    nullable = TypeRef(kind="primitive", name="string", nullable=True, text="nullable<string>")
    cards = [
        TypeDef(
            name=f"Variant{i}",
            kind="record",
            doc=texts[i % len(texts)],
            fields=[FieldDef(name="note", type=nullable, doc=texts[-1], pos=POS)],
            pos=POS,
        )
        for i in range(len(TAGS))
    ]
    tagged = TypeDef(
        name="Pick",
        kind="union",
        doc=texts[0],
        tag="class",
        variants=[
            UnionVariant(tag=t, type=named(c.name), pos=POS)
            for t, c in zip(TAGS, cards, strict=True)
        ],
        pos=POS,
    )
    untagged = TypeDef(
        name="Size",
        kind="union",
        doc=texts[-1],
        variants=[
            UnionVariant(type=prim("int32"), pos=POS),
            UnionVariant(type=named("Mood"), pos=POS),
        ],
        pos=POS,
    )
    return [*cards, tagged, untagged]


def hostile_spec(texts: list[str]) -> Spec:
    """Every hostile text in every place text reaches the package; names that are keywords,
    built-ins, BaseModel and Exception attributes; unions and nullable values."""
    clauses = [
        Clause(id=f"h{i}", kind="statement", title=t[:60], text=t, level=Level.MUST, pos=POS)
        for i, t in enumerate(texts)
    ]
    ids = [c.id for c in clauses]
    fields = [
        FieldDef(name=f"f{i}", type=prim("string", i % 2 == 1), doc=t, pos=POS)
        for i, t in enumerate(texts)
    ] + [FieldDef(name=n, type=prim("string", True), pos=POS) for n in NAMES]
    rec = TypeDef(name="Thing", kind="record", doc=texts[0], clauses=ids, fields=fields, pos=POS)
    enum = TypeDef(
        name="Mood",
        kind="enum",
        doc=texts[-1],
        clauses=ids[:1],
        values=[
            EnumVariant(name="calm", doc=texts[0], pos=POS),
            EnumVariant(name="type", pos=POS),
            EnumVariant(name="None", pos=POS),
            EnumVariant(name="none", pos=POS),
        ],
        pos=POS,
    )
    alias = TypeDef(name="str", kind="alias", alias=prim("string"), doc=texts[0], pos=POS)
    op = Operation(
        name="import",
        doc=texts[0],
        clauses=ids,
        params=[FieldDef(name="class", type=prim("string"), pos=POS)]
        + [FieldDef(name=n, type=prim("string", True), pos=POS) for n in ("self", "list")],
        returns=named("Thing"),
        errors=["Broken"],
        pos=POS,
    )
    err = ErrorDef(
        name="Broken",
        doc=texts[-1],
        clauses=ids[:1],
        fields=[FieldDef(name=n, type=prim("string"), pos=POS) for n in ("args", "message")],
        pos=POS,
    )
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
                call="import",
                with_={"class": t},
                expect={"f0": t, "mood": None} if i else None,
                expect_error=None if i else "Broken",
                pos=POS,
            ),
            pos=POS,
        )
        for i, t in enumerate(texts[:3])
    ]
    rec.fields.append(FieldDef(name="mood", type=named("Mood", True), pos=POS))
    pick = Operation(
        name="pick",
        doc=texts[-1],
        clauses=ids[:1],
        params=[
            FieldDef(name="which", type=named("Pick"), pos=POS),
            FieldDef(name="size", type=named("Size", True), pos=POS),
        ],
        returns=TypeRef(kind="named", name="Pick", nullable=True, text="nullable<Pick>"),
        pos=POS,
    )
    examples += [
        Example(
            title=f"pick {tag}",
            clause=ids[0],
            source="file",
            structured=StructuredExample(
                call="pick",
                with_={"which": {"class": tag, "note": texts[n % len(texts)]}, "size": size},
                expect={"class": tag, "note": None},
                pos=POS,
            ),
            pos=POS,
        )
        for n, (tag, size) in enumerate(zip(TAGS, [12, "calm", None], strict=True))
    ]
    return Spec(
        id="hostile",
        title=texts[0][:100],
        path="specs/hostile/spec.md",
        hash="h",
        clauses=clauses,
        types=[rec, enum, alias, *hostile_unions(texts)],
        operations=[op, pick],
        errors=[err],
        constants=consts,
        examples=examples,
    )


@needs_mypy
@pytest.mark.slow
@settings(
    max_examples=3,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(HOSTILE, min_size=3, max_size=10))
@example(texts=SAMPLES)
def test_hostile_text_never_breaks_the_package(
    tmp_path: Path, cache: Path, texts: list[str]
) -> None:
    spec = hostile_spec(texts)
    ws = Workspace(root="specs", specs={"hostile": spec}, order=["hostile"])
    run = tmp_path / f"run{len(list(tmp_path.iterdir()))}"
    t = make_target(ws, run, cache)
    root = write(t, spec, run / "out" / "hostile" / "python")
    assert errors(t.verify(spec, root)) == []


# -- through the real pipeline ----------------------------------------------------------


@needs_mypy
@pytest.mark.slow
def test_cli_build_publishes_the_python_package(specs_dir: Path, tmp_path: Path) -> None:
    import json

    shutil.copytree(specs_dir, tmp_path / "specs")
    (tmp_path / "pyproject.toml").write_text(
        '[tool.specloom]\nspecs = "specs"\noutput = "output"\n\n'
        '[tool.specloom.targets.python]\nstyle = "async"\n'
    )
    proc = subprocess.run(
        [sys.executable, "-m", "specloom", "build", "specs/billing", "--target", "python"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = tmp_path / "output" / "billing"
    assert "async def apply_payment" in (out / "python" / "src" / "billing" / "api.py").read_text()
    assert not list((out / "python").rglob("__pycache__"))
    assert not list((out / "python").rglob("*.egg-info"))
    report = json.loads((out / "report.json").read_text())
    rows = {r["target"]: r for r in report["targets"]}
    assert rows["python"]["status"] == "built"
    assert {"bil1", "bil12"} <= set(rows["python"]["covered_clauses"])


RECEIPTS = """---
spec: receipts
title: Receipts
version: 1.0.0
---

# Receipts {#receipts}

## Issue {#issue}

A shop MUST issue a receipt for every code[^rc1].

```specloom
types:
  Receipt:
    clauses: [rc1]
    fields: {code: string, cents: int64, issued_on: date}
operations:
  issue:
    clauses: [rc1]
    params: {code: string}
    returns: Receipt
```
"""

RECEIPT_EXAMPLE = """# Examples of rc1

**Example**: a receipt

```specloom-example
call: issue
with: {code: "A1"}
expect: {code: "A1", cents: 250, issued_on: 2026-01-02}
```
"""


@needs_mypy
def test_wire_check_reads_whole_expected_results_too(tmp_path: Path, cache: Path) -> None:
    """PY003's wire check covers a complete expected result, not only arguments: a type the
    examples only ever receive, written back under another JSON name, is a finding."""
    spec_dir = tmp_path / "specs" / "receipts"
    (spec_dir / "examples").mkdir(parents=True)
    (spec_dir / "spec.md").write_text(RECEIPTS, encoding="utf-8")
    (spec_dir / "examples" / "rc1.md").write_text(RECEIPT_EXAMPLE, encoding="utf-8")
    ws = load_workspace(tmp_path / "specs")
    t = make_target(ws, tmp_path, cache)
    root = write(t, ws.spec("receipts"), tmp_path / "pkg")
    assert errors(t.verify(ws.spec("receipts"), root)) == []
    models = root / "src" / "receipts" / "models.py"
    text = models.read_text(encoding="utf-8")
    assert "    cents: int\n" in text
    text = text.replace(
        "    cents: int\n", '    cents: int = Field(serialization_alias="amount")\n'
    )
    text = text.replace(
        "from pydantic import BaseModel, ConfigDict\n",
        "from pydantic import BaseModel, ConfigDict, Field\n",
    )
    models.write_text(text, encoding="utf-8")
    found = errors(t.verify(ws.spec("receipts"), root))
    assert [f.rule for f in found] == ["PY003"], [f.message for f in found]
    assert "issue() result of call 1" in found[0].message and "amount" in found[0].message
