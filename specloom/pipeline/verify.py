"""`specloom verify`: re-run the gates on what is published and report drift from the manifest."""

from __future__ import annotations

import os
import shutil
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from specloom.config import Config, load_config
from specloom.errors import BuildError
from specloom.findings import Finding, Severity, has_errors, is_not_run, strict
from specloom.model import Workspace
from specloom.pipeline import gatecache
from specloom.pipeline.build import BuildRequest, load_workspaces, named_specs, resolve_request
from specloom.pipeline.job import review
from specloom.pipeline.lock import lock_outputs
from specloom.pipeline.manifest import hash_tree, read_manifest, recorded_folders, tree_digest
from specloom.pipeline.ownership import inside_root
from specloom.pipeline.paths import check_name
from specloom.pipeline.plan import code_files, input_parts, make_target
from specloom.pipeline.publish import (
    DIGEST_HEX,
    VERIFY_PREFIX,
    complete_interrupted,
    current_folder,
    folder_digest,
)
from specloom.pipeline.registry import load_target
from specloom.pipeline.stage import remove_tree


@dataclass
class VerifyRow:
    """One published target: ok, drift (files differ from the manifest) or failed (a gate)."""

    spec: str
    target: str
    status: str
    findings: list[Finding] = field(default_factory=list)
    gate_ids: list[str] = field(default_factory=list)
    reused: bool = False
    """The gates' findings were reused (same published bytes, inputs and tools)."""

    @property
    def ok(self) -> bool:
        """Nothing failed, nothing drifted, and every gate ran."""
        return self.status == "ok" and not any(is_not_run(f) for f in self.findings)

    def as_dict(self) -> dict[str, Any]:
        """The `--format json` form."""
        from specloom.findings import gate_outcomes

        gates = [f for f in self.findings if not f.rule.startswith(("DRIFT", "INT", "VER"))]
        return {
            "spec": self.spec,
            "target": self.target,
            "status": self.status,
            "findings": [f.as_dict() for f in self.findings],
            **gate_outcomes(self.gate_ids if self.status == "ok" else [], gates),
            "reused": self.reused,
        }


def integrity(target: str, folder: str, files: dict[str, str], where: str) -> list[Finding]:
    """INT001: the version folder's name is the digest of the files it holds."""
    named = folder_digest(target, folder)
    actual = tree_digest(files)[:DIGEST_HEX]
    if named == actual:
        return []
    said = f"says {named}" if named else f"is not `.{target}-<{DIGEST_HEX} hex digest>`"
    return [
        _finding(
            "INT001",
            f"the version folder {folder} {said}, but its files digest to {actual}: the "
            "published files are not the ones that were built and gated "
            "(rebuild with specloom build --force)",
            where,
        )
    ]


def _finding(
    rule: str, message: str, file: str | None = None, severity: Severity = Severity.ERROR
) -> Finding:
    return Finding(rule=rule, severity=severity, message=message, file=file)


def drift(expected: dict[str, str], actual: dict[str, str], where: str) -> list[Finding]:
    """DRIFT001 edited, DRIFT002 added, DRIFT003 deleted files."""
    out: list[Finding] = []
    for path in sorted(set(expected) | set(actual)):
        f = f"{where}/{path}"
        if path not in actual:
            out.append(_finding("DRIFT003", "deleted since the build", f))
        elif path not in expected:
            out.append(_finding("DRIFT002", "added since the build", f))
        elif expected[path] != actual[path]:
            out.append(_finding("DRIFT001", "edited since the build (sha256 differs)", f))
    return out


