"""The Prefect runner: runs flows/build.py's flow in process (Prefect imported lazily)."""

from __future__ import annotations

import importlib
import logging
import os
from typing import Any

from specloom.pipeline.build import BuildRequest, BuildResult, Progress

_progress: list[Progress | None] = [None]
"""Where an in-process flow run sends progress (flow parameters must stay JSON-able)."""


def current_progress() -> Progress | None:
    """The progress callback of the in-process run, if any (read by the build flow)."""
    return _progress[0]


def prefect_env() -> None:
    """Quiet, offline-safe defaults unless the user set them."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    # a temporary server's first start on a fresh database exceeds the 20 s default here
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")


def dask_task_runner(address: str | None) -> Any:
    """A DaskTaskRunner: on `address`, or on a temporary LocalCluster of worker processes."""
    from prefect_dask.task_runners import DaskTaskRunner

    logging.getLogger("distributed").setLevel(logging.WARNING)  # its INFO chatter buries ours

    if address:
        return DaskTaskRunner(address=address)
    return DaskTaskRunner(
        cluster_class="distributed.LocalCluster",
        cluster_kwargs={
            "n_workers": 2,
            "threads_per_worker": 1,
            "processes": True,
            "dashboard_address": None,
            "silence_logs": logging.WARNING,
        },
    )


def run_prefect(
    req: BuildRequest,
    task_runner: str = "thread",
    dask_address: str | None = None,
    progress: Progress | None = None,
) -> BuildResult:
    """Run the build flow and return its result (a failed build is a result, not a raise)."""
    prefect_env()
    flows_build: Any = importlib.import_module("specloom.flows.build")

    flow = flows_build.build_flow
    if task_runner == "dask":
        flow = flow.with_options(task_runner=dask_task_runner(dask_address))
    _progress[0] = progress
    try:
        params = flows_build.request_parameters(req)
        state = flow(**params, return_state=True)
    finally:
        _progress[0] = None
    value = state.result(raise_on_failure=False)
    if isinstance(value, flows_build.BuildFailed):
        failed: BuildResult = value.result
        return failed
    if isinstance(value, BaseException):
        raise value
    if not isinstance(value, BuildResult):
        raise TypeError(f"the build flow returned {type(value).__name__}, not a BuildResult")
    return value
