"""The speed goals of issue 14, measured once each: prints one JSON object of figures.

Usage: .venv/bin/python bench/goals.py [--only NAME...] [--scale] [--out FILE]

Every figure is a whole process as a user runs it (`python -m specloom ...` in a temporary
project), wall seconds from `time.perf_counter`, CPU seconds and the peak RSS of the
largest single process from `wait4` (children included: rustc, tsc, mkdocs...). Each
figure carries its goal; `bench/run_all.py` runs this three times and prints the spread.

Groups (all but `scale` by default):
- `stubs`:   gated TS + Rust build of 1,000 types (`--force`, fresh cache) vs quicktype's
             ungated TS + Rust of the same types, side by side; peak RSS.
- `startup`: `--version`, `--help`, lint of the example workspace, lint of 1,000 clauses +
             1,000 types.
- `edits`:   on a copy of specs/: cold build (no goal), no-op build, one-clause edit,
             verify (second run: gate results reused), and no spurious rebuild (a plain build
             after `build specs/billing -t docs --force` rebuilds nothing).
- `scale` (with --scale): lint of 100,000 clauses; gated TS + Rust build of 10,000 types;
             50 specs with -j 1 and -j 2 (typescript, rust, ir-json).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
PY = sys.executable
sys.path.insert(0, str(BENCH))

from bench_stubs import ensure_quicktype, json_schema, specloom_spec, type_set  # noqa: E402
from synth import write_workspace  # noqa: E402

Figure = dict[str, Any]


def _env() -> dict[str, str]:
    tools = REPO / ".venv" / "tools" / "node_modules" / ".bin"
    path = f"{Path(PY).parent}:{tools}:{os.environ.get('PATH', '')}"
    return dict(os.environ, PATH=path, PREFECT_SERVER_ANALYTICS_ENABLED="false")


def timed(cmd: list[str], cwd: Path, ok: tuple[int, ...] = (0,)) -> dict[str, Any]:
    """Wall s, CPU s (user + sys of the process tree) and peak RSS MiB (the largest single
    process of the tree: ru_maxrss of wait4 covers the waited-for descendants)."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd, cwd=cwd, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    # read the pipes in threads so that a chatty child never blocks; wait4 for the rusage
    chunks: dict[str, bytes] = {}

    def drain(name: str, stream: Any) -> None:
        chunks[name] = stream.read()

    readers = [
        threading.Thread(target=drain, args=(n, s))
        for n, s in (("out", proc.stdout), ("err", proc.stderr))
    ]
    for t in readers:
        t.start()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    for t in readers:
        t.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in ok:
        err = chunks.get("err", b"").decode("utf-8", "replace")
        raise RuntimeError(f"{' '.join(cmd[2:7])} exited {proc.returncode}: {err[-1500:]}")
    return {
        "wall": wall,
        "cpu": usage.ru_utime + usage.ru_stime,
        "peak_mib": usage.ru_maxrss / 1024,
        "stdout": chunks.get("out", b"").decode("utf-8", "replace"),
    }


def specloom(*args: str) -> list[str]:
    """The installed console script, as a user runs it (not `python -m`, which adds runpy)."""
    return [str(Path(PY).parent / "specloom"), *args]


def fig(name: str, value: float, unit: str, goal: str, ok: bool, **extra: Any) -> Figure:
    return {"name": name, "value": round(value, 3), "unit": unit, "goal": goal, "ok": ok, **extra}


