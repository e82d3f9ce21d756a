"""`specloom build`: plan, check, generate, verify and publish, with progress and a summary."""

from __future__ import annotations

import json
import os
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

import typer

from specloom.cli.buildview import print_replay, table
from specloom.cli.entry import STARTED

if TYPE_CHECKING:  # rich and the pipeline load only when a build runs (start-up time)
    from rich.console import Console
    from rich.progress import TaskID
    from rich.table import Table

    from specloom.pipeline.build import BuildRequest, BuildResult


class Runner(StrEnum):
    """Which runner drives the pipeline."""

    local = "local"
    prefect = "prefect"


class TaskRunnerName(StrEnum):
    """Prefect task runner: threads in the flow process, or a Dask cluster."""

    thread = "thread"
    dask = "dask"


class Backend(StrEnum):
    """Generation backend (BuildContext.backend)."""

    template = "template"
    openai = "openai"


class OutputFormat(StrEnum):
    """Human table or machine JSON."""

    text = "text"
    json = "json"


def default_runner() -> Runner:
    """`prefect` when PREFECT_API_URL is set, else `local`."""
    return Runner.prefect if os.environ.get("PREFECT_API_URL") else Runner.local


class ProgressView:
    """On stderr: one line per spec (a bar over its targets) and one per target (its state)."""

    LABEL: ClassVar[dict[str, str]] = {"run": "running", "skip": "skipped", "blocked": "blocked"}

    def __init__(self, console: Console) -> None:
        from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn

        self.progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.completed}/{task.total}"),
            console=console,
            transient=False,
        )
        self.specs: dict[str, TaskID] = {}
        self.targets: dict[tuple[str, str], TaskID] = {}

    def __call__(self, spec: str, target: str, status: str, detail: str) -> None:
        if spec not in self.specs:
            self.specs[spec] = self.progress.add_task(spec, total=0)
        sid = self.specs[spec]
        if status == "waiting":
            self.progress.update(sid, description=f"{spec}: waiting ({detail})")
            return
        if status in self.LABEL:  # planned
            total = self.progress.tasks[sid].total or 0
            self.progress.update(sid, total=total + 1, description=spec)
            done = status != "run"
            self.targets[(spec, target)] = self.progress.add_task(
                f"  {target}: {self.LABEL[status]}", total=1, completed=int(done)
            )
            if done:
                self.progress.advance(sid)
        elif status in {"built", "failed"}:
            tid = self.targets.get((spec, target))
            if tid is not None:
                self.progress.update(tid, description=f"  {target}: {status}", completed=1)
            self.progress.advance(sid)


def summary_table(result: BuildResult) -> Table:
    """spec, target, status, time, gates."""
    cells = [
        [r.spec, r.target, r.status, f"{r.seconds:.2f}", r.gate_summary()] for r in result.rows
    ]
    return table(result.output.as_posix(), result.seconds, cells)


def run(
    req: BuildRequest,
    runner: Runner,
    task_runner: TaskRunnerName,
    dask_address: str | None,
    jobs: int | None,
    quiet: bool,
) -> BuildResult:
    """Run the build with the chosen runner, showing progress on stderr unless quiet (then
    rich is not even imported: a `--format json` build is timed by the benchmarks)."""
    if runner is Runner.prefect:
        from specloom.pipeline.runner_prefect import run_prefect

        if quiet:
            return run_prefect(req, task_runner.value, dask_address, None)
        view = _progress_view()
        with view.progress:
            return run_prefect(req, task_runner.value, dask_address, view)
    from specloom.pipeline.build import run_build
    from specloom.pipeline.runner_local import make_local_executor

    executor = make_local_executor(jobs)
    if quiet:
        return run_build(req, executor)
    view = _progress_view()
    with view.progress:
        return run_build(req, executor, progress=view)


def _progress_view() -> ProgressView:
    from rich.console import Console

    return ProgressView(Console(stderr=True))


def _report(result: BuildResult, fmt: OutputFormat) -> None:
    """Print the build's result: JSON, or warnings, the summary table and what failed."""
    if fmt is OutputFormat.json:
        typer.echo(json.dumps(result.as_dict(), indent=2, sort_keys=True))
    else:
        from rich.console import Console  # lazily: start-up time (issue 14)
        from rich.markup import escape

        out = Console(highlight=False, soft_wrap=True)
        for w in result.warnings:
            out.print(f"[yellow]warning:[/] {escape(w)}", markup=True)
        if not result.rows:
            out.print("nothing to build (no spec selected)")
        else:
            out.print(summary_table(result))
        for r in result.rows:
            if r.status == "built":  # every rebuild names what changed
                out.print(f"{r.spec}/{r.target} built: {r.reason}", markup=False)
        print_problems(out, result)


def _watch(
    req: BuildRequest,
    runner: Runner,
    task_runner: TaskRunnerName,
    dask_address: str | None,
    jobs: int | None,
) -> None:
    """Rebuild on every save of the specs or the config, one line per rebuild."""
    from specloom.config import find_config_file, load_config
    from specloom.pipeline.watch import watch_and_rebuild

    config = load_config(req.paths[0] if req.paths else None)
    watched = list(req.paths) or [Path(config.root) / config.specs]
    cfg_file = find_config_file(Path.cwd())
    if cfg_file is not None:
        watched.append(cfg_file)
    watch_and_rebuild(
        watched,
        lambda: run(req, runner, task_runner, dask_address, jobs, quiet=True),
        lambda line: print(line, flush=True),
    )


