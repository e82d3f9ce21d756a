"""Gates of the typescript target: strict tsc, `@see` coverage, the conformance suite compiles."""

from __future__ import annotations

import functools
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from specloom.findings import Finding, Severity, has_errors, not_run
from specloom.model import Spec
from specloom.tools import ToolLookup, missing_hint

from ..clausedocs import carried_clauses, item_clause_findings
from . import items as ts_items
from .signatures import service_name

if TYPE_CHECKING:
    from .target import TypeScriptTarget

_DIAG = re.compile(r"^(?P<file>[^()\s][^()]*)\((?P<line>\d+),(?P<col>\d+)\): error (?P<msg>.*)$")
_SEE_NEAR = re.compile(r"@see ([A-Za-z0-9_.:-]+)")


def find_tsc(tools: ToolLookup | None = None) -> Path | None:
    """`tsc` on PATH, in the project's node_modules/.bin or as configured (specloom.tools)."""
    found = (tools or ToolLookup()).find("tsc")
    return found.path if found else None


@functools.cache
def tsc_version(tsc: str) -> str:
    """`tsc --version` (`Version 7.0.2` -> `7.0.2`), once per executable and process."""
    proc = subprocess.run([tsc, "--version"], capture_output=True, text=True, timeout=60)
    return proc.stdout.strip().removeprefix("Version ") or f"unknown (exit {proc.returncode})"


def node_types_dir(tsc: Path) -> Path | None:
    """The `@types` folder next to the tsc install, when it holds `@types/node`."""
    types = tsc.resolve().parents[2] / "@types"
    return types if (types / "node").is_dir() else None


def clause_near(path: Path, line: int) -> str | None:
    """The clause of the item a line belongs to: the last `@see` at or above the line."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()[:line]
    except OSError:
        return None
    for text in reversed(lines):
        m = _SEE_NEAR.search(text)
        if m:
            return m.group(1)
    return None


def run_tsc(
    tsc: Path, config: Path, rule: str, shown_root: Path, work: Path | None = None
) -> list[Finding]:
    """Run `tsc -p config`; each diagnostic becomes an error finding of `rule`.

    Paths inside the temporary build folder `work` are shown relative to it.
    """
    tsc, config = tsc.absolute(), config.absolute()  # tsc runs in another working folder
    proc = subprocess.run(
        [str(tsc), "-p", str(config), "--pretty", "false"],
        capture_output=True,
        text=True,
        cwd=config.parent,
        timeout=600,
    )
    if proc.returncode == 0:
        return []
    out: list[Finding] = []
    for raw in (proc.stdout + proc.stderr).splitlines():
        m = _DIAG.match(raw.strip())
        if m is None:
            continue
        path = (config.parent / m["file"]).resolve()
        try:
            shown = path.relative_to(shown_root.resolve()).as_posix()
        except ValueError:
            shown = m["file"]
        out.append(
            Finding(
                rule=rule,
                severity=Severity.ERROR,
                message=f"tsc ({config.name}): " + _strip(m["msg"], work),
                file=shown,
                line=int(m["line"]),
                clause=clause_near(path, int(m["line"])),
            )
        )
    if not out:
        text = (proc.stdout + proc.stderr).strip()[:2000]
        out.append(
            Finding(
                rule=rule,
                severity=Severity.ERROR,
                message=f"tsc -p {config.name} failed (exit {proc.returncode}): {text}",
            )
        )
    return out


def _strip(text: str, work: Path | None) -> str:
    if work is None:
        return text
    return text.replace(str(work.resolve()) + "/", "").replace(str(work) + "/", "")


def coverage(spec: Spec, root: Path) -> list[Finding]:
    """TS002: each interface item, read back from the generated source, carries exactly the
    clause ids the spec gives it as `@see` tags (and states each clause at its level)."""
    carried = ts_items.read_items(root, service_name(spec))
    return item_clause_findings(spec, carried, ts_items.source_name, "TS002")


def covered(spec: Spec, root: Path) -> set[str]:
    """The clause ids the generated items carry (the report's coverage)."""
    return carried_clauses(spec, ts_items.read_items(root, service_name(spec)))


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
    findings = coverage(spec, root)
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
        ws = target.ctx.workspace
        for dep in [i for i in ws.order if (work / i / "typescript").is_dir() and i != spec.id]:
            dep_findings = run_tsc(
                tsc, work / dep / "typescript" / "tsconfig.json", "TS001", work, work
            )
            if dep_findings:
                findings.append(
                    Finding(
                        rule="TS001",
                        severity=Severity.ERROR,
                        message=f"the imported spec {dep} does not compile: "
                        + dep_findings[0].message,
                    )
                )
                return findings
        pkg = work / spec.id / "typescript"
        main = run_tsc(tsc, pkg / "tsconfig.json", "TS001", pkg, work)
        findings += main
        if main:
            return findings
        findings += fixtures(tsc, pkg, work)
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
        findings += run_tsc(tsc, test_cfg, "TS003", pkg, work)
        if not has_errors(findings):
            findings += ship_dist(target, pkg / "dist", root)
    return findings


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


def fixtures(tsc: Path, pkg: Path, work: Path) -> list[Finding]:
    """TS004: the typed fixtures (a value of every type, every example value) compile."""
    cfg = pkg / "tsconfig.fixtures.json"
    if not cfg.is_file():
        return [
            Finding(
                rule="TS004",
                severity=Severity.ERROR,
                message="tsconfig.fixtures.json is missing: the types were not exercised",
                file="tsconfig.fixtures.json",
            )
        ]
    return run_tsc(tsc, cfg, "TS004", pkg, work)
