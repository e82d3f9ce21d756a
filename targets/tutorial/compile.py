"""Extract the tutorial's code blocks and compile them against freshly generated stubs."""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from specloom.errors import SpecloomError
from specloom.findings import Finding, Severity
from specloom.model import Spec
from specloom.target import BuildContext
from specloom.tools import missing_hint

_FENCE = re.compile(r"^(?P<fence>`{3,}|~{3,})(?P<lang>[\w+-]*)\s*$")
_TSC_DIAG = re.compile(
    r"^(?P<file>[^()\s][^()]*)\((?P<line>\d+),(?P<col>\d+)\): error (?P<msg>.*)$"
)
_RUST_DIAG = re.compile(r"^(?P<file>[^:\s]+\.rs):(?P<line>\d+):(?P<col>\d+): error(?P<msg>.*)$")


@dataclass
class Program:
    """Code blocks of one language joined in order, with a map back to tutorial lines."""

    lang: str
    lines: list[str] = field(default_factory=list)
    origin: list[int] = field(default_factory=list)
    """Tutorial line (1-based) of each program line."""
    blocks: int = 0

    @property
    def text(self) -> str:
        return "\n".join(self.lines) + "\n"

    def tutorial_line(self, line: int) -> int | None:
        return self.origin[line - 1] if 0 < line <= len(self.origin) else None


def extract(markdown: str, langs: tuple[str, ...]) -> dict[str, Program]:
    """Every fenced block whose language is in `langs`, joined per language in order."""
    programs = {lang: Program(lang) for lang in langs}
    lines = markdown.split("\n")
    i = 0
    while i < len(lines):
        m = _FENCE.match(lines[i])
        if m is None:
            i += 1
            continue
        fence, lang = m.group("fence"), m.group("lang")
        j = i + 1
        while j < len(lines) and lines[j].strip() != fence:
            j += 1
        if lang in programs:
            prog = programs[lang]
            prog.blocks += 1
            for k in range(i + 1, j):
                prog.lines.append(lines[k])
                prog.origin.append(k + 1)
            prog.lines.append("")
            prog.origin.append(j + 1)
        i = j + 1
    return programs


def _skipped(rule: str, why: str) -> Finding:
    return Finding(
        rule=rule,
        severity=Severity.WARNING,
        message=f"skipped: {why}; the tutorial's code was not compiled",
    )


def _no_stubs(rule: str, language: str, exc: SpecloomError) -> Finding:
    """The stubs cannot be generated: the spec is at fault (the stub target says the same)."""
    return Finding(
        rule=rule,
        severity=Severity.ERROR,
        file=exc.file,
        line=exc.line,
        message=f"the {language} stubs cannot be generated, so the tutorial's code cannot be "
        f"compiled: {exc.message}" + (f" (fix: {exc.hint})" if exc.hint else ""),
    )


def _write(files: list[Any], dest: Path) -> None:
    for f in files:
        p = dest / f.path
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(f.data)


def _diag_findings(
    out: str, regex: re.Pattern[str], wanted: str, prog: Program, rule: str, tutorial: str
) -> list[Finding]:
    findings = []
    for raw in out.splitlines():
        m = regex.match(raw.strip())
        if m is None or not m.group("file").endswith(wanted):
            continue
        line = prog.tutorial_line(int(m.group("line")))
        findings.append(
            Finding(
                rule=rule,
                severity=Severity.ERROR,
                file=tutorial,
                line=line,
                message=f"{prog.lang} code block does not compile: {m.group('msg').strip(': ')}",
            )
        )
    return findings


