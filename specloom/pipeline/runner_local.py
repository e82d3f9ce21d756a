"""The local runner: jobs in a thread pool in this process (no Prefect import)."""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait

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
        """Start each job once the jobs it waits for (`Job.after`) have finished, in the
        given order; a failed one releases its dependents too (their gates then judge
        what is published)."""
        if not todo:
            return []
        results: list[JobResult] = []
        pending = list(todo)
        ended: set[tuple[str, str]] = set()
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="specloom") as pool:
            futures: dict[Future[JobResult], Job] = {}

            def start_ready() -> None:
                for j in [j for j in pending if all(d in ended for d in j.after)]:
                    pending.remove(j)
                    futures[pool.submit(run_job, j)] = j

            start_ready()
            while futures:
                done, _ = wait(futures, return_when=FIRST_COMPLETED)
                for fut in done:
                    job = futures.pop(fut)
                    try:
                        r = fut.result()
                    except Exception as exc:  # a target bug must not take the build down
                        r = failed_result(job, exc)
                    ended.add(job.key)
                    finished(r)
                    results.append(r)
                start_ready()
        return results

    return execute
