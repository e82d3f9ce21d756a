"""Gates of the python target, one function per gate id (docs/gates.md has the table).

PY001 `mypy --strict` on the package and its suite; PY002 every item carries exactly its
clauses; PY003 the package imports from the staging folder and every example's values
validate into the models; PY004 the CLAUSES catalogue is the spec's clauses; PY005 the
package builds into a wheel offline and the wheel holds every module.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from specloom.findings import Finding, Severity, not_run
from specloom.model import InterfaceItem, Spec
from specloom.target import BuildContext, GeneratedFile
from specloom.tools import ToolLookup

from ..clausedocs import CarriedItem, carried_clauses, item_clause_findings, spec_items
from ..values import ValueBuilder
from . import conformance as conf
from . import pep517, wire
from .naming import py_const_name, py_method_name, py_module_name, py_type_name

CLAUSES_PREFIX = "Clauses: "
_MYPY_DIAG = re.compile(r"^(?P<file>[^:\n]+\.pyi?):(?P<line>\d+):(?:\d+:)? error: (?P<msg>.*)$")
Generate = Callable[[str], list[GeneratedFile]]


def _error(
    rule: str,
    message: str,
    *,
    file: str | None = None,
    line: int | None = None,
    clause: str | None = None,
) -> Finding:
    return Finding(
        rule=rule, severity=Severity.ERROR, message=message, file=file, line=line, clause=clause
    )


# -- reading the package --------------------------------------------------------------


def package_dir(root: Path, spec: Spec) -> Path:
    """`<root>/src/<module>`."""
    return root / "src" / py_module_name(spec.id)


def _parse(path: Path) -> ast.Module | None:
    try:
        return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    except (OSError, SyntaxError, ValueError):
        return None


def _attr_docs(body: list[ast.stmt]) -> Iterator[tuple[str, ast.stmt, str | None]]:
    """(name, statement, attribute docstring) of every annotated or plain assignment."""
    for i, stmt in enumerate(body):
        name: str | None = None
        if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
            name = stmt.target.id
        elif (
            isinstance(stmt, ast.Assign)
            and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], ast.Name)
        ):
            name = stmt.targets[0].id
        if name is None:
            continue
        doc: str | None = None
        nxt = body[i + 1] if i + 1 < len(body) else None
        if (
            isinstance(nxt, ast.Expr)
            and isinstance(nxt.value, ast.Constant)
            and isinstance(nxt.value.value, str)
        ):
            doc = nxt.value.value
        yield name, stmt, doc


def clause_ids(doc: str | None) -> list[str] | None:
    """The ids of a docstring's last line `Clauses: a, b` (`-`: none); None without one."""
    if doc is None:
        return None
    lines = [line.strip() for line in doc.strip().split("\n")]
    if not lines or not lines[-1].startswith(CLAUSES_PREFIX):
        return None
    rest = lines[-1].removeprefix(CLAUSES_PREFIX).strip()
    return [] if rest == "-" else [x.strip() for x in rest.split(",")]


def covered(spec: Spec, root: Path) -> set[str]:
    """Clause ids some generated item carries (CLAUSES lists every clause and traces none)."""
    return carried_clauses(spec, carried_items(root, spec))


# -- PY002 ------------------------------------------------------------------------------


def _norm(text: str) -> str:
    return " ".join(text.split())


def carried_items(root: Path, spec: Spec) -> list[CarriedItem]:
    """Every declaration of the package whose docstring ends in a `Clauses:` line, read
    back from the source: classes and aliases of models.py (types), exception classes,
    Protocol methods and constants of api.py."""
    pkg = package_dir(root, spec)
    out: list[CarriedItem] = []

    def add(kind: str, name: str, doc: str | None, path: Path, line: int) -> None:
        ids = clause_ids(doc)
        if ids is None or doc is None:
            return
        rel = path.relative_to(root).as_posix()
        out.append(CarriedItem(kind, name, tuple(ids), doc, rel, line))

    for path, module_kind in ((pkg / "models.py", "type"), (pkg / "api.py", "api")):
        tree = _parse(path)
        if tree is None:
            continue
        for node in tree.body:
            if isinstance(node, ast.ClassDef):
                kind = "type" if module_kind == "type" else "error"
                add(kind, node.name, ast.get_docstring(node, clean=False), path, node.lineno)
                for sub in node.body:
                    if isinstance(sub, ast.FunctionDef | ast.AsyncFunctionDef):
                        doc = ast.get_docstring(sub, clean=False)
                        add("operation", sub.name, doc, path, sub.lineno)
        for name, stmt, doc in _attr_docs(tree.body):
            add("type" if module_kind == "type" else "constant", name, doc, path, stmt.lineno)
    return out