def project(root: Path, specs: Path | None = None) -> Path:
    """A project folder: pyproject with [tool.specloom], and specs/ (a copy of `specs`)."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text(
        '[tool.specloom]\nspecs = "specs"\noutput = "output"\n', encoding="utf-8"
    )
    if specs is not None:
        shutil.copytree(specs, root / "specs")
    return root


# -- groups ------------------------------------------------------------------------------


def stubs(tmp: Path, n: int = 1000, peers: bool = True) -> list[Figure]:
    """Gated TS + Rust build of n types, cold, beside quicktype's ungated generation."""
    work = project(tmp / f"stubs{n}")
    (work / "specs" / "synth").mkdir(parents=True)
    types = type_set(n)
    (work / "specs" / "synth" / "spec.md").write_text(specloom_spec(types), encoding="utf-8")
    (work / "schema.json").write_text(json.dumps(json_schema(types)), encoding="utf-8")
    cache = work / "cold-cache"  # fresh: no cargo fingerprints, no gate reuse
    args = ["build", "specs/synth", "-t", "typescript", "-t", "rust", "--force"]
    res = timed(specloom(*args, "--cache-dir", str(cache), "--format", "json"), work)
    rows = json.loads(res["stdout"])["targets"]
    gates = {r["target"]: [g["rule"] for g in r["gates"]] for r in rows}
    built = all(r["status"] == "built" for r in rows)
    out = [
        fig(
            f"gated TS + Rust build, {n} types (cold, --force)",
            res["wall"],
            "s",
            "" if n == 1000 else "<= 300 s",
            built and (n == 1000 or res["wall"] <= 300),
            cpu=round(res["cpu"], 2),
            gates=gates,
        ),
        fig(
            f"peak RSS, largest process of that build ({n} types)",
            res["peak_mib"],
            "MiB",
            "<= 600 MiB" if n == 1000 else "<= 4096 MiB",
            res["peak_mib"] <= (600 if n == 1000 else 4096),
        ),
    ]
    if not peers:
        return out
    entry, why = ensure_quicktype(BENCH / ".tools")
    if entry is None:
        out.append(fig("quicktype TS + Rust (ungated)", 0, "s", why, False))
        return out
    qt = qt_cpu = 0.0
    for lang, ext in (("typescript", "ts"), ("rust", "rs")):
        cmd = ["node", "--stack-size=65500", str(entry), "--src-lang", "schema"]
        cmd += ["--src", str(work / "schema.json"), "--lang", lang, "--top-level", "Root"]
        cmd += ["-o", str(work / f"qt.{ext}")]
        one = timed(cmd, work)
        qt += one["wall"]
        qt_cpu += one["cpu"]
    out.append(
        fig(
            f"quicktype TS + Rust, {n} types (ungated)",
            qt,
            "s",
            "(reference)",
            True,
            cpu=round(qt_cpu, 2),
        )
    )
    ratio = res["wall"] / qt
    out.append(fig("ratio gated specloom / ungated quicktype", ratio, "x", "<= 1.0", ratio <= 1))
    # on a shared machine wall time measures the neighbours: the CPU ratio beside it
    cpu_ratio = res["cpu"] / qt_cpu if qt_cpu else 0.0
    out.append(
        fig(
            "CPU-seconds ratio, gated specloom / ungated quicktype",
            cpu_ratio,
            "x",
            "(beside the wall ratio)",
            True,
        )
    )
    return out