def register(app: typer.Typer) -> None:
    """Add `specloom build` to the app."""

    @app.command("build")
    def build(
        paths: list[Path] = typer.Argument(
            None, help="Spec folders, spec files or workspaces (default: the configured specs/)."
        ),
        target: list[str] = typer.Option(
            None, "--target", "-t", help="Build only this target (repeatable); default: all."
        ),
        force: bool = typer.Option(False, "--force", help="Rebuild even if up to date."),
        output: Path = typer.Option(None, "--output", "-o", help="Output root (default output/)."),
        fmt: OutputFormat = typer.Option(OutputFormat.text, "--format", help="text or json."),
        runner: Runner = typer.Option(
            None, "--runner", help="local, or prefect (default when PREFECT_API_URL is set)."
        ),
        task_runner: TaskRunnerName = typer.Option(
            TaskRunnerName.thread, "--task-runner", help="Prefect runner only: thread or dask."
        ),
        dask_address: str = typer.Option(
            None,
            "--dask-address",
            help="With --task-runner dask: a scheduler address "
            "(default: a temporary LocalCluster).",
        ),
        backend: Backend = typer.Option(
            None, "--backend", help="template or openai (default: \\[tool.specloom] backend)."
        ),
        changed: bool = typer.Option(
            False, "--changed", help="Only specs changed since --since, plus their dependents."
        ),
        since: str = typer.Option("HEAD", "--since", help="Git ref for --changed."),
        no_wait: bool = typer.Option(
            False, "--no-wait", help="Fail (exit 3) instead of waiting for another build's lock."
        ),
        jobs: int = typer.Option(None, "--jobs", "-j", help="Local runner: targets at once."),
        cache_dir: Path = typer.Option(None, "--cache-dir", help="Cache folder (LLM, audio)."),
        watch: bool = typer.Option(
            False, "--watch", help="After the build, rebuild on every save (one line each)."
        ),
        strict: bool = typer.Option(
            False,
            "--strict",
            help="A gate that could not run (a tool missing) is an error: nothing unchecked "
            "is published (also \\[tool.specloom] strict_gates = true).",
        ),
        staged: bool = typer.Option(
            False,
            "--staged",
            help="Build what is staged for commit (the index, checked out under the cache)"
            " into a temporary output: nothing is published. The pre-commit hook runs this.",
        ),
        committed: bool = typer.Option(
            False,
            "--committed",
            help="Build HEAD's tree (checked out under the cache) into the output: publish"
            " what was committed. The post-commit hook runs this.",
        ),
        rev: str = typer.Option(
            None,
            "--rev",
            help="Build the tree of this commit (checked out under the cache) into a temporary"
            " output: nothing is published; with --changed only the specs changed since"
            " --since. The pre-push hook runs this on each pushed commit.",
        ),
    ) -> None:
        """Build every target of every spec (or the ones named), publishing atomically."""
        chosen = runner or default_runner()
        if chosen is Runner.local and not (force or changed or staged or committed or watch):
            from specloom.pipeline import noop  # nothing else: no models, no targets

            hit = noop.replay(
                noop.request_of(
                    list(paths or []),
                    output,
                    cache_dir,
                    list(target) if target else None,
                    backend.value if backend else None,
                    strict,
                )
            )
            if hit is not None:
                print_replay(hit, fmt.value)
                raise typer.Exit(0)

        from specloom.pipeline.build import BuildRequest

        req = BuildRequest(
            paths=list(paths or []),
            output=output,
            cache_dir=cache_dir,
            targets=list(target) if target else None,
            force=force,
            backend=backend.value if backend else None,
            wait=not no_wait,
            changed_since=since if changed else None,
            strict=strict,
            started=STARTED,
        )

        def go(r: BuildRequest) -> BuildResult:
            return run(r, chosen, task_runner, dask_address, jobs, quiet=fmt is OutputFormat.json)

        if rev is not None:
            if staged or committed or watch:
                raise typer.BadParameter("use one of --rev, --staged, --committed and --watch")
            if output is not None:
                raise typer.BadParameter("--rev builds into a temporary output, not --output")
            import dataclasses

            from specloom.pipeline.staged import PUSHED, git_build

            no_changed = dataclasses.replace(req, changed_since=None)
            result = git_build(no_changed, PUSHED, go, rev=rev, since=since if changed else None)
        elif staged or committed:
            if (staged and committed) or changed or watch:
                raise typer.BadParameter("use one of --staged, --committed, --changed and --watch")
            from specloom.pipeline.staged import COMMITTED, STAGED, git_build

            if staged and output is not None:
                raise typer.BadParameter("--staged builds into a temporary output, not --output")
            result = git_build(req, STAGED if staged else COMMITTED, go)
        else:
            result = go(req)
        _report(result, fmt)
        if watch:
            _watch(req, chosen, task_runner, dask_address, jobs)
            raise typer.Exit(0)
        raise typer.Exit(result.exit_code)


def print_problems(out: Console, result: BuildResult) -> None:
    """Failed targets with their gate errors; blocked targets once per spec and reason (a
    check finding blocks every target of a spec: print it once, not once per target)."""
    from rich.markup import escape

    blocked: dict[tuple[str, str], list[str]] = {}
    for r in result.rows:
        if r.status == "blocked":
            blocked.setdefault((r.spec, r.reason), []).append(r.target)
    for (spec, reason), targets in blocked.items():
        out.print(
            f"[red]{spec} blocked[/] ({escape(', '.join(targets))}): {escape(reason)}",
            markup=True,
        )
    for r in result.rows:
        if r.status != "failed":
            continue
        out.print(f"[red]{r.spec}/{r.target} failed:[/] {escape(r.reason)}", markup=True)
        for g in r.gates:
            if g.severity == "error":
                where = f" clause {g.clause}" if g.clause else ""
                out.print(f"  {g.rule}{where} {g.location()}: {g.message}", markup=False)
