"""How the gates run tsc: the native compiler the npm launcher would exec (same diagnostics,
same emitted bytes), and passing programs reused by their bytes, never on a changed byte."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from specloom.targets.typescript import TypeScriptTarget, compiled, tsc
from specloom.targets.typescript import gates as ts_gates

from specloom.findings import Severity
from specloom.model import Workspace
from specloom.parse import load_workspace
from specloom.target import BuildContext

LAUNCHER = ts_gates.find_tsc()
needs_tsc = pytest.mark.skipif(LAUNCHER is None, reason="tsc not installed")
CONFIGS = ("tsconfig.json", "tsconfig.fixtures.json", "tsconfig.test.json")
SEEDED = {
    "src/types.ts": 'export const seededPackage: number = "not a number";\n',
    "fixtures/fixtures.ts": "const seededFixture: string = 42;\nexport { seededFixture };\n",
    "test/conformance.ts": "export const seededTest: boolean = null;\n",
}
"""A type error in a file of each of the package's three programs."""


@pytest.fixture(scope="module")
def workspace(specs_dir: Path) -> Workspace:
    return load_workspace(specs_dir)


def layout(ws: Workspace, tmp: Path, seeded: bool) -> Path:
    """billing's package and its import laid out as the gate does, @types linked."""
    assert LAUNCHER is not None
    target = TypeScriptTarget(BuildContext(workspace=ws, output_dir=tmp, cache_dir=tmp / "c"))
    spec = ws.spec("billing")
    root = tmp / "published"
    for f in target.generate(spec):
        dest = root / f.path
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(f.data)
    if seeded:
        for rel, text in SEEDED.items():
            with (root / rel).open("a", encoding="utf-8") as fh:
                fh.write(text)
    work = ts_gates.assemble(target, spec, root, tmp / "work")
    types = ts_gates.node_types_dir(LAUNCHER)
    assert types is not None, "@types/node is missing: run scripts/setup.sh"
    (work / "node_modules" / "@types").symlink_to(types, target_is_directory=True)
    return work


def run_all(command: list[str], work: Path) -> list[tuple[int, str]]:
    """Every program of common and billing, in the gate's order: exit code and output."""
    out = []
    jobs = [work / "common" / "typescript" / "tsconfig.json"]
    jobs += [work / "billing" / "typescript" / c for c in CONFIGS]
    for config in jobs:
        proc = subprocess.run(
            [*command, "-p", str(config), "--pretty", "false"],
            capture_output=True,
            text=True,
            cwd=config.parent,
            timeout=300,
        )
        out.append((proc.returncode, (proc.stdout + proc.stderr).replace(str(work), "<work>")))
    return out


def emitted(work: Path) -> dict[str, bytes]:
    return {
        p.relative_to(work).as_posix(): p.read_bytes()
        for p in sorted(work.rglob("*"))
        if p.is_file() and "dist" in p.relative_to(work).parts
    }


@needs_tsc
def test_the_native_compiler_is_the_one_the_launcher_execs() -> None:
    assert LAUNCHER is not None
    exe = tsc.native_tsc(LAUNCHER)
    assert exe != LAUNCHER, "the npm launcher of TypeScript 7 should resolve to its native tsc"
    assert exe.parent.parent.name.startswith("typescript-")
    launched = subprocess.run([str(LAUNCHER), "--version"], capture_output=True, text=True)
    native = subprocess.run([str(exe), "--version"], capture_output=True, text=True)
    assert launched.stdout == native.stdout and native.stdout.startswith("Version 7.")
    assert tsc.tsc_version(str(LAUNCHER)) == native.stdout.strip().removeprefix("Version ")
    assert tsc.tsc_command(LAUNCHER) == [str(exe.absolute()), "--singleThreaded"]


def test_anything_else_called_tsc_is_run_as_found(tmp_path: Path) -> None:
    script = tmp_path / "bin" / "tsc"
    script.parent.mkdir()
    script.write_text("#!/bin/sh\necho Version 5.9.3\n")
    script.chmod(0o755)
    assert tsc.native_tsc(script) == script
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "getExePath.js").write_text("")
    (tmp_path / "package.json").write_text('{"name": "typescript", "version": "5.9.3"}')
    assert tsc.native_tsc(script) == script  # TypeScript 5 is JavaScript: no native binary
    assert tsc.tsc_command(script) == [str(script)]  # and no --singleThreaded