def source_name(kind: str, item: InterfaceItem) -> str:
    """The name the python target gives an item."""
    if kind == "operation":
        return py_method_name(item.name)
    if kind == "constant":
        return py_const_name(item.name)
    return py_type_name(item.name)


def traceability(spec: Spec, root: Path) -> list[Finding]:
    """PY002: each interface item, found in the source by its Python name, carries exactly
    the clause ids the spec gives it (its docstring's last line), each stated with its level
    and its text; no other declaration carries clause ids."""
    carried = carried_items(root, spec)
    out = item_clause_findings(spec, carried, source_name, "PY002")
    if out:
        return out
    by_key = {(c.kind, c.name): c for c in carried}
    for kind, item in spec_items(spec):
        got = by_key.get((kind, source_name(kind, item)))
        text = _norm(got.doc) if got else ""
        for cid in item.clauses:
            clause = spec.clause(cid)
            if got is not None and clause is not None and _norm(clause.text) not in text:
                out.append(
                    _error(
                        "PY002",
                        f"{kind} {item.name} ({item.pos.file}:{item.pos.line}) names clause "
                        f"{cid} without its text",
                        file=got.file,
                        line=got.line,
                        clause=cid,
                    )
                )
    return out


# -- PY004 ------------------------------------------------------------------------------


def catalogue_entries(root: Path, spec: Spec) -> list[dict[str, str]] | None:
    """The `Clause(...)` entries of CLAUSES in clauses.py, as literals; None when unreadable."""
    tree = _parse(package_dir(root, spec) / "clauses.py")
    if tree is None:
        return None
    for name, stmt, _doc in _attr_docs(tree.body):
        value = getattr(stmt, "value", None)
        if name != "CLAUSES" or not isinstance(value, ast.Tuple):
            continue
        out: list[dict[str, str]] = []
        for elt in value.elts:
            if not isinstance(elt, ast.Call):
                return None
            try:
                out.append({k.arg or "": ast.literal_eval(k.value) for k in elt.keywords})
            except ValueError:
                return None
        return out
    return None


def catalogue(spec: Spec, root: Path) -> list[Finding]:
    """PY004: CLAUSES lists every clause of the spec, in order, with its level, title, text."""
    shown = (package_dir(root, spec) / "clauses.py").relative_to(root).as_posix()
    entries = catalogue_entries(root, spec)
    if entries is None:
        return [_error("PY004", "CLAUSES is missing or not a tuple of literals", file=shown)]
    out: list[Finding] = []
    got = {e.get("id"): e for e in entries}
    for c in spec.clauses:
        e = got.get(c.id)
        want = {"id": c.id, "level": c.level.value, "title": c.title, "text": c.text}
        if e != want:
            what = "is missing" if e is None else "differs from the spec"
            out.append(
                _error(
                    "PY004",
                    f"CLAUSES entry {c.id} {what}",
                    file=shown,
                    clause=c.id,
                )
            )
    extra = [e.get("id") for e in entries if e.get("id") not in {c.id for c in spec.clauses}]
    for cid in extra:
        out.append(_error("PY004", f"CLAUSES lists {cid!r}, which is not a clause", file=shown))
    return out


# -- PY001 ------------------------------------------------------------------------------


def find_mypy(tools: ToolLookup | None = None) -> list[str] | None:
    """How to run mypy: this interpreter's `-m mypy` (it sees the pydantic the package is
    checked against), else `mypy` where every gate looks for a tool (specloom/tools.py:
    PATH, the project's node_modules/.bin, `[tool.specloom.tools]`), else None."""
    if importlib.util.find_spec("mypy") is not None:
        return [sys.executable, "-m", "mypy"]
    found = (tools or ToolLookup()).find("mypy")
    return [str(found.path)] if found else None


