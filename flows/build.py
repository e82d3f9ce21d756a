"""The build as a Prefect 3 flow: the plain pipeline, with one concurrent task per target."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from prefect import Task, flow, task
from prefect.cache_policies import NO_CACHE
from prefect.client.schemas.objects import State, TaskRun
from prefect.context import TaskRunContext
from prefect.futures import PrefectFuture, as_completed

from specloom.config import LintConfig
from specloom.errors import SpecloomError
from specloom.findings import Finding
from specloom.model import Workspace
from specloom.pipeline.build import BuildRequest, BuildResult, run_build
from specloom.pipeline.check import check_key, run_check
from specloom.pipeline.job import failed_result, run_job
from specloom.pipeline.plan import Job, JobResult
from specloom.pipeline.runner_prefect import current_progress

TRANSIENT = (OSError, subprocess.TimeoutExpired)
"""Exceptions worth a retry: I/O hiccups, a tool that timed out. Gate failures are results,
not exceptions, and SpecloomErrors are deterministic: neither is retried."""


class BuildFailed(Exception):
    """Raised by the flow when a target failed or was blocked, so the flow run is Failed."""

    def __init__(self, result: BuildResult) -> None:
        bad = [
            f"{r.spec}/{r.target} {r.status}"
            for r in result.rows
            if r.status in {"failed", "blocked"}
        ]
        super().__init__("build failed: " + ", ".join(bad))
        self.result = result


def is_transient(task: Task[..., Any], task_run: TaskRun, state: State[Any]) -> bool:
    """retry_condition_fn: retry only transient errors."""
    try:
        exc = state.result(raise_on_failure=False)
    except Exception:
        return False
    return isinstance(exc, TRANSIENT) and not isinstance(exc, SpecloomError)


def build_one_target(job: Job) -> JobResult:
    """Generate, verify and publish one target of one spec (the body of the task).

    A plain module-level function, so Dask pickles it by reference: pickling the task's
    function by value would drag in this module's globals.
    """
    return run_job(job)


build_target = task(
    name="build-target",
    task_run_name="{job.spec_id}/{job.target}",
    retries=2,
    retry_delay_seconds=2,
    retry_condition_fn=is_transient,
    # The manifest's input hashes are the build cache (a skipped target never gets here);
    # a Prefect result cache would skip the publish side effect, so none is used.
    cache_policy=NO_CACHE,
)(build_one_target)


def _check_cache_key(context: TaskRunContext, parameters: dict[str, Any]) -> str:
    return "specloom-check-" + check_key(parameters["ws"], parameters["lint"])


def check_one_workspace(ws: Workspace, lint: LintConfig) -> tuple[list[Finding], list[str]]:
    """Lint, type check and conflicts (the body of the cached check task)."""
    return run_check(ws, lint)


def cached_check(ws: Workspace, lint: LintConfig, cache: Path) -> tuple[list[Finding], list[str]]:
    """The check step as a task cached on the specs' content, lint config and checker
    source; results persist in the build's cache folder (a scheduled re-run of unchanged
    specs skips the check)."""
    check_task = task(
        name="check",
        cache_key_fn=_check_cache_key,
        cache_expiration=timedelta(days=7),
        persist_result=True,
        result_storage=(cache / "prefect-results").resolve(),
    )(check_one_workspace)
    findings, warnings = check_task(ws, lint)
    return findings, warnings


def prefect_executor(jobs: list[Job], finished: Callable[[JobResult], None]) -> list[JobResult]:
    """Submit every job to the flow's task runner (threads or Dask), each waiting for the
    jobs it must come after (`Job.after`), and collect results."""
    futures: dict[PrefectFuture[JobResult], Job] = {}
    by_key: dict[tuple[str, str], PrefectFuture[JobResult]] = {}
    for j in jobs:  # (`with_order`: every job comes after those it waits for)
        wait_for = [by_key[d] for d in j.after if d in by_key]
        fut = (
            build_target.submit(j, return_state=False, wait_for=wait_for)
            if wait_for
            else build_target.submit(j)
        )
        futures[fut] = j
        by_key[j.key] = fut
    results: list[JobResult] = []
    for fut in as_completed(list(futures)):
        try:
            r = fut.result()
        except Exception as exc:  # retries exhausted: the target failed, the build goes on
            r = failed_result(futures[fut], exc)
        finished(r)
        results.append(r)
    return results


@flow(name="specloom-build", log_prints=False, validate_parameters=True)
def build_flow(
    paths: list[str] | None = None,
    targets: list[str] | None = None,
    force: bool = False,
    output: str | None = None,
    cache_dir: str | None = None,
    backend: str | None = None,
    changed_since: str | None = None,
    wait: bool = True,
    workdir: str | None = None,
    strict: bool = False,
) -> BuildResult:
    """Build specs (default: the configured workspace) into the output folder.

    `workdir` (deployments) is the folder relative paths start from: the IR records source
    paths as given, so they stay relative and the output stays machine-independent.
    """
    if workdir:
        os.chdir(workdir)
    req = BuildRequest(
        paths=[Path(p) for p in paths or []],
        output=Path(output) if output else None,
        cache_dir=Path(cache_dir) if cache_dir else None,
        targets=targets or None,
        force=force,
        backend=backend,
        wait=wait,
        changed_since=changed_since,
        strict=strict,
    )
    result = run_build(req, prefect_executor, progress=current_progress(), checker=cached_check)
    if result.exit_code:
        raise BuildFailed(result)
    return result


def request_parameters(req: BuildRequest, workdir: Path | None = None) -> dict[str, Any]:
    """Flow parameters for a request; paths stay as given (relative to `workdir`)."""
    return {
        "paths": [p.as_posix() for p in req.paths],
        "targets": req.targets,
        "force": req.force,
        "output": req.output.as_posix() if req.output else None,
        "cache_dir": req.cache_dir.as_posix() if req.cache_dir else None,
        "backend": req.backend,
        "changed_since": req.changed_since,
        "wait": req.wait,
        "strict": req.strict,
        "workdir": str(workdir.resolve()) if workdir else None,
    }