@needs_tsc
@pytest.mark.parametrize("seeded", [False, True], ids=["clean", "seeded-errors"])
def test_the_gates_command_gives_the_launchers_diagnostics_and_emitted_bytes(
    workspace: Workspace, tmp_path: Path, seeded: bool
) -> None:
    assert LAUNCHER is not None
    via_launcher = layout(workspace, tmp_path / "a", seeded)
    via_native = layout(workspace, tmp_path / "b", seeded)
    a = run_all([str(LAUNCHER)], via_launcher)
    b = run_all(tsc.tsc_command(LAUNCHER), via_native)
    assert a == b
    if seeded:  # each program reports its own seeded error, and only the package's ones
        assert [code != 0 for code, _ in a] == [False, True, True, True]
        assert a[1][1].startswith("src/types.ts(") and "TS2322" in a[1][1]
        assert "fixtures/fixtures.ts(" in a[2][1] and "test/conformance.ts(" in a[3][1]
    else:
        assert [code for code, _ in a] == [0, 0, 0, 0]
    assert emitted(via_launcher) == emitted(via_native)
    assert any(k.endswith("dist/test/conformance.js") for k in emitted(via_native))


def programs(work: Path, cache: Path, reuse: bool = True) -> compiled.Programs:
    assert LAUNCHER is not None
    return compiled.programs_for(LAUNCHER, cache, reuse, ts_gates.node_types_dir(LAUNCHER))


def compile_billing(p: compiled.Programs, work: Path) -> list[list[str]]:
    """common's package, then billing's three programs; the messages of each."""
    common, billing = work / "common" / "typescript", work / "billing" / "typescript"
    p.package_key(common, [])
    out = [[f.message for f in p.run(common, "tsconfig.json", "TS001", work, work)]]
    p.package_key(billing, [common])
    for config in CONFIGS:
        out.append([f.message for f in p.run(billing, config, "TS001", work, work)])
    return out


