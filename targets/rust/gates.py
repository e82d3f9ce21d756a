"""Gates of the rust target: cargo check, cargo test --no-run, the serde feature, coverage."""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

from filelock import FileLock

from specloom.findings import Finding, Severity, not_run, turned_off
from specloom.model import Spec
from specloom.tools import ToolLookup, missing_hint

from ..checkfiles import restore_check_files
from ..clausedocs import carried_clauses, item_clause_findings
from ..constvalues import constant_findings
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


def constants(spec: Spec, root: Path) -> list[Finding]:
    """RS006: each constant's literal in the source equals the spec's value."""
    carried = rs_items.read_items(root, service_name(spec))
    return constant_findings(spec, carried, rs_items.source_name, rs_items.parse_literal, "RS006")


def covered(spec: Spec, root: Path) -> set[str]:
    """The clause ids the generated items carry (the report's coverage)."""
    return carried_clauses(spec, rs_items.read_items(root, service_name(spec)))


def _strip_serde(data: bytes) -> bytes:
    """Drop the optional serde dependency (no registry: it cannot even be resolved)."""
    lines = data.decode("utf-8").splitlines()
    kept = [
        "serde = []" if ln.startswith("serde = [") else ln
        for ln in lines
        if not ln.startswith("serde = {")
    ]
    return ("\n".join(kept) + "\n").encode("utf-8")


KEEP = ("target", "Cargo.lock")
"""What cargo leaves in a crate folder; kept across syncs, never copied from the published tree."""


def sync_tree(files: dict[str, bytes], dest: Path) -> int:
    """Make `dest` hold exactly `files` (plus cargo's own leftovers); returns files written.

    Unchanged files are not rewritten, so their modification times stay and cargo's
    fingerprints reuse the previous compilation; a changed file gets a new mtime, so cargo
    recompiles it (a stale build is never reused).
    """
    written = 0
    for name, data in files.items():
        path = dest / name
        if path.is_file() and path.read_bytes() == data:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        written += 1
    if dest.is_dir():
        for path in sorted(dest.rglob("*"), reverse=True):
            rel = path.relative_to(dest)
            if rel.parts[0] in KEEP or rel.as_posix() in files:
                continue
            if path.is_file() or path.is_symlink():
                path.unlink()
            elif path.is_dir() and not any(path.iterdir()):
                path.rmdir()
    return written


def _published(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.relative_to(root).parts[0] not in KEEP
    }


CHECK_FILES = {
    "tests/fixtures.rs": "RS005",
    "tests/conformance.rs": "RS003",
    "src/conformance.rs": "RS003",
}
"""Files that hold the crate's checks, each with the gate that compiles it."""


def assemble(target: RustTarget, spec: Spec, root: Path, work: Path, *, serde: bool) -> Path:
    """The crate and the crates of its imports laid out as published: `work/<id>/rust`.

    `work` is stable across builds (see `crate_home`): files are synced, not copied, so
    cargo reuses what did not change. With `serde`, a `.cargo/config.toml` in `work`
    replaces crates.io by Debian's crate sources (never in ~/.cargo); without, any optional
    serde dependency is removed from the copies so that cargo can resolve them offline.
    """
    for dep in [*target.ctx.workspace.dependencies(spec.id), spec.id]:
        if dep == spec.id:
            files = _published(root)
        else:
            files = {f.path: f.data for f in target.generate(target.ctx.workspace.specs[dep])}
        if not serde and "Cargo.toml" in files:
            files["Cargo.toml"] = _strip_serde(files["Cargo.toml"])
        sync_tree(files, work / dep / "rust")
    cfg = work / ".cargo" / "config.toml"
    if serde:
        text = (
            '[source.crates-io]\nreplace-with = "debian"\n\n'
            f'[source.debian]\ndirectory = "{DEBIAN_REGISTRY.as_posix()}"\n\n'
            "[net]\noffline = true\n"
        )
        if not cfg.is_file() or cfg.read_text(encoding="utf-8") != text:
            cfg.parent.mkdir(parents=True, exist_ok=True)
            cfg.write_text(text, encoding="utf-8")
    elif cfg.exists():
        cfg.unlink()
    return work / spec.id / "rust"


def crate_home(cache_dir: Path, spec_id: str, flavour: str) -> Path:
    """The stable folder the gates check a spec's crate in: `<cache>/rust/<spec>/<flavour>`.

    One per spec (so parallel builds of different specs never share a cargo lock) and per
    flavour (`plain`, `serde`: the two checks run at once without touching each other's
    files); its `target/` holds cargo's incremental cache for exactly that crate.
    """
    return cache_dir / "rust" / spec_id / flavour


