"""The build as a flat pipeline: load, check, plan, run jobs (any runner), record, report."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from specloom import __version__
from specloom.config import Config, LintConfig, load_config
from specloom.errors import BuildError, ConfigError
from specloom.findings import Finding, is_not_run
from specloom.model import Workspace
from specloom.pipeline.check import blocked_specs, blocked_targets, run_check, specs_named
from specloom.pipeline.job import target_record
from specloom.pipeline.lock import lock_outputs
from specloom.pipeline.manifest import (
    Manifest,
    TargetRecord,
    read_manifest,
    recorded_folders,
    update_manifest,
)
from specloom.pipeline.ownership import claim
from specloom.pipeline.paths import check_name
from specloom.pipeline.plan import (
    Job,
    JobResult,
    PlanEntry,
    code_files,
    input_parts,
    is_fresh,
    make_target,
    parts_hash,
    with_order,
)
from specloom.pipeline.publish import clean_leftovers, complete_interrupted, ensure_dir
from specloom.pipeline.registry import TargetInfo, available_targets, resolve_targets
from specloom.pipeline.report import TargetRow, write_reports
from specloom.pipeline.stamp import StampContext, begin_stamp, end_stamp
from specloom.pipeline.timeline import Span, Timeline
from specloom.target import Target

Progress = Callable[[str, str, str, str], None]
"""progress(spec, target, status, detail): status is planned/running/built/failed/..."""
Checker = Callable[[Workspace, LintConfig, Path], tuple[list[Finding], list[str]]]
"""Runs the check step: (workspace, lint config, cache folder) -> (findings, warnings)."""
Executor = Callable[[list[Job], Callable[[JobResult], None]], list[JobResult]]
"""Runs jobs (in any order, concurrently or not) and calls back as each one finishes."""


@dataclass
class BuildRequest:
    """What to build and where: the CLI, the Prefect flow and the tests all fill this in."""

    paths: list[Path] = field(default_factory=list)
    """Spec folders, spec files or workspaces; empty means the configured `specs/`."""
    output: Path | None = None
    """The output root; None means the configured `output/`."""
    cache_dir: Path | None = None
    targets: list[str] | None = None
    """Target names; None means every registered target."""
    force: bool = False
    backend: str | None = None
    """template or openai; None means the config's `backend` (default template)."""
    wait: bool = True
    """Wait for another build's lock (True) or fail with exit code 3 (False)."""
    only_specs: set[str] | None = None
    """Restrict to these spec ids; None means every spec found."""
    changed_since: str | None = None
    """`--changed --since REF`: only specs changed since REF, plus the specs importing them."""
    strict: bool = False
    """`--strict`: a gate that could not run is an error (also `strict_gates = true`)."""
    started: float | None = None
    """When the process started (`time.time()`), for the timeline; None: when `run_build`
    began."""


@dataclass
class BuildResult:
    """Every (spec, target) row, the check findings and warnings, and the exit code."""

    rows: list[TargetRow] = field(default_factory=list)
    check: list[Finding] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    output: Path = Path("output")
    seconds: float = 0.0
    left_out: list[str] = field(default_factory=list)
    """Default targets not built because their extra is not installed."""
    timeline: Timeline | None = None
    """When each step and job ran (`--format json` shows it)."""

    @property
    def exit_code(self) -> int:
        """1 when any target failed or was blocked, else 0."""
        return 1 if any(r.status in {"failed", "blocked"} for r in self.rows) else 0

    def as_dict(self) -> dict[str, Any]:
        """The `--format json` document (`ok` is false when a gate could not run)."""
        return {
            "ok": self.exit_code == 0 and all(r.gates_ok for r in self.rows),
            "specloom_version": __version__,
            "output": self.output.as_posix(),
            "seconds": round(self.seconds, 3),
            "warnings": self.warnings,
            "left_out": self.left_out,
            "check": [f.as_dict() for f in self.check],
            "targets": [r.as_dict() for r in self.rows],
            **({"timeline": self.timeline.as_dict()} if self.timeline is not None else {}),
        }


