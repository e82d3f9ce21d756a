"""Gates of the rust target: cargo check, cargo test --no-run, the serde feature, coverage."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from specloom.findings import Finding, Severity
from specloom.model import Spec

from ..clausedocs import missing_clauses

if TYPE_CHECKING:
    from .target import RustTarget

DEBIAN_REGISTRY = Path("/usr/share/cargo/registry")
_DIAG = re.compile(
    r"^(?P<file>[^:\s][^:]*):(?P<line>\d+):(?P<col>\d+): (?P<msg>(error|warning).*)$"
)
_CLAUSES_LINE = re.compile(r"^\s*///\s*Clauses: (.*)$")
_TICKED = re.compile(r"`([^`]+)`")


def find_cargo() -> Path | None:
    """`cargo` on PATH or in ~/.cargo/bin, else None."""
    found = shutil.which("cargo")
    if found:
        return Path(found)
    home = Path.home() / ".cargo" / "bin" / "cargo"
    return home if home.is_file() else None


def debian_serde_available(registry: Path = DEBIAN_REGISTRY) -> bool:
    """True when Debian's crate sources hold serde and serde_derive (librust-serde-*-dev)."""
    if not registry.is_dir():
        return False
    names = {p.name.rsplit("-", 1)[0] for p in registry.iterdir()}
    return {"serde", "serde_derive", "syn", "quote", "proc-macro2"} <= names


def doc_clauses(root: Path) -> set[str]:
    """Clause ids listed on `/// Clauses:` lines of the crate's sources."""
    found: set[str] = set()
    for f in sorted(root.rglob("*.rs")):
        if "target" in f.relative_to(root).parts:
            continue
        for line in f.read_text(encoding="utf-8").splitlines():
            m = _CLAUSES_LINE.match(line)
            if m:
                found |= set(_TICKED.findall(m.group(1)))
    return found