def _environ(paths: list[Path]) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env["PYTHONSAFEPATH"] = "1"
    env.pop("PYTHONPATH", None)
    env["MYPYPATH"] = os.pathsep.join(str(p) for p in paths)
    return env


def assemble(spec: Spec, ws_order: list[str], generate: Generate, work: Path) -> list[Path]:
    """The `src` folders of the imported specs' packages, generated from the IR under `work`."""
    out: list[Path] = []
    for dep in ws_order:
        pkg = work / dep / "python"
        for f in generate(dep):
            dest = pkg / f.path
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(f.data)
        out.append(pkg / "src")
    return out


def clause_at(root: Path, spec: Spec, file: str, line: int) -> str | None:
    """The first clause of the nearest item declared at or above `file:line`."""
    best: CarriedItem | None = None
    for c in carried_items(root, spec):
        if c.file == file and c.line <= line and (best is None or c.line > best.line):
            best = c
    return best.clauses[0] if best and best.clauses else None


def type_check(
    spec: Spec,
    root: Path,
    deps: list[Path],
    work: Path,
    cache: Path,
    tools: ToolLookup | None = None,
) -> list[Finding]:
    """PY001: `mypy --strict` on the package and its suite (no plugin, imports resolved
    against the imported specs' packages)."""
    cmd = find_mypy(tools)
    if cmd is None:
        return [
            not_run(
                "PY001",
                "mypy is not installed; the package was not type-checked",
                fix="pip install 'specloom[python]'",
            )
        ]
    config = work / "mypy.ini"
    config.write_text("[mypy]\nstrict = True\n", encoding="utf-8")
    proc = subprocess.run(
        [
            *cmd,
            "--config-file",
            str(config),
            "--strict",
            "--cache-dir",
            str(cache),
            "--no-color-output",
            "--no-error-summary",
            "--show-absolute-path",
            "-p",
            py_module_name(spec.id),
        ],
        capture_output=True,
        text=True,
        cwd=work,
        env=_environ([root / "src", *deps]),
        timeout=900,
    )
    if proc.returncode == 0:
        return []
    out: list[Finding] = []
    for raw in proc.stdout.splitlines():
        m = _MYPY_DIAG.match(raw.strip())
        if m is None:
            continue
        path = Path(m["file"]).resolve()
        line = int(m["line"])
        try:
            shown = path.relative_to(root.resolve()).as_posix()
            clause = clause_at(root, spec, shown, line)
        except ValueError:
            shown = _strip(m["file"], work)
            clause = None
        out.append(
            _error(
                "PY001",
                "mypy --strict: " + _strip(m["msg"], work),
                file=shown,
                line=line,
                clause=clause,
            )
        )
    if not out:
        text = _strip((proc.stdout + proc.stderr).strip()[:2000], work)
        out.append(_error("PY001", f"mypy failed (exit {proc.returncode}): {text}"))
    return out


def _strip(text: str, work: Path) -> str:
    return text.replace(str(work.resolve()) + "/", "").replace(str(work) + "/", "")


# -- PY003 ------------------------------------------------------------------------------

_PROBE = '''
class Reached(Exception):
    """The suite reached the service: every value before the call was built."""


class Probe:
    def __getattr__(self, name):
        def call(*args, **kwargs):
            raise Reached(name)

        return call


def make():
    return Probe()
'''