def load_workspaces(paths: list[Path]) -> Workspace:
    """Parse every path and merge them into one workspace (dependencies first)."""
    from specloom.parse import load_workspace

    if len(paths) == 1:
        return load_workspace(paths[0])
    merged = Workspace(root=paths[0].as_posix() if paths else ".")
    seen: list[str] = []
    for p in paths:
        ws = load_workspace(p)
        merged.specs.update(ws.specs)
        seen += [s for s in ws.order if s not in seen]
    # each order is dependencies-first, their concatenation need not be: sort again
    done: list[str] = []
    visiting: set[str] = set()

    def visit(sid: str) -> None:
        if sid in done or sid in visiting or sid not in merged.specs:
            return  # (cycles are refused by the loader; never loop here)
        visiting.add(sid)
        for dep in merged.specs[sid].imports:
            visit(dep)
        done.append(sid)

    for sid in seen:
        visit(sid)
    merged.order = done
    return merged


def _check(ws: Workspace, lint: LintConfig, cache: Path) -> tuple[list[Finding], list[str]]:
    return run_check(ws, lint)


def named_specs(ws: Workspace, paths: list[Path]) -> set[str]:
    """Specs whose file lies under one of `paths` (imports loaded from elsewhere are not
    built: `specloom build specs/billing` builds billing only)."""
    roots = [p.resolve() for p in paths]
    out: set[str] = set()
    for sid, spec in ws.specs.items():
        f = Path(spec.path).resolve()
        if any(f == r or r in f.parents for r in roots):
            out.add(sid)
    return out


def as_given_from_here(path: Path) -> Path:
    """`path` relative to the current folder when it lies below it, else as it is.

    The IR keeps source paths as they were given and targets print them (the docs' source
    links), so `specloom build`, `specloom build specs/billing` and `specloom build
    $PWD/specs/billing` must name the same file the same way, or each would rebuild what
    the other built.
    """
    try:
        return path.resolve().relative_to(Path.cwd().resolve())
    except (ValueError, OSError):
        return path


def resolve_request(req: BuildRequest, config: Config) -> tuple[list[Path], Path, Path]:
    """(paths, output root, cache folder) with the config's defaults filled in."""
    root = Path(config.root)
    if root.is_absolute() and root == Path.cwd():
        root = Path()  # relative paths: the IR (and its hashes) as for `specloom build specs`
    paths = [as_given_from_here(p) for p in (req.paths or [root / config.specs])]
    output = req.output if req.output is not None else root / config.output
    cache = req.cache_dir if req.cache_dir is not None else root / ".specloom-cache"
    return paths, output, cache