def run_cargo(
    cargo: Path,
    crate: Path,
    args: list[str],
    rule: str,
    target_dir: Path,
    what: str,
    by_file: Mapping[str, tuple[str, str]] | None = None,
    *,
    incremental: bool = True,
) -> list[Finding]:
    """Run cargo in `crate`; each error diagnostic becomes an error finding of `rule`, or of
    the (rule, what) `by_file` gives the diagnostic's file (one run checking several
    targets: each error is its own gate's).

    `incremental=False` (a `--force` build: nothing is reused) compiles without rustc's
    incremental cache: a cold compile without it takes about a fifth less time (1,000
    types: 3.2 -> 2.6 s), and a forced build would not read it anyway."""
    cargo, target_dir = cargo.absolute(), target_dir.absolute()  # cargo runs in `crate`
    env = dict(os.environ, CARGO_TARGET_DIR=str(target_dir), CARGO_TERM_COLOR="never")
    if not incremental:
        env["CARGO_INCREMENTAL"] = "0"
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
        here, told = (by_file or {}).get(shown, (rule, what))
        out.append(
            Finding(
                rule=here,
                severity=Severity.ERROR,
                message=f"{told}: {m['msg']}",
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


FIXTURES = "tests/fixtures.rs"
CHECK_ARGS = ["check", "--lib", "--test", "fixtures"]
"""RS001 and RS005 in one cargo run: `cargo check` of the library, and `cargo check --test
fixtures` of the typed fixtures (a value of every type, every example value, a sample call
of every operation, every error, and the documented derives of every type).

Everything RS005 proves is a fact of types and trait bounds, which type and borrow checking
decide; the fixtures are never run, so building them (code generation and debug info of
the whole crate in the test profile) proved nothing more, and crashed rustc on a chain of
8,000 nested types. The fixtures test depends on the library: when the library has an
error cargo does not check the fixtures, so a broken crate gives RS001 findings only, as
when the two ran one after the other; an error in `tests/fixtures.rs` is RS005's."""


def check_crate(
    cargo: Path, crate: Path, target_dir: Path, *, incremental: bool = True
) -> list[Finding]:
    """RS001 (the library) and RS005 (the fixtures), by the file of each error."""
    fixtures = ("RS005", "cargo check --test fixtures")
    return run_cargo(
        cargo,
        crate,
        CHECK_ARGS,
        "RS001",
        target_dir,
        "cargo check",
        by_file={FIXTURES: fixtures},
        incremental=incremental,
    )


def _check(
    target: RustTarget, spec: Spec, root: Path, cargo: Path, flavour: str, serde: bool
) -> list[Finding]:
    """One flavour of the crate, under its own lock: `plain` puts the spec's check files in
    place (reporting published ones that differ), then runs RS001, then RS005 and RS003
    (the fixtures and the suite compile only if the crate does); `serde` runs RS004."""
    home = crate_home(target.ctx.cache_dir, spec.id, flavour)
    home.mkdir(parents=True, exist_ok=True)
    with FileLock(str(home / ".lock")):
        crate = assemble(target, spec, root, home / "work", serde=serde)
        if flavour == "serde":
            return run_cargo(
                cargo,
                crate,
                ["check", "--features", "serde"],
                "RS004",
                home / "target",
                "cargo check --features serde",
                incremental=target.ctx.reuse,
            )
        # The checks the gate runs come from the IR, never from the published copy.
        found = restore_check_files(target.generate(spec), root, crate, CHECK_FILES)
        checked = check_crate(cargo, crate, home / "target", incremental=target.ctx.reuse)
        found += checked
        if any(f.rule == "RS001" for f in checked):  # the suite compiles only if the crate does
            return found
        if (crate / "tests" / "conformance.rs").is_file():
            found += run_cargo(
                cargo,
                crate,
                ["test", "--no-run", "--test", "conformance"],
                "RS003",
                home / "target",
                "cargo test --no-run --test conformance",
                incremental=target.ctx.reuse,
            )
        return found


def run_gates(target: RustTarget, spec: Spec, root: Path) -> list[Finding]:
    """All gates; a missing cargo, or missing Debian crates with serde on, give `not_run`
    findings (never a pass).

    With serde on, the plain check (RS001, RS003) and the serde check (RS004) run at once,
    each in its own stable crate folder with its own cargo target folder.
    """
    findings = coverage(spec, root) + constants(spec, root)
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
    if not target.serde(spec):
        off = turned_off("RS004", "serde = false: the crate holds no serde code to check")
        return findings + _check(target, spec, root, cargo, "plain", serde=False) + [off]
    if not debian_serde_available():
        findings += _check(target, spec, root, cargo, "plain", serde=False)
        findings.append(
            not_run(
                "RS004",
                f"Debian's serde crates are not installed under {DEBIAN_REGISTRY}; "
                "`--features serde` was not checked",
                fix="install librust-serde-dev librust-serde-derive-dev "
                "librust-serde-json-dev (see `specloom doctor`)",
            )
        )
        return findings
    with ThreadPoolExecutor(max_workers=2) as pool:
        plain = pool.submit(_check, target, spec, root, cargo, "plain", True)
        serde = pool.submit(_check, target, spec, root, cargo, "serde", True)
        return findings + plain.result() + serde.result()
