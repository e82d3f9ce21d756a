"""Run every benchmark in bench/ one after the other and print their numbers (`make bench`).

Each benchmark is its own script (run it alone for its options); this runner only sequences
them with their default inputs, so one command gives the whole picture. Benchmarks print
numbers; nothing here asserts a goal (goals are read from the output, not timed in tests).
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
SCRIPTS: list[tuple[str, list[str]]] = [
    ("bench_lint.py", []),
    ("bench_build.py", []),
    ("bench_stubs.py", []),
    ("bench_docs.py", []),
    ("bench_podcast.py", []),
    ("bench_llm.py", []),
]


def main(argv: list[str]) -> int:
    """Run the benchmarks named on the command line (default: all); exit 1 if any failed."""
    wanted = set(argv)
    failed: list[str] = []
    for script, args in SCRIPTS:
        if wanted and script.removesuffix(".py") not in wanted and script not in wanted:
            continue
        print(f"\n=== {script} {' '.join(args)}".rstrip(), flush=True)
        started = time.perf_counter()
        rc = subprocess.call([sys.executable, str(BENCH / script), *args], cwd=BENCH.parent)
        print(f"=== {script}: exit {rc}, {time.perf_counter() - started:.1f} s", flush=True)
        if rc:
            failed.append(script)
    if failed:
        print(f"\nfailed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
