"""Benchmark `specloom lint` (parse + lint, whole process) on synthetic workspaces.

Usage: python bench/bench_lint.py [N ...] [--repeat R]   (default N: 100 1000 10000, R: 3)

For each N, bench/synth.py writes a workspace with N clauses and N types into a temporary
folder; `python -m specloom lint` then runs R times as a child process. Wall time includes
interpreter start; CPU is the child's user + system time and peak RSS its ru_maxrss, both
from wait4 (the whole process).
Prints a table: best and median wall time, CPU time, peak RSS, and the marginal CPU time
per 1,000 clauses from the previous N (interpreter start cancels out, so linear growth
shows as a flat last column); then the verdict on the goal (N = 1,000 under 1 s wall).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synth import write_workspace

REPO = Path(__file__).resolve().parent.parent


def run_once(workspace: Path) -> tuple[float, float, int, float]:
    """(wall seconds, peak RSS MiB, exit code, CPU seconds) of one `specloom lint` process.

    CPU time (user + system) is reported beside wall time: on a busy machine wall time
    measures the neighbours, CPU time still measures specloom."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "specloom", "lint", str(workspace)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
        cwd=workspace.parent,
    )
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.stderr is not None:
        err = proc.stderr.read().decode("utf-8", "replace")
        proc.stderr.close()
        if proc.returncode not in (0, 1):
            raise SystemExit(f"specloom lint failed ({proc.returncode}):\n{err}")
    return wall, usage.ru_maxrss / 1024, proc.returncode, usage.ru_utime + usage.ru_stime


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("sizes", nargs="*", type=int, default=[100, 1000, 10000])
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    load = os.getloadavg()[0]
    print(
        f"specloom lint, parse + lint, whole process ({args.repeat} runs each; "
        f"{os.cpu_count()} CPUs, load average {load:.1f} at start)"
    )
    print(
        f"{'N':>7} {'files':>7} {'best s':>8} {'median s':>9} {'cpu s':>7} {'peak MiB':>9} "
        f"{'cpu s/1k more':>13} {'exit':>5}"
    )
    best_at: dict[int, float] = {}
    prev: tuple[int, float] | None = None
    with tempfile.TemporaryDirectory(prefix="specloom-bench-") as tmp:
        for n in sorted(args.sizes):
            ws = write_workspace(Path(tmp) / f"ws{n}" / "specs", n)
            files = sum(1 for p in ws.rglob("*.md"))
            runs = [run_once(ws) for _ in range(args.repeat)]
            walls = [r[0] for r in runs]
            rss = max(r[1] for r in runs)
            best = best_at[n] = min(walls)
            cpu = min(r[3] for r in runs)
            marginal = f"{(cpu - prev[1]) / (n - prev[0]) * 1000:>13.3f}" if prev else f"{'-':>13}"
            prev = (n, cpu)
            print(
                f"{n:>7} {files:>7} {best:>8.3f} {statistics.median(walls):>9.3f} "
                f"{cpu:>7.3f} {rss:>9.1f} {marginal} {runs[0][2]:>5}"
            )
    if 1000 in best_at:
        verdict = "meets" if best_at[1000] < 1.0 else "MISSES"
        print(f"goal: N = 1,000 under 1 s wall: {best_at[1000]:.3f} s ({verdict} it)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
