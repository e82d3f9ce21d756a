"""Recording the no-op stamp (specloom.pipeline.noop) around a build: its input fingerprint
before the build reads anything, and after it, when the full check would skip every target,
the rows, reports and output state a no-op build would give."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from specloom.errors import SpecloomError
from specloom.findings import Finding, is_not_run
from specloom.model import Workspace
from specloom.pipeline import noop
from specloom.pipeline.check import specs_named
from specloom.pipeline.manifest import read_manifest
from specloom.pipeline.plan import Job, PlanEntry, is_fresh, plugin_code_roots
from specloom.pipeline.report import TargetRow, report_files
from specloom.target import Target

if TYPE_CHECKING:
    from specloom.pipeline.build import BuildRequest, BuildResult

Began = tuple[noop.Request, dict[str, Any]]


def begin_stamp(req: BuildRequest, paths: list[Path], output: Path, cache: Path) -> Began | None:
    """The no-op stamp's request and its input fingerprint, taken before parsing (see
    specloom.pipeline.noop); None for a build that cannot get one."""
    if req.changed_since is not None or req.only_specs is not None:
        return None
    home = cache.resolve()
    if any(home == p or home in p.parents for p in (output.resolve(), *map(Path.resolve, paths))):
        return None  # `--staged`/`--committed` build a checkout under the cache: no stamp
    nreq = noop.request_of(
        req.paths, req.output, req.cache_dir, req.targets, req.backend, req.strict
    )
    try:
        began = noop.begin(nreq, [_spec_root(p) for p in paths], output, cache)
    except OSError:
        return None
    return None if began is None else (nreq, began)


def _spec_root(path: Path) -> Path:
    """The folder the loader may read for `path`: a folder of specs itself; for one spec,
    the folder holding it and its siblings (its imports are looked up there)."""
    from specloom.parse.spec import SPEC_FILE, locate_spec
    from specloom.parse.workspace import is_spec_path

    try:
        if not (path.exists() and is_spec_path(path)):
            return path
        loc = locate_spec(path)
    except (OSError, SpecloomError):
        return path
    return loc.file.parent.parent if loc.file.name == SPEC_FILE else loc.file.parent


@dataclass
class StampContext:
    ws: Workspace
    spec_ids: list[str]
    spec_dirs: dict[str, Path]
    classes: list[type[Target]]
    findings: list[Finding]
    output: Path


def end_stamp(
    stamp: Began,
    ctx: StampContext,
    plan: list[PlanEntry],
    planned: dict[tuple[str, str], tuple[Target, Job]],
    result: BuildResult,
) -> None:
    """Record the no-op stamp when the full check would now skip every target (checked
    again here, on the manifests as written); forget it otherwise."""
    from specloom.pipeline.build import BuildResult

    nreq, began = stamp
    try:
        rows = _noop_rows(ctx, plan, planned) if result.exit_code == 0 else None
    except OSError:  # (an output that cannot be read again: no stamp, the build stands)
        rows = None
    if rows is None:
        noop.forget(nreq)
        return
    noop_result = BuildResult(
        rows=rows,
        check=ctx.findings,
        warnings=result.warnings,
        output=result.output,
        left_out=result.left_out,
    )
    doc = noop_result.as_dict()
    doc.pop("seconds")
    reports = {
        sid: report_files(
            sid,
            [r for r in rows if r.spec == sid],
            [f for f in ctx.findings if f.file is None or sid in specs_named(ctx.ws, f)],
            result.warnings,
        )
        for sid in ctx.spec_ids
    }
    published = {sid: [r.target for r in rows if r.spec == sid] for sid in ctx.spec_ids}
    table = [[r.spec, r.target, r.status, f"{r.seconds:.2f}", r.gate_summary()] for r in rows]
    roots = sorted({root for cls in ctx.classes for root in plugin_code_roots(cls)})
    ext: set[str] = set()
    for (sid, _), (t, _) in planned.items():
        found = t.external_inputs(ctx.ws.specs[sid])
        if found is None:  # a target cannot pin down what it read: no stamp
            noop.forget(nreq)
            return
        ext.update(str(p) for p in found)
    noop.record(nreq, began, roots, ctx.output, published, doc, table, reports, sorted(ext))


def _noop_rows(
    ctx: StampContext,
    plan: list[PlanEntry],
    planned: dict[tuple[str, str], tuple[Target, Job]],
) -> list[TargetRow] | None:
    """The rows the next build would report if nothing changed: every target skipped as
    up to date; None when the full check would rebuild any of them."""
    declared = {c.name: list(c.gate_ids) for c in ctx.classes}
    rows: list[TargetRow] = []
    for sid in ctx.spec_ids:
        manifest = read_manifest(ctx.spec_dirs[sid])
        for e in (p for p in plan if p.spec_id == sid):
            t, job = planned[(sid, e.target)]
            if manifest is None or e.action == "blocked":
                return None
            # a target skipped now was found fresh under the same lock, and this build wrote
            # nothing of it; a target built now is checked again on what was written
            if (
                e.action != "skip"
                and not is_fresh(manifest, ctx.spec_dirs[sid], t, job.input_hash, job.inputs)[0]
            ):
                return None
            rec = manifest.targets[e.target]
            if job.strict and any(is_not_run(g) for g in rec.gates):
                return None
            rows.append(
                TargetRow(
                    sid,
                    e.target,
                    "skipped",
                    "up to date",
                    gates=rec.gates,
                    covered=rec.covered_clauses,
                    clauses_total=len(ctx.ws.specs[sid].clauses),
                    grades=rec.grades,
                    gate_ids=declared.get(e.target, []),
                )
            )
    return rows
