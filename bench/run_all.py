"""Every speed goal beside its figure, spread of 3 runs (`make bench`); or every benchmark.

Usage:
    .venv/bin/python bench/run_all.py [--runs 3] [--scale] [--only GROUP...] [--json FILE]
    .venv/bin/python bench/run_all.py --all [SCRIPT...]   # the detailed benchmark scripts

By default it runs `bench/goals.py` `--runs` times (one process each, in sequence) and prints
one table: figure, goal, median, min-max over the runs, and whether the median meets the
goal, with the load average at the start and end of each run (the machine is shared: wall
times measure the neighbours too, so CPU seconds are printed where they matter). With
`--all` it runs the detailed scripts (bench_lint, bench_build, bench_stubs, ...) one after
the other instead. Benchmarks print numbers; no test asserts a timing.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
SCRIPTS: list[tuple[str, list[str]]] = [
    ("bench_lint.py", []),
    ("bench_build.py", []),
    ("bench_stubs.py", []),
    ("bench_docs.py", []),
    ("bench_podcast.py", []),
    ("bench_llm.py", []),
]


def run_scripts(wanted: set[str]) -> int:
    """Run the detailed benchmark scripts (default: all); exit 1 if any failed."""
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


def _fmt(v: float, unit: str) -> str:
    if unit == "s":
        return f"{v:.2f} s" if v < 100 else f"{v:.0f} s"
    if unit == "MiB":
        return f"{v:.0f} MiB"
    if unit == "x":
        return f"{v:.2f}x"
    return f"{v:g} {unit}".strip()


def table(runs: list[dict[str, Any]]) -> str:
    """One row per figure: goal, median, min-max, verdict on the median, extras of run 1."""
    order: list[str] = []
    by: dict[str, list[dict[str, Any]]] = {}
    for r in runs:
        for f in r["figures"]:
            if f["name"] not in by:
                order.append(f["name"])
            by.setdefault(f["name"], []).append(f)
    lines = [
        "| figure | goal | median | min - max | CPU s median (min - max) | peak MiB (max)"
        " | meets goal (median) | notes (run 1) |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name in order:
        fs = by[name]
        vals = [f["value"] for f in fs]
        unit = fs[0]["unit"]
        med = statistics.median(vals)
        oks = [f["ok"] for f in fs]
        verdict = "yes" if sum(oks) * 2 > len(oks) else "NO"
        if len(set(oks)) > 1:
            verdict += f" ({sum(oks)}/{len(oks)} runs)"
        skip = {"name", "value", "unit", "goal", "ok", "cpu", "peak_mib"}
        extra = {k: v for k, v in fs[0].items() if k not in skip}
        notes = "; ".join(f"{k}: {v}" for k, v in extra.items())
        cpus = [f["cpu"] for f in fs if "cpu" in f]
        cpu = f"{statistics.median(cpus):.3g} ({min(cpus):.3g} - {max(cpus):.3g})" if cpus else "-"
        peaks = [f["peak_mib"] for f in fs if "peak_mib" in f]
        peak = f"{max(peaks):.0f}" if peaks else "-"
        lines.append(
            f"| {name} | {fs[0]['goal']} | {_fmt(med, unit)} | "
            f"{_fmt(min(vals), unit)} - {_fmt(max(vals), unit)} | {cpu} | {peak} | {verdict} "
            f"| {notes[:300]} |"
        )
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--all", action="store_true", help="run the detailed scripts instead")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--scale", action="store_true", help="include the scale group")
    ap.add_argument("--only", nargs="+", help="goal groups: stubs startup edits scale")
    ap.add_argument("--json", type=Path, help="write every run's figures here")
    ap.add_argument("scripts", nargs="*", help="with --all: the scripts to run")
    args = ap.parse_args(argv)
    if args.all:
        return run_scripts(set(args.scripts))
    runs: list[dict[str, Any]] = []
    extra = (["--only", *args.only] if args.only else []) + (["--scale"] if args.scale else [])
    for i in range(args.runs):
        print(f"run {i + 1}/{args.runs} ...", file=sys.stderr, flush=True)
        proc = subprocess.run(
            [sys.executable, str(BENCH / "goals.py"), *extra],
            cwd=BENCH.parent,
            capture_output=True,
            text=True,
            check=False,
        )
        if proc.returncode != 0:
            print(proc.stderr, file=sys.stderr)
            return 1
        runs.append(json.loads(proc.stdout))
        load = runs[-1]["load_start"][0], runs[-1]["load_end"][0]
        print(f"  load average {load[0]:.1f} -> {load[1]:.1f}", file=sys.stderr, flush=True)
    loads = ", ".join(f"{r['load_start'][0]:.1f}->{r['load_end'][0]:.1f}" for r in runs)
    print(f"issue 14 goals, {len(runs)} runs, 2 CPUs; load average per run: {loads}\n")
    print(table(runs))
    if args.json:
        args.json.write_text(json.dumps(runs, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