def best(
    cmd: list[str],
    cwd: Path,
    k: int = 5,
    ok: tuple[int, ...] = (0,),
    before: Callable[[], None] | None = None,
) -> dict[str, Any]:
    """The median of k runs of a short command (start-up noise is one-sided); `before`
    runs ahead of each (e.g. to empty a cache for a cold figure)."""
    runs = []
    for _ in range(k):
        if before is not None:
            before()
        runs.append(timed(cmd, cwd, ok))
    return sorted(runs, key=lambda r: r["wall"])[k // 2]


def forget(*folders: Path) -> Callable[[], None]:
    """A `before` that removes `folders` (a cold cache for every run)."""

    def remove() -> None:
        for f in folders:
            shutil.rmtree(f, ignore_errors=True)

    return remove


def measured(res: dict[str, Any], digits: int = 3) -> dict[str, Any]:
    """CPU seconds and peak RSS of a timed run, for a figure's extras."""
    return {"cpu": round(res["cpu"], digits), "peak_mib": round(res["peak_mib"])}


def startup(tmp: Path) -> list[Figure]:
    ex = project(tmp / "startup", REPO / "specs")
    v = best(specloom("--version"), ex)
    h = best(specloom("--help"), ex)
    lint_ex = best(specloom("lint"), ex, ok=(0, 1))
    syn = project(tmp / "lint1000")
    write_workspace(syn / "specs", 1000)
    cold = forget(syn / ".specloom-cache")
    lint_k = best(specloom("lint"), syn, k=3, ok=(0, 1), before=cold)
    lint_warm = best(specloom("lint"), syn, k=3, ok=(0, 1))  # the parse cache is filled
    return [
        fig("specloom --version", v["wall"], "s", "<= 0.15 s", v["wall"] <= 0.15, **measured(v)),
        fig("specloom --help", h["wall"], "s", "<= 0.3 s", h["wall"] <= 0.3, **measured(h)),
        fig(
            "lint, example workspace",
            lint_ex["wall"],
            "s",
            "<= 0.4 s",
            lint_ex["wall"] <= 0.4,
            **measured(lint_ex),
        ),
        fig(
            "lint, 1,000 clauses + 1,000 types (cold: no parse cache)",
            lint_k["wall"],
            "s",
            "<= 0.5 s",
            lint_k["wall"] <= 0.5,
            **measured(lint_k),
        ),
        fig(
            "lint, 1,000 clauses + 1,000 types (parse cache filled)",
            lint_warm["wall"],
            "s",
            "<= 0.5 s",
            lint_warm["wall"] <= 0.5,
            **measured(lint_warm),
        ),
    ]


def _rebuilt(stdout: str) -> list[str]:
    rows = json.loads(stdout)["targets"]
    return [f"{r['spec']}/{r['target']}: {r['reason']}" for r in rows if r["status"] == "built"]


def _seconds(stdout: str) -> dict[str, float]:
    """Wall seconds of each rebuilt target (generate + gates + publish), slowest first:
    where a rebuild's time goes."""
    rows = [r for r in json.loads(stdout)["targets"] if r["status"] == "built"]
    rows.sort(key=lambda r: -float(r.get("seconds") or 0))
    return {f"{r['spec']}/{r['target']}": round(float(r.get("seconds") or 0), 2) for r in rows}


def _timeline(stdout: str, wall: float) -> dict[str, Any]:
    """Where a build's wall time went, from its `--format json` timeline: the build process's
    own steps before the first job and after the last, each job's span, how much of the jobs'
    stretch had two jobs running (both cores fed), and the CPU of the build process beside
    that of its subprocesses (tsc, cargo, mkdocs, ffmpeg...). The timeline's zero is when
    `specloom` was imported, so `exit_after_last_job_s` also holds the interpreter's start
    (about 0.02 s)."""
    tl = json.loads(stdout).get("timeline")
    if not tl:
        return {}
    jobs: dict[str, list[float]] = {}
    own: list[dict[str, Any]] = []
    for s in tl["spans"]:
        head = s["name"].split(" ")[0]
        if "/" in head:  # "<spec>/<target> <step>"
            j = jobs.setdefault(head, [s["start"], s["end"], 0.0])
            j[0], j[1], j[2] = min(j[0], s["start"]), max(j[1], s["end"]), j[2] + s["cpu"]
        else:
            own.append(s)
    if not jobs:
        return {"steps": {s["name"]: s["cpu"] for s in own}, "cpu": tl["cpu"]}
    first = min(j[0] for j in jobs.values())
    last = max(j[1] for j in jobs.values())
    edges = sorted([(a, 1) for a, _, _ in jobs.values()] + [(b, -1) for _, b, _ in jobs.values()])
    running, since, two = 0, first, 0.0
    for t, step in edges:
        if running >= 2:
            two += t - since
        running, since = running + step, t
    return {
        "first_job_start_s": round(first, 3),
        "last_job_end_s": round(last, 3),
        "exit_after_last_job_s": round(wall - last, 3),
        "two_jobs_running": f"{two / (last - first):.0%}" if last > first else "n/a",
        "build_process_cpu_before_first_job_s": round(
            sum(s["cpu"] for s in own if s["end"] <= first + 1e-3), 3
        ),
        "build_process_cpu_after_last_job_s": round(
            sum(s["cpu"] for s in own if s["start"] >= last - 1e-3), 3
        ),
        "jobs": {k: f"{a:.2f}-{b:.2f} s, {c:.2f} s CPU here" for k, (a, b, c) in jobs.items()},
        "cpu_build_process_s": tl["cpu"]["process"],
        "cpu_subprocesses_s": tl["cpu"]["subprocesses"],
    }


def edits(tmp: Path) -> list[Figure]:
    ws = project(tmp / "edits", REPO / "specs")
    cold = timed(specloom("build", "--format", "json"), ws)
    noop = best(specloom("build", "--format", "json"), ws, k=3)
    stamps = ws / ".specloom-cache" / "noop"  # without the no-op stamp: the full check
    full = best(specloom("build", "--format", "json"), ws, k=3, before=forget(stamps))
    spec = ws / "specs" / "billing" / "spec.md"
    text = spec.read_text(encoding="utf-8")
    marker = "MUST"
    at = text.index(marker, text.index("\n## "))  # the first keyword after the first heading
    spec.write_text(text[: at + 4] + " always" + text[at + 4 :], encoding="utf-8")
    edit = timed(specloom("build", "--format", "json"), ws)
    rebuilt = _rebuilt(edit["stdout"])
    timed(specloom("verify", "--format", "json"), ws)  # first verify: gates run, results kept
    ver = timed(specloom("verify", "--format", "json"), ws)
    ver_rows = json.loads(ver["stdout"])["targets"]
    reused = sum(r["reused"] for r in ver_rows)
    timed(specloom("build", "specs/billing", "-t", "docs", "--force", "--format", "json"), ws)
    after = timed(specloom("build", "--format", "json"), ws)
    spurious = _rebuilt(after["stdout"])
    return [
        fig(
            f"cold build, example workspace ({len(json.loads(cold['stdout'])['targets'])} targets)",
            cold["wall"],
            "s",
            "(no goal)",
            True,
            cpu=round(cold["cpu"], 1),
        ),
        fig(
            "no-op build, example workspace",
            noop["wall"],
            "s",
            "<= 0.3 s",
            noop["wall"] <= 0.3,
            **measured(noop),
        ),
        fig(
            "no-op build, example workspace, full check (no stamp)",
            full["wall"],
            "s",
            "(reference)",
            True,
            **measured(full),
        ),
        fig(
            "one-clause edit rebuilt and republished",
            edit["wall"],
            "s",
            "<= 2 s",
            edit["wall"] <= 2,
            cpu=round(edit["cpu"], 2),
            seconds_per_target=_seconds(edit["stdout"]),
            rebuilt=rebuilt,
            timeline=_timeline(edit["stdout"], edit["wall"]),
        ),
        fig(
            "verify, example workspace (unchanged since the last verify)",
            ver["wall"],
            "s",
            "<= 2 s",
            ver["wall"] <= 2,
            cpu=round(ver["cpu"], 2),
            reused=f"{reused}/{len(ver_rows)}",
        ),
        fig(
            "targets rebuilt by a build after `build specs/billing -t docs --force`",
            len(spurious),
            "targets",
            "0",
            not spurious,
            rebuilt=spurious,
        ),
    ]


def _fifty(root: Path, n_specs: int, types_each: int) -> Path:
    """n_specs small specs, each importing `base`, each with types_each record types."""
    specs = root / "specs"
    base = specs / "base"
    (base / "examples").mkdir(parents=True)
    (base / "spec.md").write_text(
        "---\nspec: base\ntitle: Base\nversion: 1.0.0\n---\n\n# Base {#base}\n\n"
        "An amount MUST be whole[^b1].\n\n```specloom\ntypes:\n  Amount:\n    clauses: [b1]\n"
        "    fields:\n      minor: int64\n```\n",
        encoding="utf-8",
    )
    (base / "examples" / "b1.md").write_text("**Example**: one\n\nOne cent.\n", encoding="utf-8")
    for k in range(n_specs):
        d = specs / f"s{k:02d}"
        (d / "examples").mkdir(parents=True)
        types = "".join(
            f"  R{k}x{i}:\n    clauses: [s{k}c]\n    fields:\n      id: string\n"
            f"      amount: base.Amount\n      next: R{k}x{i + 1}?\n"
            if i + 1 < types_each
            else f"  R{k}x{i}:\n    clauses: [s{k}c]\n    fields:\n      id: string\n"
            for i in range(types_each)
        )
        (d / "spec.md").write_text(
            f"---\nspec: s{k:02d}\ntitle: Service {k}\nversion: 1.0.0\nimports: [base]\n---\n\n"
            f"# Service {k} {{#s{k:02d}}}\n\nA record MUST carry an id[^s{k}c].\n\n"
            f"```specloom\ntypes:\n{types}```\n",
            encoding="utf-8",
        )
        (d / "examples" / f"s{k}c.md").write_text(
            "**Example**: an id\n\nIt has one.\n", encoding="utf-8"
        )
    return root


def scale(tmp: Path) -> list[Figure]:
    out: list[Figure] = []
    big = project(tmp / "lint100k")
    write_workspace(big / "specs", 100_000)
    for label in ("cold", "parse cache filled"):
        lint = timed(specloom("lint"), big, ok=(0, 1))
        out.append(
            fig(
                f"lint, 100,000 clauses ({label})",
                lint["wall"],
                "s",
                "<= 30 s",
                lint["wall"] <= 30,
                **measured(lint, 1),
            )
        )
    shutil.rmtree(big, ignore_errors=True)
    out += stubs(tmp, 10_000, peers=False)
    fifty = project(_fifty(tmp / "fifty", 50, 20))
    walls = {}
    for j in (1, 2):
        args = ["build", "-t", "typescript", "-t", "rust", "-t", "ir-json", "--force"]
        res = timed(
            specloom(*args, "-j", str(j), "-o", f"out-j{j}", "--cache-dir", f"cache-j{j}"),
            fifty,
        )
        walls[j] = res["wall"]
        out.append(
            fig(
                f"50 specs (+ base) x 3 targets, -j {j}",
                res["wall"],
                "s",
                "(reference)",
                True,
                specs_per_minute=round(51 * 60 / res["wall"], 1),
                cpu=round(res["cpu"], 1),
            )
        )
    speed = walls[1] / walls[2]
    out.append(fig("speed-up -j 2 / -j 1", speed, "x", ">= 1.4", speed >= 1.4))
    return out


GROUPS: dict[str, Callable[[Path], list[Figure]]] = {
    "stubs": stubs,
    "startup": startup,
    "edits": edits,
    "scale": scale,
}


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--only", nargs="+", choices=sorted(GROUPS), help="run these groups only")
    ap.add_argument("--scale", action="store_true", help="also run the scale group")
    ap.add_argument("--out", type=Path, help="write the JSON here too")
    args = ap.parse_args(argv)
    names = args.only or [g for g in GROUPS if g != "scale" or args.scale]
    # bytecode for the project's modules, as an installed package has (the machine's
    # PYTHONDONTWRITEBYTECODE would otherwise make every process compile them again)
    subprocess.run(
        [PY, "-m", "compileall", "-q", "specloom", "targets", "flows"],
        cwd=REPO,
        env={k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
        stdout=subprocess.DEVNULL,
        check=False,
    )
    result: dict[str, Any] = {"load_start": os.getloadavg(), "figures": []}
    with tempfile.TemporaryDirectory(prefix="specloom-goals-") as tmp:
        for name in names:
            t0 = time.perf_counter()
            try:
                result["figures"] += GROUPS[name](Path(tmp))
            except (RuntimeError, ValueError, OSError, KeyError) as exc:
                result["figures"].append(fig(f"{name}: failed", 0, "", str(exc)[:300], False))
            print(f"{name}: {time.perf_counter() - t0:.0f} s", file=sys.stderr, flush=True)
    result["load_end"] = os.getloadavg()
    text = json.dumps(result, indent=1)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
