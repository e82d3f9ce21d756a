"""Running tsc: where it is, the executable actually run, its identity, its diagnostics.

TypeScript 7's npm `tsc` is a Node script (`typescript/bin/tsc`) whose only work is to find
the native compiler of the platform package (`@typescript/typescript-<platform>-<arch>`)
and exec it with the same arguments. The gates run that native compiler themselves: the
same program, arguments, options and output, without a Node start per run (about 0.07 s of
CPU and 0.3 s of wall time each, against 0.04 s for compiling a small package). Anything
else called `tsc` (TypeScript 5's JavaScript compiler, a wrapper script) is run as found.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import platform
import re
import subprocess
import sys
from pathlib import Path

from specloom.findings import Finding, Severity
from specloom.tools import ToolLookup

_DIAG = re.compile(r"^(?P<file>[^()\s][^()]*)\((?P<line>\d+),(?P<col>\d+)\): error (?P<msg>.*)$")
_SEE_NEAR = re.compile(r"@see ([A-Za-z0-9_.:-]+)")
_ARCH = {"x86_64": "x64", "amd64": "x64", "aarch64": "arm64", "arm64": "arm64"}
"""`platform.machine()` -> Node's `process.arch`, for the platform package's name."""


def find_tsc(tools: ToolLookup | None = None) -> Path | None:
    """`tsc` on PATH, in the project's node_modules/.bin or as configured (specloom.tools)."""
    found = (tools or ToolLookup()).find("tsc")
    return found.path if found else None


@functools.cache
def native_tsc(tsc: Path) -> Path:
    """The executable `tsc` runs: for TypeScript >= 7's npm launcher, the native compiler it
    would exec (found as its `getExePath` finds it, by Node's module resolution from the
    `typescript` package, with the same version); `tsc` itself for anything else."""
    real = tsc.resolve()
    pkg = real.parent.parent
    if real.parent.name != "bin" or not (pkg / "lib" / "getExePath.js").is_file():
        return tsc
    meta = _package_json(pkg)
    version = str(meta.get("version", ""))
    major = version.split(".", 1)[0]
    arch = _ARCH.get(platform.machine().lower())
    if meta.get("name") != "typescript" or not major.isdigit() or int(major) < 7 or not arch:
        return tsc
    name = f"typescript-{sys.platform}-{arch}"
    exe_name = "tsc.exe" if sys.platform == "win32" else "tsc"
    here = pkg / "lib"
    for folder in [here, *here.parents]:
        if folder.name == "node_modules":
            continue
        plat = folder / "node_modules" / "@typescript" / name
        if (plat / "package.json").is_file():
            exe = plat / "lib" / exe_name
            same = _package_json(plat).get("version") == version
            return exe if same and os.access(exe, os.X_OK) else tsc
    return tsc


def _package_json(folder: Path) -> dict[str, object]:
    try:
        data = json.loads((folder / "package.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


@functools.cache
def tsc_version(tsc: str) -> str:
    """`tsc --version` (`Version 7.0.2` -> `7.0.2`), once per executable and process."""
    exe = native_tsc(Path(tsc))
    proc = subprocess.run([str(exe), "--version"], capture_output=True, text=True, timeout=60)
    return proc.stdout.strip().removeprefix("Version ") or f"unknown (exit {proc.returncode})"


@functools.cache
def tsc_identity(tsc: Path) -> str:
    """What a compilation's result depends on besides its input files: the version, the
    executable run, and the files of the compiler's folder (the bundled `lib.*.d.ts`)."""
    exe = native_tsc(tsc).resolve()
    lib = exe.parent if exe != tsc.resolve() else exe.parent.parent / "lib"
    return hashlib.sha256(
        json.dumps([tsc_version(str(tsc)), folder_identity(exe), folder_identity(lib)]).encode()
    ).hexdigest()


@functools.cache
def folder_identity(path: Path) -> str:
    """A file or folder tree by each file's path, size and modification time (an upgrade
    or an edit changes them), once per process."""
    parts: list[object] = [str(path)]
    files = sorted(path.rglob("*")) if path.is_dir() else [path]
    for p in files:
        if p.is_file():
            st = p.stat()
            parts.append([p.relative_to(path).as_posix(), st.st_size, st.st_mtime_ns])
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()


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


def tsc_command(tsc: Path) -> list[str]:
    """The command line's start: the native compiler, single-threaded.

    The native compiler type-checks with four checkers by default, each building its own
    view of the global types; for these small programs that only duplicates work
    (`tsconfig.test.json` with `@types/node`: 0.54 -> 0.36 s of CPU, measured), and a build
    already runs two jobs on two cores. `--singleThreaded` changes how, not what, it
    checks: the same diagnostics and emitted bytes (tests/targets/test_typescript_tsc.py)."""
    exe = native_tsc(tsc)
    if exe == tsc:
        return [str(tsc.absolute())]  # not TypeScript 7's native compiler: no such option
    return [str(exe.absolute()), "--singleThreaded"]


def tsc_process(tsc: Path, config: Path) -> subprocess.CompletedProcess[str]:
    """`tsc -p config --pretty false`, run in the config's folder (the native compiler)."""
    config = config.absolute()  # tsc runs in another working folder
    return subprocess.run(
        [*tsc_command(tsc), "-p", str(config), "--pretty", "false"],
        capture_output=True,
        text=True,
        cwd=config.parent,
        timeout=600,
    )


def run_tsc(
    tsc: Path, config: Path, rule: str, shown_root: Path, work: Path | None = None
) -> list[Finding]:
    """Run `tsc -p config`; each diagnostic becomes an error finding of `rule`.

    Paths inside the temporary build folder `work` are shown relative to it.
    """
    config = config.absolute()
    proc = tsc_process(tsc, config)
    return tsc_findings(proc, config, rule, shown_root, work)


def tsc_findings(
    proc: subprocess.CompletedProcess[str],
    config: Path,
    rule: str,
    shown_root: Path,
    work: Path | None = None,
) -> list[Finding]:
    """The findings of a finished `tsc -p config` run (none when it passed)."""
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