def verify_target(
    ws: Workspace,
    sid: str,
    name: str,
    spec_dir: Path,
    config: Config,
    output: Path,
    cache: Path,
    *,
    strict_gates: bool = False,
    reuse: bool = True,
) -> VerifyRow:
    """Check the version folder's integrity (INT001) and compare it with its manifest record
    (DRIFT00x), then re-run its gates on a private copy (gates may write, and the published
    tree must not change). `strict_gates`: a gate that could not run is an error. `reuse`:
    take the gates' findings from the gate cache when everything they read is the same
    (`specloom.pipeline.gatecache`)."""
    manifest = read_manifest(spec_dir)
    where = f"{spec_dir.as_posix()}/{name}"
    rec = manifest.targets.get(name) if manifest else None
    if rec is None:
        return VerifyRow(
            sid, name, "failed", [_finding("DRIFT004", "not published (no manifest record)", where)]
        )
    findings: list[Finding] = []
    folder = current_folder(spec_dir, name)
    if folder is None:
        return VerifyRow(
            sid, name, "drift", [_finding("DRIFT004", "the published folder is missing", where)]
        )
    if folder != rec.folder:
        findings.append(
            _finding("DRIFT004", f"points at {folder}, the manifest at {rec.folder}", where)
        )
    actual = hash_tree(spec_dir / folder)
    findings += integrity(name, folder, actual, where)
    findings += drift(rec.files, actual, where)
    spec = ws.specs[sid]
    if manifest is not None and manifest.spec_hash != spec.hash:
        findings.append(
            _finding(
                "VER001",
                "the spec changed since this output was built; "
                "gates ran against the current spec (run specloom build)",
                spec.path,
                Severity.WARNING,
            )
        )
    status = "drift" if has_errors(findings) else "ok"
    try:
        cls = load_target(name)
    except BuildError as exc:
        findings.append(_finding("VER002", f"gates not run: {exc.message}", where))
        return VerifyRow(sid, name, "failed", findings)
    target = make_target(
        cls,
        ws,
        output.absolute(),
        cache.absolute(),
        "template",
        config.settings(),
        config.targets.get(name, {}),
        reuse=reuse,
    )
    target.ctx.mode = "verify"  # gates check what is published (TS005: dist/ must be there)
    settings = config.model_dump(mode="json", exclude={"root"})
    key = gatecache.gate_key(name, actual, input_parts(target, sid, code_files(cls)), settings)
    cached = gatecache.load(cache, sid, name, key) if reuse else None
    if cached is not None:
        gates = strict(cached) if strict_gates else cached
        if has_errors(gates):
            status = "failed"
        return VerifyRow(sid, name, status, findings + gates, list(cls.gate_ids), reused=True)
    # absolute: gates run tools (mkdocs, tsc, cargo) in other working folders
    copy = spec_dir.absolute() / f"{VERIFY_PREFIX}{name}-{os.getpid()}-{threading.get_ident()}"
    remove_tree(copy)
    try:
        shutil.copytree(spec_dir / folder, copy, symlinks=True)
        plain = target.verify(spec, copy)
        if not has_errors(plain):  # as in a build: grades only for what passed its gates
            plain += review(spec, target, copy)[1]
    finally:
        remove_tree(copy)
    if not has_errors(plain):
        gatecache.store(cache, sid, name, key, plain)  # stored before strictness applies
    gates = strict(plain) if strict_gates else plain
    findings += gates
    if has_errors(gates):
        status = "failed"
    return VerifyRow(sid, name, status, findings, list(cls.gate_ids))


def _interrupted(spec_dir: Path, name: str) -> Finding:
    return _finding(
        "VER003",
        "a killed build had recorded this version but not yet swapped the symlink to it;"
        " the swap was completed (the folder matched its record)",
        f"{spec_dir.as_posix()}/{name}",
        Severity.INFO,
    )


def run_verify(
    paths: list[Path],
    output: Path | None,
    targets: list[str] | None,
    *,
    workspace: Workspace | None = None,
    config: Config | None = None,
    strict_gates: bool = False,
    reuse: bool = True,
    jobs: int | None = None,
) -> list[VerifyRow]:
    """Verify every published target of the named specs (waits for a running build).
    Strict gates when `strict_gates` or `[tool.specloom] strict_gates = true`. The targets
    of a spec are verified at once on `jobs` threads (default min(4, CPUs)); `reuse=False`
    (`verify --force`) runs every gate, ignoring the gate cache."""
    config = config or load_config(paths[0] if paths else None)
    strict_gates = strict_gates or config.strict_gates
    paths, out, cache = resolve_request(BuildRequest(paths=paths, output=output), config)
    ws = workspace if workspace is not None else load_workspaces(paths)
    named = named_specs(ws, paths) if workspace is None else set(ws.specs)
    rows: list[VerifyRow] = []
    for sid in [s for s in ws.order if s in named]:
        spec_dir = out / check_name(sid, "spec id", file=ws.specs[sid].path)
        if spec_dir.exists() or spec_dir.is_symlink():
            inside_root(out, spec_dir)  # never read (or lock) through a symlink elsewhere
        manifest = read_manifest(spec_dir)
        if manifest is None:
            rows.append(
                VerifyRow(
                    sid,
                    "*",
                    "failed",
                    [
                        _finding(
                            "DRIFT004",
                            "nothing published (no manifest); run specloom build",
                            spec_dir.as_posix(),
                        )
                    ],
                )
            )
            continue
        names = targets or sorted(manifest.targets)
        workers = jobs or min(4, os.cpu_count() or 1)
        with lock_outputs([spec_dir]), ThreadPoolExecutor(max_workers=workers) as pool:
            manifest = read_manifest(spec_dir) or manifest
            completed = complete_interrupted(spec_dir, recorded_folders(manifest))
            runs = [
                pool.submit(
                    verify_target,
                    ws,
                    sid,
                    n,
                    spec_dir,
                    config,
                    out,
                    cache,
                    strict_gates=strict_gates,
                    reuse=reuse,
                )
                for n in names
            ]
            for n, run in zip(names, runs, strict=True):
                row = run.result()
                if n in completed:
                    row.findings.insert(0, _interrupted(spec_dir, n))
                rows.append(row)
    return rows
