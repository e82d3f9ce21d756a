"""Gates of the rust target: cargo check, cargo test --no-run, the serde feature, coverage."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from specloom.findings import Finding, Severity, not_run, turned_off
from specloom.model import Spec
from specloom.tools import ToolLookup, missing_hint

from ..clausedocs import carried_clauses, item_clause_findings
from . import items as rs_items
from .signatures import service_name

if TYPE_CHECKING:
    from .target import RustTarget

DEBIAN_REGISTRY = Path("/usr/share/cargo/registry")
_DIAG = re.compile(
    r"^(?P<file>[^:\s][^:]*):(?P<line>\d+):(?P<col>\d+): (?P<msg>(error|warning).*)$"
)
_CLAUSES_LINE = re.compile(r"^\s*///\s*Clauses: (.*)$")
_TICKED = re.compile(r"`([^`]+)`")


def find_cargo(tools: ToolLookup | None = None) -> Path | None:
    """`cargo` on PATH, in node_modules/.bin, as configured, or in ~/.cargo/bin (tools.py)."""
    found = (tools or ToolLookup()).find("cargo")
    return found.path if found else None


def debian_serde_available(registry: Path = DEBIAN_REGISTRY) -> bool:
    """True when Debian's crate sources hold serde and serde_derive (librust-serde-*-dev)."""
    if not registry.is_dir():
        return False
    names = {p.name.rsplit("-", 1)[0] for p in registry.iterdir()}
    return {"serde", "serde_derive", "syn", "quote", "proc-macro2"} <= names


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
    """RS002: each interface item, read back from the generated source, carries exactly the
    clause ids the spec gives it on its `/// Clauses:` line (and states each at its level)."""
    carried = rs_items.read_items(root, service_name(spec))
    return item_clause_findings(spec, carried, rs_items.source_name, "RS002", "`{cid}`")


def covered(spec: Spec, root: Path) -> set[str]:
    """The clause ids the generated items carry (the report's coverage)."""
    return carried_clauses(spec, rs_items.read_items(root, service_name(spec)))


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


def fixtures(cargo: Path, crate: Path, target_dir: Path) -> list[Finding]:
    """RS005: the typed fixtures (a value of every type, every example value) and the
    documented derives of every type compile."""
    if not (crate / "tests" / "fixtures.rs").is_file():
        return [
            Finding(
                rule="RS005",
                severity=Severity.ERROR,
                message="tests/fixtures.rs is missing: the types and derives were not exercised",
                file="tests/fixtures.rs",
            )
        ]
    return run_cargo(
        cargo,
        crate,
        ["test", "--no-run", "--test", "fixtures"],
        "RS005",
        target_dir,
        "cargo test --no-run --test fixtures",
    )


def run_gates(target: RustTarget, spec: Spec, root: Path) -> list[Finding]:
    """All gates; a missing cargo or missing Debian crates give `not_run` findings, the serde
    check turned off by config an `off` one."""
    from .target import RustConfig

    findings = coverage(spec, root)
    cargo = find_cargo(target.ctx.tools)
    if cargo is None:
        findings.append(
            not_run(
                "RS001",
                "cargo not found; the crate was not compiled",
                fix=missing_hint("cargo"),
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
        findings += fixtures(cargo, crate, target_dir)
        if (crate / "tests" / "conformance.rs").is_file():
            findings += run_cargo(
                cargo,
                crate,
                ["test", "--no-run", "--test", "conformance"],
                "RS003",
                target_dir,
                "cargo test --no-run",
            )
        if not target.config.check_serde:
            findings.append(
                turned_off("RS004", "the serde feature check is turned off (check_serde = false)")
            )
        elif not serde:
            findings.append(
                not_run(
                    "RS004",
                    f"Debian's serde crates are not installed under {DEBIAN_REGISTRY}; "
                    "`--features serde` was not checked",
                    fix="install librust-serde-dev librust-serde-derive-dev "
                    "librust-serde-json-dev (see `specloom doctor`)",
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