_RUNNER = """
import importlib, json, os, sys, traceback
module, variable, names = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
os.environ[variable] = "specloom_probe:make"
import specloom_probe
out = {"import": None, "defined": [], "cases": {}}
try:
    pkg = importlib.import_module(module)
    for name in getattr(pkg, "__all__", []):
        getattr(pkg, name)
    suite = importlib.import_module(module + ".tests.conformance") if names else None
except BaseException as e:
    out["import"] = "".join(traceback.format_exception_only(type(e), e)).strip()
    print(json.dumps(out))
    sys.exit(0)
if suite is not None:
    out["defined"] = [n for n, f in vars(suite).items() if n.startswith("test_") and callable(f)]
    for name in names:
        fn = getattr(suite, name, None)
        if fn is None:
            continue
        try:
            fn()
        except specloom_probe.Reached:
            out["cases"][name] = None
        except BaseException as e:
            out["cases"][name] = "".join(traceback.format_exception_only(type(e), e)).strip()
        else:
            out["cases"][name] = "the test returned without calling the service"
try:
    import wire_probe
except BaseException as e:
    out["wire_import"] = "".join(traceback.format_exception_only(type(e), e)).strip()
else:
    out["wire"] = []
    for case, label, check in wire_probe.CHECKS:
        try:
            check()
        except BaseException as e:
            why = "".join(traceback.format_exception_only(type(e), e)).strip()
            out["wire"].append([case, label, why])
print(json.dumps(out))
"""


MIN_PYDANTIC = (2, 11)
"""The generated package's pydantic floor (`validate_by_name`, `serialize_by_alias`)."""


def _pydantic_too_old() -> bool:
    from importlib.metadata import version

    parts = re.findall(r"\d+", version("pydantic"))[:2]
    return tuple(int(p) for p in parts) < MIN_PYDANTIC