def clause_near(path: Path, line: int) -> str | None:
    """The first clause of the nearest `/// Clauses:` line at or above `line`."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()[:line]
    except OSError:
        return None
    for text in reversed(lines):
        m = _CLAUSES_LINE.match(text)
        if m:
            ids = _TICKED.findall(m.group(1))
            return ids[0] if ids else None
    return None


def coverage(spec: Spec, root: Path) -> list[Finding]:
    """RS002: every clause an interface item names is listed in a doc comment."""
    return missing_clauses(
        spec, doc_clauses(root), "RS002", "is not named in a doc comment of the generated crate"
    )


def _strip_serde(cargo_toml: Path) -> None:
    """Drop the optional serde dependency (no registry: it cannot even be resolved)."""
    lines = cargo_toml.read_text(encoding="utf-8").splitlines()
    kept = [
        "serde = []" if ln.startswith("serde = [") else ln
        for ln in lines
        if not ln.startswith("serde = {")
    ]
    cargo_toml.write_text("\n".join(kept) + "\n", encoding="utf-8")


def assemble(target: RustTarget, spec: Spec, root: Path, work: Path, *, serde: bool) -> Path:
    """The crate and the crates of its imports laid out as published: `work/<id>/rust`.

    With `serde`, a `.cargo/config.toml` in `work` replaces crates.io by Debian's crate
    sources (never in ~/.cargo); without, the optional serde dependency is removed from
    the copies so that cargo can resolve the crate offline.
    """
    for dep in [*target.ctx.workspace.dependencies(spec.id), spec.id]:
        crate = work / dep / "rust"
        if dep == spec.id:
            shutil.copytree(
                root,
                crate,
                ignore=shutil.ignore_patterns("target", "Cargo.lock"),
                copy_function=shutil.copy,  # fresh mtimes: cargo must not reuse a stale build
            )
        else:
            for f in target.generate(target.ctx.workspace.specs[dep]):
                dest = crate / f.path
                dest.parent.mkdir(parents=True, exist_ok=True)
                dest.write_bytes(f.data)
        if not serde:
            _strip_serde(crate / "Cargo.toml")
    if serde:
        cfg = work / ".cargo" / "config.toml"
        cfg.parent.mkdir(parents=True)
        cfg.write_text(
            '[source.crates-io]\nreplace-with = "debian"\n\n'
            f'[source.debian]\ndirectory = "{DEBIAN_REGISTRY.as_posix()}"\n\n'
            "[net]\noffline = true\n",
            encoding="utf-8",
        )
    return work / spec.id / "rust"


def run_cargo(
    cargo: Path, crate: Path, args: list[str], rule: str, target_dir: Path, what: str
) -> list[Finding]:
    """Run cargo in `crate`; each error diagnostic becomes an error finding of `rule`."""
    cargo, target_dir = cargo.absolute(), target_dir.absolute()  # cargo runs in `crate`
    env = dict(os.environ, CARGO_TARGET_DIR=str(target_dir), CARGO_TERM_COLOR="never")
    proc = subprocess.run(
        [str(cargo), *args, "--offline", "--message-format", "short", "--quiet"],
        cwd=crate,
        capture_output=True,
        text=True,
        env=env,
        timeout=1800,
    )
    if proc.returncode == 0:
        return []
    out: list[Finding] = []
    for raw in proc.stderr.splitlines():
        m = _DIAG.match(raw.strip())
        if m is None or not m["msg"].startswith("error"):
            continue
        path = (crate / m["file"]).resolve()
        try:
            shown = path.relative_to(crate.resolve()).as_posix()
        except ValueError:
            shown = m["file"]
        out.append(
            Finding(
                rule=rule,
                severity=Severity.ERROR,
                message=f"{what}: {m['msg']}",
                file=shown,
                line=int(m["line"]),
                clause=clause_near(path, int(m["line"])),
            )
        )
    if not out:
        tail = proc.stderr.strip()[-2000:]
        out.append(
            Finding(
                rule=rule,
                severity=Severity.ERROR,
                message=f"{what} failed (exit {proc.returncode}): {tail}",
            )
        )
    return out


def run_gates(target: RustTarget, spec: Spec, root: Path) -> list[Finding]:
    """All gates; a missing cargo or missing Debian crates give `skipped` warnings."""
    from .target import RustConfig

    findings = coverage(spec, root)
    cargo = find_cargo()
    if cargo is None:
        findings.append(
            Finding(
                rule="RS001",
                severity=Severity.WARNING,
                message="skipped: cargo not found (install a Rust toolchain; see "
                "scripts/setup.sh); the crate was not compiled",
            )
        )
        return findings
    assert isinstance(target.config, RustConfig)
    serde = debian_serde_available()
    target_dir = target.ctx.cache_dir / "rust-target"
    target_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="specloom-rs-") as tmp:
        crate = assemble(target, spec, root, Path(tmp), serde=serde)
        main = run_cargo(cargo, crate, ["check"], "RS001", target_dir, "cargo check")
        findings += main
        if main:
            return findings
        if (crate / "tests").is_dir():
            findings += run_cargo(
                cargo, crate, ["test", "--no-run"], "RS003", target_dir, "cargo test --no-run"
            )
        if not target.config.check_serde:
            findings.append(
                Finding(
                    rule="RS004",
                    severity=Severity.INFO,
                    message="skipped: the serde feature check is turned off (check_serde)",
                )
            )
        elif not serde:
            findings.append(
                Finding(
                    rule="RS004",
                    severity=Severity.WARNING,
                    message="skipped: Debian's serde crates are not installed under "
                    f"{DEBIAN_REGISTRY} (run scripts/setup.sh); `--features serde` was not "
                    "checked",
                )
            )
        else:
            findings += run_cargo(
                cargo,
                crate,
                ["check", "--features", "serde"],
                "RS004",
                target_dir,
                "cargo check --features serde",
            )
    return findings
