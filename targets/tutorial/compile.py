"""Extract the tutorial's code blocks and compile them against freshly generated stubs."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from filelock import FileLock

from specloom.errors import SpecloomError
from specloom.findings import Finding, Severity, not_run
from specloom.model import Spec
from specloom.target import BuildContext
from specloom.tools import missing_hint

from .lesson import has_interface

_FENCE = re.compile(r"^(?P<fence>`{3,}|~{3,})(?P<lang>[\w+-]*)\s*$")
_TSC_DIAG = re.compile(
    r"^(?P<file>[^()\s][^()]*)\((?P<line>\d+),(?P<col>\d+)\): error (?P<msg>.*)$"
)
_RUST_DIAG = re.compile(r"^(?P<file>[^:\s]+\.rs):(?P<line>\d+):(?P<col>\d+): error(?P<msg>.*)$")


Files = dict[str, list[tuple[int, str]]]
"""A project as the tutorial shows it: path -> [(tutorial line, text)], blocks in order."""

FILE_MARK = "// file: "
FILE_MARKS = (FILE_MARK, "# file: ")
"""The first line of a block that is a project file: `//` in TypeScript and Rust, `#` in
Python (each language's `file_mark`)."""
DEFAULT_FILE = {"ts": "src/tutorial.ts", "rust": "src/tutorial.rs", "python": "tutorial.py"}
"""Where a block with no `// file:` first line goes (the template never writes one)."""


@dataclass
class Block:
    """One fenced code block of the tutorial."""

    lang: str
    line: int
    """Tutorial line (1-based) of the opening fence."""
    lines: list[str] = field(default_factory=list)

    @property
    def path(self) -> str | None:
        """The project file the block is, from its `// file: <path>` (or `# file: <path>`)
        first line."""
        for mark in FILE_MARKS:
            if self.lines and self.lines[0].startswith(mark):
                return self.lines[0][len(mark) :].strip()
        return None


def blocks(markdown: str) -> list[Block]:
    """Every fenced code block, in order."""
    out: list[Block] = []
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
        out.append(Block(lang, i + 1, lines[i + 1 : j]))
        i = j + 1
    return out


def project_files(found: list[Block], lang: str) -> Files:
    """The blocks of one language as project files; blocks naming the same file append."""
    files: Files = {}
    for b in found:
        if b.lang != lang:
            continue
        path = b.path or DEFAULT_FILE.get(lang, f"tutorial.{lang}")
        body = files.setdefault(path, [])
        for k, text in enumerate(b.lines):
            body.append((b.line + 1 + k, text))
        body.append((b.line + len(b.lines) + 1, ""))
    return files


def _text(body: list[tuple[int, str]]) -> str:
    return "\n".join(text for _, text in body) + "\n"


def _write_files(files: Files, dest: Path) -> None:
    for path, body in files.items():
        p = dest / path
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(_text(body), encoding="utf-8")


def _skipped(rule: str, why: str, fix: str = "see `specloom doctor`") -> Finding:
    return not_run(rule, f"{why}; the tutorial's code was not compiled", fix=fix)


def _no_code(rule: str, language: str, tutorial: str) -> Finding:
    return Finding(
        rule=rule,
        severity=Severity.ERROR,
        file=tutorial,
        message=f"the tutorial has no {language} code block: nothing of it can be compiled",
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
    out: str, regex: re.Pattern[str], files: Files, lang: str, rule: str, tutorial: str
) -> list[Finding]:
    """Compiler diagnostics in the tutorial's files, pointed at the tutorial's lines."""
    findings = []
    for raw in out.splitlines():
        m = regex.match(raw.strip())
        if m is None:
            continue
        diag = m.group("file").replace("\\", "/")
        path = next((p for p in files if diag == p or diag.endswith("/" + p)), None)
        if path is None:
            continue
        n = int(m.group("line"))
        body = files[path]
        line = body[n - 1][0] if 0 < n <= len(body) else None
        findings.append(
            Finding(
                rule=rule,
                severity=Severity.ERROR,
                file=tutorial,
                line=line,
                message=f"{lang} code block ({path}) does not compile: "
                f"{m.group('msg').strip(': ')}",
            )
        )
    return findings


def compile_typescript(
    ctx: BuildContext, spec: Spec, files: Files, tutorial: str, rule: str
) -> list[Finding]:
    """tsc (strict) on the tutorial's TypeScript files, against the typescript target's package."""
    if not files:
        # a spec with nothing to implement has no code to show: nothing is left uncompiled
        return [] if not has_interface(spec) else [_no_code(rule, "TypeScript", tutorial)]
    try:
        from ..typescript import TypeScriptTarget
        from ..typescript.compiled import BUILD_INFO, kept_build_info, programs_for
        from ..typescript.gates import assemble, compile_imports, find_tsc, node_types_dir
        from ..typescript.tsc import tsc_command
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
        # The user's project has @types/node (its calls print with `console`), and the
        # conformance suite its test module imports needs it too.
        types = node_types_dir(tsc)
        if types is None:
            return [_skipped(rule, "@types/node not found next to tsc")]
        (work / "stubs" / "node_modules" / "@types").symlink_to(types)
        # The stub packages compile as the typescript target's gates compile them: a
        # package whose bytes passed before (in that target's job too) is not compiled again.
        programs = programs_for(tsc, ctx.cache_dir, ctx.reuse, types)
        stubs = work / "stubs"
        failed = compile_imports(
            programs, ctx.workspace, spec.id, stubs, "generated package of", rule
        )
        if failed is not None:
            return [failed]
        own = stubs / spec.id / "typescript"
        programs.package_key(
            own, [stubs / d / "typescript" for d in ctx.workspace.dependencies(spec.id)]
        )
        configs = ["tsconfig.json"] + (
            ["tsconfig.test.json"] if (own / "tsconfig.test.json").is_file() else []
        )
        for config in configs:
            errs = programs.run(own, config, rule, work, work)
            if errs:
                return [
                    Finding(
                        rule=rule,
                        severity=Severity.ERROR,
                        message="the generated "
                        f"package of {spec.id} does not compile: {errs[0].message}",
                    )
                ]
        outside = sorted(p for p in files if not p.startswith("src/"))
        tut = work / "stubs" / "tutorial"
        tut.mkdir()
        _write_files(files, tut)
        (tut / "package.json").write_text('{"type": "module", "private": true}\n')
        (tut / "tsconfig.json").write_text(
            '{"compilerOptions": {"target": "es2022", "lib": ["es2022"], "module": "nodenext",'
            ' "moduleResolution": "nodenext", "strict": true, "noEmit": true, "types": ["node"],'
            f' "incremental": true, "tsBuildInfoFile": "{BUILD_INFO}"}},'
            ' "include": ["src/**/*.ts"]'
            + (f', "files": {json.dumps(outside)}' if outside else "")
            + "}\n"
        )
        # tsc's own incremental state, kept per spec: after a clause edit only the files
        # whose text (or whose imports' text) changed are checked again.
        state = ctx.cache_dir / "typescript" / "tutorial" / spec.id / "tsbuildinfo"
        with kept_build_info(tut, state, ctx.reuse):
            proc = subprocess.run(
                [*tsc_command(tsc), "-p", "tsconfig.json", "--pretty", "false"],
                cwd=tut,
                capture_output=True,
                text=True,
                timeout=600,
                check=False,
            )
        if proc.returncode == 0:
            return []
        out = proc.stdout + proc.stderr
        found = _diag_findings(out, _TSC_DIAG, files, "TypeScript", rule, tutorial)
        return found or [
            Finding(
                rule=rule,
                severity=Severity.ERROR,
                file=tutorial,
                message=f"tsc failed on the tutorial's code: {out[:1500]}",
            )
        ]


def compile_rust(
    ctx: BuildContext, spec: Spec, files: Files, tutorial: str, rule: str, project: str
) -> list[Finding]:
    """`cargo check --tests --offline` on the tutorial's Rust files, as the user's crate
    `project` with path dependencies on the rust target's crates."""
    if not files:
        # a spec with nothing to implement has no code to show: nothing is left uncompiled
        return [] if not has_interface(spec) else [_no_code(rule, "Rust", tutorial)]
    try:
        from ..rust import RustTarget
        from ..rust.gates import crate_home, find_cargo, sync_tree
        from ..rust.signatures import crate_name, package_name
    except ImportError:
        return [_skipped(rule, "the rust target is not installed")]
    cargo = find_cargo(ctx.tools)
    if cargo is None:
        return [_skipped(rule, f"cargo not found ({missing_hint('cargo')})")]
    target = RustTarget(ctx)
    # A stable folder per spec under the cache (not a temporary one): files are synced, so
    # cargo's fingerprints reuse the stub crates' compilation from one build to the next.
    home = crate_home(ctx.cache_dir, spec.id, "tutorial")
    home.mkdir(parents=True, exist_ok=True)
    with FileLock(str(home / ".lock")):
        work = home / "work"
        deps = []
        for dep in [*ctx.workspace.dependencies(spec.id), spec.id]:
            try:
                stubs = {f.path: f.data for f in target.generate(ctx.workspace.specs[dep])}
            except SpecloomError as exc:
                return [_no_stubs(rule, "Rust", exc)]
            sync_tree(stubs, work / dep / "rust")
            deps.append(
                f'{crate_name(dep)} = {{ path = "../{dep}/rust", package = "{package_name(dep)}" }}'
            )
        crate = work / "tutorial"
        manifest = (
            f'[package]\nname = "{project}"\nversion = "0.0.0"\nedition = "2021"\n'
            "publish = false\n\n[workspace]\n\n[dependencies]\n" + "\n".join(deps) + "\n"
        )
        tree = {path: _text(body).encode("utf-8") for path, body in files.items()}
        lib = tree.get("src/lib.rs", b"")
        if "src/tutorial.rs" in files:
            lib += b"\nmod tutorial;\n"
        tree["src/lib.rs"] = lib
        # Exactly the project's files: a stale file of an earlier tutorial must not compile.
        shutil.rmtree(crate / "src", ignore_errors=True)
        shutil.rmtree(crate / "tests", ignore_errors=True)
        sync_tree({"Cargo.toml": manifest.encode(), **tree}, crate)
        env = dict(os.environ, CARGO_TARGET_DIR=str(home / "target"), CARGO_TERM_COLOR="never")
        proc = subprocess.run(
            [
                str(Path(cargo).absolute()),
                *("check", "--tests", "--offline", "--quiet", "--message-format", "short"),
            ],
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
        found = _diag_findings(out, _RUST_DIAG, files, "Rust", rule, tutorial)
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


_MYPY_DIAG = re.compile(r"^(?P<file>[^:\s]+\.py):(?P<line>\d+):(?:\d+:)? error: (?P<msg>.*)$")


def compile_python(
    ctx: BuildContext, spec: Spec, files: Files, tutorial: str, rule: str
) -> list[Finding]:
    """`mypy --strict` on the tutorial's Python files as the user's project, with the python
    target's packages (this spec and its imports, generated from the IR) on MYPYPATH."""
    if not files:
        return [] if not has_interface(spec) else [_no_code(rule, "Python", tutorial)]
    try:
        from ..python import PythonTarget
        from ..python.gates import find_mypy
    except ImportError:
        return [_skipped(rule, "the python target is not installed", "pip install specloom")]
    mypy = find_mypy(ctx.tools)
    if mypy is None:
        return [_skipped(rule, "mypy not found", "pip install 'specloom[python]'")]
    target = PythonTarget(ctx)
    with tempfile.TemporaryDirectory(prefix="specloom-tut-py-") as tmp:
        work = Path(tmp)
        paths = []
        for dep in [*ctx.workspace.dependencies(spec.id), spec.id]:
            try:
                _write(target.generate(ctx.workspace.specs[dep]), work / dep / "python")
            except SpecloomError as exc:
                return [_no_stubs(rule, "Python", exc)]
            paths.append(str(work / dep / "python" / "src"))
        project = work / "project"
        project.mkdir()
        _write_files(files, project)
        for path in files:  # every folder of the project is a package
            for parent in Path(path).parents:
                if parent != Path(".") and not (project / parent / "__init__.py").exists():
                    (project / parent / "__init__.py").write_text("")
        (work / "mypy.ini").write_text("[mypy]\nstrict = True\n")
        env = dict(os.environ, MYPYPATH=os.pathsep.join(paths), PYTHONDONTWRITEBYTECODE="1")
        cache = ctx.cache_dir / "mypy"
        cache.mkdir(parents=True, exist_ok=True)
        proc = subprocess.run(
            [
                *mypy,
                "--config-file",
                str(work / "mypy.ini"),
                "--cache-dir",
                str(cache),
                "--no-color-output",
                "--no-error-summary",
                *sorted(files),
            ],
            cwd=project,
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
        if proc.returncode == 0:
            return []
        out = proc.stdout + proc.stderr
        found = _diag_findings(out, _MYPY_DIAG, files, "Python", rule, tutorial)
        if found:
            return found
        return [
            Finding(
                rule=rule,
                severity=Severity.ERROR,
                file=tutorial,
                message=f"mypy failed on the tutorial's Python code: {out.strip()[-1500:]}",
            )
        ]