def values(
    ctx: BuildContext, spec: Spec, root: Path, deps: list[Path], work: Path
) -> list[Finding]:
    """PY003: the package imports from the staging folder (nothing installed, nothing
    written), and each test of the suite builds its example's values (arguments and
    expected values, through the models' validating constructors) before it calls the
    service: a probe service stops every test at the call."""
    if _pydantic_too_old():
        return [
            not_run(
                "PY003",
                f"the generated package needs pydantic>={MIN_PYDANTIC}; this environment has an"
                " older one, so the package was not imported",
                fix="pip install 'specloom[python]'",
            )
        ]
    cases = ValueBuilder(spec, ctx.workspace).cases() if spec.operations else []
    names = conf.function_names(cases)
    if names and importlib.util.find_spec("pytest") is None:
        return [
            not_run(
                "PY003",
                "pytest is not installed; the conformance suite was not imported",
                fix="pip install 'specloom[python]'",
            )
        ]
    probe = work / "probe"
    probe.mkdir()
    (probe / "specloom_probe.py").write_text(_PROBE, encoding="utf-8")
    (probe / "runner.py").write_text(_RUNNER, encoding="utf-8")
    owners = sorted({spec.id, *ctx.workspace.dependencies(spec.id), *spec.imports})
    wire_checks = wire.checks(spec, cases, names)
    (probe / "wire_probe.py").write_text(wire.probe_module(owners, wire_checks), "utf-8")
    env = _environ([])
    env.pop("MYPYPATH")
    env["PYTHONPATH"] = os.pathsep.join(str(p) for p in [root / "src", *deps, probe])
    module = py_module_name(spec.id)
    proc = subprocess.run(
        [
            sys.executable,
            str(probe / "runner.py"),
            module,
            conf.factory_variable(spec.id),
            json.dumps(names),
        ],
        capture_output=True,
        text=True,
        cwd=probe,
        env=env,
        timeout=300,
    )
    try:
        result = json.loads(proc.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        text = _strip((proc.stdout + proc.stderr).strip()[-2000:], work)
        return [_error("PY003", f"the import check crashed (exit {proc.returncode}): {text}")]
    if result["import"]:
        return [
            _error(
                "PY003",
                f"`import {module}` from the staging folder failed: "
                + _strip(result["import"], work),
            )
        ]
    out: list[Finding] = _wire_findings(result, cases, names, work)
    suite = f"src/{module}/tests/conformance.py"
    for case, name in zip(cases, names, strict=True):
        where = f"{case.pos.file}:{case.pos.line}"
        if name not in result["defined"]:
            out.append(
                _error(
                    "PY003",
                    f"the suite has no test {name} for the example at {where}",
                    file=suite,
                    clause=case.clause,
                )
            )
        elif result["cases"].get(name):
            out.append(
                _error(
                    "PY003",
                    f"{name} (example at {where}) does not build its values: "
                    + _strip(str(result["cases"][name]), work)[:500],
                    file=case.pos.file,
                    line=case.pos.line,
                    clause=case.clause,
                )
            )
    for name in result["defined"]:
        if name not in names:
            out.append(
                _error(
                    "PY003",
                    f"the suite defines {name}, which no example of the spec gives",
                    file=suite,
                )
            )
    return out


def _wire_findings(
    result: dict[str, Any], cases: list[Any], names: list[str], work: Path
) -> list[Finding]:
    """PY003 on the wire: an example argument's JSON that the models do not read into the
    value the constructors build, or do not write back."""
    if result.get("wire_import"):
        why = _strip(str(result["wire_import"]), work)
        return [_error("PY003", f"the wire check could not import the models: {why}")]
    by_name = dict(zip(names, cases, strict=True))
    out = []
    for name, label, why in result.get("wire", []):
        case = by_name[name]
        out.append(
            _error(
                "PY003",
                f"{name} (example at {case.pos.file}:{case.pos.line}): the JSON of "
                f"{label} is not read into the models as the spec gives it: "
                + _strip(str(why), work)[:500],
                file=case.pos.file,
                line=case.pos.line,
                clause=case.clause,
            )
        )
    return out


# -- PY005 ------------------------------------------------------------------------------


def wheel(spec: Spec, root: Path, work: Path, timeout: float = 600.0) -> list[Finding]:
    """PY005: a copy of the package builds into a wheel offline, through the backend its
    `pyproject.toml` declares, without build isolation (what `pip wheel --no-deps
    --no-build-isolation --no-index` does, less pip: `pep517.py`), and the wheel holds every
    module of the package and `py.typed`."""
    import zipfile

    if importlib.util.find_spec("setuptools") is None:
        return [
            not_run(
                "PY005",
                "setuptools is not installed; the package was not built",
                fix="pip install 'specloom[python]'",
            )
        ]
    src = work / "wheel-src"
    shutil.copytree(root, src)
    dist = work / "wheel-dist"
    env = _environ([])
    env.pop("MYPYPATH")
    try:
        proc = pep517.build_wheel(src, dist, env, timeout)
    except subprocess.TimeoutExpired as exc:
        return [
            _error(
                "PY005", f"the wheel build timed out after {exc.timeout:g}s", file="pyproject.toml"
            )
        ]
    wheels = sorted(dist.glob("*.whl"))
    if proc.returncode != 0 or len(wheels) != 1:
        text = _strip((proc.stdout + proc.stderr).strip()[-1500:], work)
        return [
            _error(
                "PY005", f"the package does not build into a wheel: {text}", file="pyproject.toml"
            )
        ]
    with zipfile.ZipFile(wheels[0]) as zf:
        inside = set(zf.namelist())
    pkg = package_dir(root, spec)
    want = sorted(
        p.relative_to(root / "src").as_posix()
        for p in pkg.rglob("*")
        if p.is_file() and (p.suffix == ".py" or p.name == "py.typed")
    )
    return [
        _error("PY005", f"the wheel lacks {name}", file="pyproject.toml")
        for name in want
        if name not in inside
    ]


# -- all --------------------------------------------------------------------------------


def run_gates(ctx: BuildContext, spec: Spec, root: Path, generate: Generate) -> list[Finding]:
    """Every gate; a missing mypy is reported as not run, never as a pass. mypy (PY001) runs
    on a thread of its own beside the import check and the wheel build (PY003, then PY005):
    child interpreters that share only the read-only package, two at a time."""
    findings = traceability(spec, root) + catalogue(spec, root)
    cache = ctx.cache_dir / "mypy"
    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="specloom-py-") as tmp:
        work = Path(tmp)
        deps = assemble(spec, ctx.workspace.dependencies(spec.id), generate, work)
        with ThreadPoolExecutor(max_workers=1) as pool:
            typed = pool.submit(type_check, spec, root, deps, work, cache, ctx.tools)
            rest = values(ctx, spec, root, deps, work) + wheel(spec, root, work)
            findings += typed.result() + rest
    return findings