def compile_typescript(
    ctx: BuildContext, spec: Spec, prog: Program, tutorial: str, rule: str
) -> list[Finding]:
    """tsc (strict) on the tutorial's TypeScript, against the typescript target's package."""
    try:
        from ..typescript import TypeScriptTarget
        from ..typescript.gates import assemble, find_tsc, node_types_dir, run_tsc
    except ImportError:
        return [_skipped(rule, "the typescript target is not installed")]
    tsc = find_tsc(ctx.tools)
    if tsc is None:
        return [_skipped(rule, f"tsc not found ({missing_hint('tsc')})")]
    target = TypeScriptTarget(ctx)
    with tempfile.TemporaryDirectory(prefix="specloom-tut-ts-") as tmp:
        work = Path(tmp)
        pkg = work / "_pkg"
        try:
            _write(target.generate(spec), pkg)
            assemble(target, spec, pkg, work / "stubs")
        except SpecloomError as exc:
            return [_no_stubs(rule, "TypeScript", exc)]
        configs = [
            work / "stubs" / d / "typescript" / "tsconfig.json"
            for d in ctx.workspace.dependencies(spec.id)
        ]
        configs.append(work / "stubs" / spec.id / "typescript" / "tsconfig.json")
        suite = work / "stubs" / spec.id / "typescript" / "tsconfig.test.json"
        if suite.is_file():  # the conformance suite the tutorial's test module imports
            types = node_types_dir(tsc)
            if types is None:
                return [_skipped(rule, "@types/node not found next to tsc (see `specloom doctor`)")]
            (work / "stubs" / "node_modules" / "@types").symlink_to(types)
            configs.append(suite)
        for config in configs:
            dep = config.parent.parent.name
            errs = run_tsc(tsc, config, rule, work, work)
            if errs:
                return [
                    Finding(
                        rule=rule,
                        severity=Severity.ERROR,
                        message="the generated "
                        f"package of {dep} does not compile: {errs[0].message}",
                    )
                ]
        tut = work / "stubs" / "tutorial"
        tut.mkdir()
        (tut / "package.json").write_text('{"type": "module", "private": true}\n')
        (tut / "tutorial.ts").write_text(prog.text, encoding="utf-8")
        (tut / "tsconfig.json").write_text(
            '{"compilerOptions": {"target": "es2022", "lib": ["es2022"], "module": "nodenext",'
            ' "moduleResolution": "nodenext", "strict": true, "noEmit": true, "types": []},'
            ' "files": ["tutorial.ts"]}\n'
        )
        proc = subprocess.run(
            [str(tsc), "-p", "tsconfig.json", "--pretty", "false"],
            cwd=tut,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        if proc.returncode == 0:
            return []
        out = proc.stdout + proc.stderr
        found = _diag_findings(out, _TSC_DIAG, "tutorial.ts", prog, rule, tutorial)
        return found or [
            Finding(
                rule=rule,
                severity=Severity.ERROR,
                file=tutorial,
                message=f"tsc failed on the tutorial's code: {out[:1500]}",
            )
        ]


def compile_rust(
    ctx: BuildContext, spec: Spec, prog: Program, tutorial: str, rule: str
) -> list[Finding]:
    """`cargo check --offline` on the tutorial's Rust, as a crate using the rust target's crates."""
    try:
        from ..rust import RustTarget
        from ..rust.gates import find_cargo
        from ..rust.signatures import crate_name, package_name
    except ImportError:
        return [_skipped(rule, "the rust target is not installed")]
    cargo = find_cargo(ctx.tools)
    if cargo is None:
        return [_skipped(rule, f"cargo not found ({missing_hint('cargo')})")]
    target = RustTarget(ctx)
    with tempfile.TemporaryDirectory(prefix="specloom-tut-rs-") as tmp:
        work = Path(tmp)
        deps = []
        for dep in [*ctx.workspace.dependencies(spec.id), spec.id]:
            try:
                _write(target.generate(ctx.workspace.specs[dep]), work / dep / "rust")
            except SpecloomError as exc:
                return [_no_stubs(rule, "Rust", exc)]
            deps.append(
                f'{crate_name(dep)} = {{ path = "../{dep}/rust", package = "{package_name(dep)}" }}'
            )
        crate = work / "tutorial"
        (crate / "src").mkdir(parents=True)
        (crate / "Cargo.toml").write_text(
            '[package]\nname = "specloom-tutorial"\nversion = "0.0.0"\nedition = "2021"\n'
            "publish = false\n\n[workspace]\n\n[dependencies]\n" + "\n".join(deps) + "\n"
        )
        (crate / "src" / "lib.rs").write_text(prog.text, encoding="utf-8")
        env = dict(os.environ, CARGO_TARGET_DIR=str(work / "target"), CARGO_TERM_COLOR="never")
        proc = subprocess.run(
            [str(cargo), "check", "--tests", "--offline", "--quiet", "--message-format", "short"],
            cwd=crate,
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
        if proc.returncode == 0:
            return []
        out = proc.stdout + proc.stderr
        found = _diag_findings(out, _RUST_DIAG, "lib.rs", prog, rule, tutorial)
        if found:
            return found
        return [
            Finding(
                rule=rule,
                severity=Severity.ERROR,
                file=tutorial,
                message=f"cargo check failed on the tutorial's code: {out[-1500:]}",
            )
        ]
