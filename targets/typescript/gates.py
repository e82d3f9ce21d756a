"""Gates of the typescript target: strict tsc, `@see` coverage, the conformance suite compiles."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from specloom.findings import Finding, Severity, has_errors, not_run
from specloom.model import Spec, Workspace
from specloom.tools import missing_hint

from ..checkfiles import restore_check_files
from ..clausedocs import carried_clauses, item_clause_findings
from ..constvalues import constant_findings
from . import items as ts_items
from .compiled import Programs, programs_for
from .signatures import service_name

# Re-exported: the tutorial, the tests and the benchmarks take these from here (and the
# tests patch `find_tsc` and `node_types_dir` here, where run_gates looks them up).
from .tsc import find_tsc as find_tsc
from .tsc import node_types_dir as node_types_dir
from .tsc import run_tsc as run_tsc
from .tsc import tsc_version as tsc_version

if TYPE_CHECKING:
    from .target import TypeScriptTarget


def coverage(spec: Spec, root: Path) -> list[Finding]:
    """TS002: each interface item, read back from the generated source, carries exactly the
    clause ids the spec gives it as `@see` tags (and states each clause at its level)."""
    carried = ts_items.read_items(root, service_name(spec))
    return item_clause_findings(spec, carried, ts_items.source_name, "TS002")


def constants(spec: Spec, root: Path) -> list[Finding]:
    """TS006: each constant's literal in the source equals the spec's value."""
    carried = ts_items.read_items(root, service_name(spec))
    return constant_findings(spec, carried, ts_items.source_name, ts_items.parse_literal, "TS006")


def covered(spec: Spec, root: Path) -> set[str]:
    """The clause ids the generated items carry (the report's coverage)."""
    return carried_clauses(spec, ts_items.read_items(root, service_name(spec)))


CHECK_FILES = {
    "fixtures/fixtures.ts": "TS004",
    "tsconfig.fixtures.json": "TS004",
    "test/conformance.ts": "TS003",
    "tsconfig.test.json": "TS003",
}
"""Files that hold the package's checks, each with the gate that compiles it."""


def assemble(target: TypeScriptTarget, spec: Spec, root: Path, work: Path) -> Path:
    """Lay out the package and the packages of its imports as published, under `work`.

    `work/<id>/typescript` per spec (so `file:../../<dep>/typescript` resolves), and
    `work/node_modules/@specloom/<dep>` links for the module resolution of every package.
    """
    ws = target.ctx.workspace
    order = ws.dependencies(spec.id)
    scope = work / "node_modules" / "@specloom"
    scope.mkdir(parents=True, exist_ok=True)
    for dep in [*order, spec.id]:
        pkg = work / dep / "typescript"
        if dep == spec.id:
            shutil.copytree(root, pkg, ignore=shutil.ignore_patterns("node_modules", "dist"))
        else:
            for f in target.generate(ws.specs[dep]):
                dest = pkg / f.path
                dest.parent.mkdir(parents=True, exist_ok=True)
                dest.write_bytes(f.data)
        link = scope / pkg.parent.name
        if not link.exists():
            link.symlink_to(Path("..", "..", dep, "typescript"))
    return work


def run_gates(target: TypeScriptTarget, spec: Spec, root: Path) -> list[Finding]:
    """All gates; a missing tool gives a `not_run` finding, never a pass."""
    findings = coverage(spec, root) + constants(spec, root)
    tsc = find_tsc(target.ctx.tools)
    if tsc is None:
        findings.append(
            not_run(
                "TS001",
                "tsc not found; the package was not compiled",
                fix=missing_hint("tsc"),
            )
        )
        return findings
    with tempfile.TemporaryDirectory(prefix="specloom-ts-") as tmp:
        work = assemble(target, spec, root, Path(tmp))
        types = node_types_dir(tsc)
        if types is not None:
            (work / "node_modules" / "@types").symlink_to(types, target_is_directory=True)
        ctx = target.ctx
        programs = programs_for(tsc, ctx.cache_dir, ctx.reuse, types)
        pkg = work / spec.id / "typescript"
        dep_error = compile_imports(programs, ctx.workspace, spec.id, work)
        if dep_error is not None:
            return [*findings, dep_error]
        findings += restore_check_files(target.generate(spec), root, pkg, CHECK_FILES)
        imports = [work / d / "typescript" for d in ctx.workspace.dependencies(spec.id)]
        programs.package_key(pkg, imports)
        main = programs.run(pkg, "tsconfig.json", "TS001", pkg, work)
        findings += main
        if main:
            return findings
        findings += fixtures(programs, pkg, work)
        test_cfg = pkg / "tsconfig.test.json"
        if not test_cfg.is_file():
            if has_errors(findings):
                return findings
            return findings + ship_dist(target, pkg / "dist", root)
        if types is None:
            findings.append(
                not_run(
                    "TS003",
                    "@types/node not found next to tsc; the conformance suite was not compiled",
                    fix="npm install @types/node where tsc is installed (see `specloom doctor`)",
                )
            )
            return findings
        findings += programs.run(pkg, "tsconfig.test.json", "TS003", pkg, work)
        if not has_errors(findings):
            findings += ship_dist(target, pkg / "dist", root)
    return findings


def compile_imports(
    programs: Programs,
    ws: Workspace,
    spec_id: str,
    work: Path,
    what: str = "imported spec",
    rule: str = "TS001",
) -> Finding | None:
    """Compile (or reuse by bytes) the package of each spec `spec_id` imports, in dependency
    order, under `work`; the first that fails is one error of `rule`, None when all pass."""
    for dep in ws.dependencies(spec_id):
        pkg = work / dep / "typescript"
        programs.package_key(pkg, [work / d / "typescript" for d in ws.dependencies(dep)])
        found = programs.run(pkg, "tsconfig.json", rule, work, work)
        if found:
            return Finding(
                rule=rule,
                severity=Severity.ERROR,
                message=f"the {what} {dep} does not compile: " + found[0].message,
            )
    return None


def ship_dist(target: TypeScriptTarget, emitted: Path, root: Path) -> list[Finding]:
    """TS005: the package ships `dist/` exactly as this gate's own tsc run emitted it.

    In a build, `root` (staging) has no `dist/` yet: the emitted files are copied in, so
    the published package needs no build step. In `verify`, the published `dist/` must be
    byte-identical to what tsc emits now, with no file missing or extra.
    """
    shipped = root / "dist"
    if target.ctx.mode == "build" and not shipped.exists():
        shutil.copytree(emitted, shipped)
        return []
    want = _tree(emitted)
    have = _tree(shipped) if shipped.is_dir() else {}
    out: list[Finding] = []
    for rel in sorted(want.keys() | have.keys()):
        shown = f"dist/{rel}"
        if rel not in have:
            problem = "is missing (tsc emits it; the package cannot be imported without it)"
        elif rel not in want:
            problem = "is not emitted by tsc from the sources (a stray or stale file)"
        elif want[rel] != have[rel]:
            problem = "differs from what tsc emits from the sources"
        else:
            continue
        out.append(
            Finding(rule="TS005", severity=Severity.ERROR, message=f"{shown} {problem}", file=shown)
        )
    return out


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        f.relative_to(folder).as_posix(): f.read_bytes()
        for f in sorted(folder.rglob("*"))
        if f.is_file()
    }


def fixtures(programs: Programs, pkg: Path, work: Path) -> list[Finding]:
    """TS004: the typed fixtures (a value of every type, every example value, a sample call
    of every operation, every error, the exact type of every field) compile."""
    return programs.run(pkg, "tsconfig.fixtures.json", "TS004", pkg, work)
