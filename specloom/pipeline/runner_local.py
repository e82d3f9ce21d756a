"""The local runner: jobs in a thread pool in this process (no Prefect import)."""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, as_completed

from specloom.pipeline.job import failed_result, run_job
from specloom.pipeline.plan import Job, JobResult


def default_jobs() -> int:
    """Concurrent jobs: the CPU count, at most 4 (compilers are parallel themselves)."""
    return max(1, min(4, os.cpu_count() or 1))


def make_local_executor(
    jobs: int | None = None,
) -> Callable[[list[Job], Callable[[JobResult], None]], list[JobResult]]:
    """An executor running up to `jobs` targets at once; exceptions become failed results."""
    workers = jobs or default_jobs()

    def execute(todo: list[Job], finished: Callable[[JobResult], None]) -> list[JobResult]:
        if not todo:
            return []
        results: list[JobResult] = []
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="specloom") as pool:
            futures: dict[Future[JobResult], Job] = {pool.submit(run_job, j): j for j in todo}
            for fut in as_completed(futures):
                try:
                    r = fut.result()
                except Exception as exc:  # a target bug must not take the build down
                    r = failed_result(futures[fut], exc)
                finished(r)
                results.append(r)
        return results

    return execute