@needs_tsc
def test_a_passing_program_is_reused_by_its_bytes_and_recompiled_on_any_change(
    workspace: Workspace, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    first = layout(workspace, tmp_path / "1", seeded=False)
    p1 = programs(first, cache)
    assert compile_billing(p1, first) == [[], [], [], []]
    assert (p1.compiled, p1.reused) == (4, 0)
    # the same bytes in another folder: nothing compiled, the emitted files put back
    again = layout(workspace, tmp_path / "2", seeded=False)
    p2 = programs(again, cache)
    assert compile_billing(p2, again) == [[], [], [], []]
    assert (p2.compiled, p2.reused) == (0, 4)
    assert emitted(again) == emitted(first)
    # one byte of the imported package changed (a comment): it and everything importing it
    # compile again
    changed = layout(workspace, tmp_path / "3", seeded=False)
    api = changed / "common" / "typescript" / "src" / "api.ts"
    api.write_text(api.read_text(encoding="utf-8") + "// one more comment\n", encoding="utf-8")
    p3 = programs(changed, cache)
    assert compile_billing(p3, changed) == [[], [], [], []]
    assert (p3.compiled, p3.reused) == (4, 0)
    # `--force` (reuse off): every program compiles although all passed before
    p4 = programs(first, cache, reuse=False)
    compile_billing(p4, layout(workspace, tmp_path / "4", seeded=False))
    assert (p4.compiled, p4.reused) == (4, 0)


@needs_tsc
def test_a_failing_program_is_never_kept(workspace: Workspace, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    for n in (1, 2):
        work = layout(workspace, tmp_path / str(n), seeded=True)
        p = programs(work, cache)
        found = compile_billing(p, work)
        assert found[0] == [] and all(found[1:]), found
        # common passed and is kept; billing's three failing programs compile every time
        assert (p.compiled, p.reused) == ((4, 0) if n == 1 else (3, 1))


@needs_tsc
def test_the_gate_fails_a_type_error_after_the_clean_package_was_reused(
    workspace: Workspace, tmp_path: Path
) -> None:
    """The gate's own path: a warm cache from a clean build, then a published source with a
    type error (same spec, same everything else) fails TS001."""
    ctx = BuildContext(workspace=workspace, output_dir=tmp_path, cache_dir=tmp_path / "cache")
    target = TypeScriptTarget(ctx)
    spec = workspace.spec("billing")
    root = tmp_path / "staging"
    for f in target.generate(spec):
        (root / f.path).parent.mkdir(parents=True, exist_ok=True)
        (root / f.path).write_bytes(f.data)
    assert [f for f in ts_gates.run_gates(target, spec, root) if f.severity is Severity.ERROR] == []
    shutil.rmtree(root / "dist")
    with (root / "src" / "types.ts").open("a", encoding="utf-8") as fh:
        fh.write(SEEDED["src/types.ts"])
    found = [f for f in ts_gates.run_gates(target, spec, root) if f.severity is Severity.ERROR]
    assert [(f.rule, f.file) for f in found] == [("TS001", "src/types.ts")]


@needs_tsc
def test_force_reads_nothing_from_the_kept_runs(specs_dir: Path, tmp_path: Path) -> None:
    """A plain build restores what a kept run emitted; `--force` compiles instead. Shown by
    poisoning every kept file: the plain rebuild would ship the poison, the forced one not."""
    from specloom.config import Config
    from specloom.pipeline.build import BuildRequest, run_build
    from specloom.pipeline.runner_local import make_local_executor

    shutil.copytree(specs_dir, tmp_path / "specs")
    out, cache = tmp_path / "output", tmp_path / "cache"

    def build(force: bool) -> str:
        req = BuildRequest(
            paths=[tmp_path / "specs"],
            output=out,
            cache_dir=cache,
            targets=["typescript"],
            force=force,
            only_specs={"billing"},
        )
        res = run_build(req, make_local_executor(1), config=Config(root=tmp_path))
        assert [r.status for r in res.rows if r.spec == "billing"] == ["built"], res.rows
        return (out / "billing" / "typescript" / "dist" / "index.d.ts").read_text()

    assert "poisoned" not in build(force=False)
    kept = list((cache / "typescript" / "tsc").glob("*/*/emitted/dist/index.d.ts"))
    assert kept
    for f in kept:
        f.write_text(f.read_text() + "// poisoned\n")
    assert "poisoned" not in build(force=True)
    assert all("poisoned" not in f.read_text() for f in kept if f.is_file())  # rewritten


@needs_tsc
def test_kept_incremental_state_never_hides_an_error(workspace: Workspace, tmp_path: Path) -> None:
    """A noEmit program checked in fresh folders with tsc's incremental state carried over:
    clean, then a type error in one file (reported), then clean again (passes)."""
    assert LAUNCHER is not None
    state = tmp_path / "state" / "tsbuildinfo"
    results = []
    for n, seeded in enumerate([False, True, False]):
        work = layout(workspace, tmp_path / str(n), seeded=False)
        pkg = work / "billing" / "typescript"
        p = programs(work, tmp_path / "cache")
        compile_billing(p, work)  # common and the package's dist, as the tutorial has them
        if seeded:
            with (pkg / "test" / "conformance.ts").open("a", encoding="utf-8") as fh:
                fh.write(SEEDED["test/conformance.ts"])
        (pkg / "tsconfig.check.json").write_text(
            '{"extends": "./tsconfig.test.json", "compilerOptions": {"noEmit": true,'
            f' "incremental": true, "tsBuildInfoFile": "{compiled.BUILD_INFO}"}}}}\n'
        )
        with compiled.kept_build_info(pkg, state, reuse=True):
            proc = tsc.tsc_process(LAUNCHER, pkg / "tsconfig.check.json")
        results.append((proc.returncode, "test/conformance.ts(" in proc.stdout))
        assert state.is_file()
    assert results == [(0, False), (1, True), (0, False)]


@needs_tsc
def test_only_the_most_recently_used_runs_are_kept(
    workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(compiled, "KEEP", 2)
    cache = tmp_path / "cache"
    work = layout(workspace, tmp_path / "1", seeded=False)
    p = programs(work, cache)
    assert compile_billing(p, work) == [[], [], [], []]
    kept = sorted(ok.parent.name for ok in (cache / "typescript" / "tsc").glob("*/*/ok"))
    billing = work / "billing" / "typescript"
    newest = sorted(p.program_key(billing, c) for c in CONFIGS[1:])  # fixtures, then suite
    assert kept == newest