def run_build(
    req: BuildRequest,
    executor: Executor,
    *,
    workspace: Workspace | None = None,
    config: Config | None = None,
    progress: Progress | None = None,
    checker: Checker | None = None,
) -> BuildResult:
    """The whole build. `workspace`/`config` may be given (tests, flows) instead of loaded."""
    started = time.perf_counter()
    timeline = Timeline(zero=req.started or time.time())
    if req.started is not None:  # the CLI's imports and argument parsing, on this thread
        timeline.add(Span("start-up", req.started, time.time(), time.thread_time()))
    step = timeline.step
    say: Progress = progress or (lambda *_: None)
    as_cli = workspace is None and config is None and checker is None
    with step("config"):
        config = config or load_config(req.paths[0] if req.paths else None)
        paths, output, cache = resolve_request(req, config)
    with step("stamp: fingerprint"):
        stamp = begin_stamp(req, paths, output, cache) if as_cli else None
    backend = req.backend or config.backend
    if backend not in ("template", "openai"):
        raise ConfigError(
            f"unknown backend {backend!r}",
            file=str(Path(config.root) / "pyproject.toml"),
            hint='set [tool.specloom] backend = "template" or "openai"',
        )
    if workspace is None:
        with step("parse"):
            from specloom.parse.cache import parse_cache

            with parse_cache(cache):
                ws = load_workspaces(paths)
    else:
        ws = workspace
    result = BuildResult(output=output, timeline=timeline)
    strict = req.strict or config.strict_gates

    named = named_specs(ws, paths) if workspace is None else set(ws.specs)
    if req.changed_since is not None:
        from specloom.pipeline.changed import changed_specs

        named &= changed_specs(
            ws, paths[0] if paths[0].is_dir() else paths[0].parent, req.changed_since
        )
    spec_ids = [
        s for s in ws.order if s in named and (req.only_specs is None or s in req.only_specs)
    ]
    for sid in spec_ids:
        check_name(sid, "spec id", file=ws.specs[sid].path)
    left_out: list[TargetInfo] = []
    with step("targets: import"):
        classes, broken = resolve_targets(req.targets, left_out)
    for info in left_out:
        result.warnings.append(f"left out: {info.reason()}")
    result.left_out = [i.name for i in left_out]
    for _name, exc in sorted(broken.items()):
        result.warnings.append(exc.message)

    lint = config.lint
    if lint.targets is None:  # the lint hooks of exactly the targets this build runs
        known = set(available_targets())  # (a class handed in by a test has no hook)
        names = [cls.name for cls in classes if cls.name in known]
        lint = lint.model_copy(update={"targets": names})
    with step("check"):
        findings, warnings = (checker or _check)(ws, lint, cache)
    result.check = findings
    result.warnings += warnings
    blocked = blocked_specs(ws, findings)
    blocked_one = blocked_targets(ws, findings)

    ensure_dir(output)
    spec_dirs = {sid: output / sid for sid in spec_ids}
    for sid, d in spec_dirs.items():
        claim(output, d, sid)  # ours, inside the output root, not through a symlink
    settings = config.settings()
    with lock_outputs(
        list(spec_dirs.values()),
        wait=req.wait,
        on_wait=lambda d: say(d.name, "*", "waiting", "locked by another build"),
    ):
        plan: list[PlanEntry] = []
        planned: dict[tuple[str, str], tuple[Target, Job]] = {}
        manifests: dict[str, Manifest | None] = {}
        with step("plan"):
            code = {cls.name: code_files(cls) for cls in classes}
            known = {cls.name for cls in classes} | set(available_targets())
            for sid in spec_ids:
                m = manifests[sid] = read_manifest(spec_dirs[sid])
                mine = set(m.targets) if m is not None else set()
                if m is not None:
                    complete_interrupted(spec_dirs[sid], recorded_folders(m))
                clean_leftovers(spec_dirs[sid], known | mine)
                for cls in classes:
                    raw = config.targets.get(cls.name, {})
                    t = make_target(cls, ws, output, cache, backend, settings, raw)
                    why = blocked_one.get((sid, t.name))
                    here = {sid: why, **blocked} if why is not None else blocked
                    parts = input_parts(t, sid, code[cls.name]) if sid not in here else {}
                    job = Job(
                        spec_id=sid,
                        target=t.name,
                        input_hash=parts_hash(t.name, parts) if parts else "",
                        inputs=parts,
                        workspace=ws,
                        output_dir=output.resolve(),  # workers (Dask) may not share our cwd
                        cache_dir=cache.resolve(),
                        backend=backend,
                        settings=settings,
                        config=raw,
                        strict=strict,
                        reuse=not req.force,
                    )
                    entry = _plan_one(t, job, spec_dirs[sid], manifests[sid], here, req.force)
                    plan.append(entry)
                    planned[(sid, t.name)] = (t, job)
            for e in plan:
                say(e.spec_id, e.target, e.action, e.reason)

            jobs = with_order(longest_first([e.job for e in plan if e.job is not None], manifests))
        done: dict[tuple[str, str], JobResult] = {}

        def finished(r: JobResult) -> None:
            done[(r.spec_id, r.target)] = r
            say(r.spec_id, r.target, r.status, r.error or "")

        for r in executor(jobs, finished):
            done[(r.spec_id, r.target)] = r
        for r in done.values():
            timeline.add(*(Span(f"{r.spec_id}/{r.target} {n}", *rest) for n, *rest in r.spans))

        with step("record and report"):
            for sid in spec_ids:
                declared = {c.name: list(c.gate_ids) for c in classes}
                rows = _record(ws, sid, spec_dirs[sid], manifests[sid], plan, done, declared)
                rows += [_broken_row(ws, sid, n, exc) for n, exc in sorted(broken.items())]
                spec_findings = [f for f in findings if _concerns(ws, sid, f)]
                write_reports(spec_dirs[sid], sid, rows, spec_findings, result.warnings)
                result.rows += rows
            if any(c.name == "docs" for c in classes):
                write_site_index(ws, output, result)
        if stamp is not None:
            with step("stamp: record"):
                ctx = StampContext(ws, spec_ids, spec_dirs, classes, findings, output)
                end_stamp(stamp, ctx, plan, planned, result)
    result.seconds = time.perf_counter() - started
    return result


def write_site_index(ws: Workspace, output: Path, result: BuildResult) -> None:
    """`output/index.html`: the workspace-wide page linking every spec's docs site."""
    import importlib

    try:  # through importlib: mypy cannot follow the package-dir mapping of specloom.targets
        docs: Any = importlib.import_module("specloom.targets.docs")
    except ImportError as exc:  # the docs target is a plugin like any other
        result.warnings.append(f"no workspace index written: {exc}")
        return
    docs.write_workspace_index(ws, output)


def longest_first(jobs: list[Job], manifests: dict[str, Manifest | None]) -> list[Job]:
    """`jobs` ordered by how long each took when it last ran, longest first (never run:
    first of all, in plan order), so that a pool of a few workers does not start the
    longest target last and wait for it alone; the reports keep the plan's order."""

    def last(job: Job) -> float:
        m = manifests.get(job.spec_id)
        rec = m.targets.get(job.target) if m is not None else None
        return float("inf") if rec is None or not rec.timings else sum(rec.timings.values())

    return sorted(jobs, key=lambda j: -last(j))  # (stable: ties keep the plan's order)


def _plan_one(
    t: Target,
    job: Job,
    spec_dir: Path,
    manifest: Manifest | None,
    blocked: dict[str, str],
    force: bool,
) -> PlanEntry:
    """Blocked, skipped (fresh, not forced) or to run, and why."""
    sid = job.spec_id
    if sid in blocked:
        return PlanEntry(sid, t.name, "blocked", blocked[sid])
    fresh, why = is_fresh(manifest, spec_dir, t, job.input_hash, job.inputs)
    rec = manifest.targets.get(t.name) if manifest else None
    if fresh and job.strict and rec is not None and any(is_not_run(g) for g in rec.gates):
        return PlanEntry(sid, t.name, "run", "strict: a gate could not run in the last build", job)
    if fresh and not force:
        return PlanEntry(sid, t.name, "skip", why)
    return PlanEntry(sid, t.name, "run", "forced" if fresh else why, job)


def _record(
    ws: Workspace,
    sid: str,
    spec_dir: Path,
    manifest: Manifest | None,
    plan: list[PlanEntry],
    done: dict[tuple[str, str], JobResult],
    declared: dict[str, list[str]],
) -> list[TargetRow]:
    """The rows of this spec; the manifest gets the spec's hash and version when a target
    was built (each job recorded its own target right after publishing it)."""
    spec = ws.specs[sid]
    total = len(spec.clauses)
    rows: list[TargetRow] = []
    built: dict[str, TargetRecord] = {}
    for e in (p for p in plan if p.spec_id == sid):
        if e.action == "blocked":
            rows.append(TargetRow(sid, e.target, "blocked", e.reason, clauses_total=total))
            continue
        if e.action == "skip":
            assert manifest is not None  # fresh means recorded
            rec = manifest.targets[e.target]
            rows.append(
                TargetRow(
                    sid,
                    e.target,
                    "skipped",
                    e.reason,
                    gates=rec.gates,
                    covered=rec.covered_clauses,
                    clauses_total=total,
                    grades=rec.grades,
                    gate_ids=declared.get(e.target, []),
                )
            )
            continue
        r = done.get((sid, e.target))
        if r is None:
            rows.append(
                TargetRow(
                    sid, e.target, "failed", "the runner returned no result", clauses_total=total
                )
            )
            continue
        secs = sum(r.timings.values())
        if r.status == "built" and r.folder is not None:
            built[e.target] = target_record(r, e.job.backend if e.job else "template")
        rows.append(
            TargetRow(
                sid,
                e.target,
                r.status,
                r.error or e.reason,
                secs,
                r.gates,
                r.covered,
                total,
                llm=r.llm_usage,
                grades=r.grades,
                gate_ids=declared.get(e.target, []),
            )
        )

    def fresh() -> Manifest:
        return Manifest(
            spec=sid, spec_hash=spec.hash, spec_version=spec.version, specloom_version=__version__
        )

    def change(m: Manifest) -> None:
        m.targets.update(built)  # (already there: each job recorded its own)
        if built:
            m.spec_hash, m.spec_version = spec.hash, spec.version
            m.specloom_version = __version__

    update_manifest(spec_dir, fresh, change)
    return rows


def _broken_row(ws: Workspace, sid: str, name: str, exc: BuildError) -> TargetRow:
    return TargetRow(sid, name, "failed", exc.message, clauses_total=len(ws.specs[sid].clauses))


def _concerns(ws: Workspace, sid: str, f: Finding) -> bool:
    return f.file is None or sid in specs_named(ws, f)
