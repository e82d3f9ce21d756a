"""Build benchmarks: cold build, no-op rebuild, one-clause edit, Prefect vs local (prints numbers).

Run from the repository root: `.venv/bin/python bench/bench_build.py [--target NAME]...
[--skip-prefect]`. Every build runs the real CLI in a subprocess on a copy of specs/ in a
temporary folder, so the wall times include Python start-up, as a user sees them. The
Prefect comparison uses the server at PREFECT_API_URL, or starts one first (not timed).
"""

from __future__ import annotations

import argparse
import ctypes
import json
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PY = sys.executable


CPU: list[float] = [0.0]
"""CPU seconds (user + sys) of the last build's process tree: wall time on a loaded machine
is mostly waiting, so both are printed."""


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def build(
    cwd: Path,
    out: str,
    targets: list[str],
    runner: str,
    *extra: str,
    env: dict[str, str] | None = None,
) -> tuple[float, list[dict[str, object]]]:
    """Wall seconds of one `specloom build`, and its rows (CPU seconds land in CPU[0])."""
    cmd = [
        PY,
        "-m",
        "specloom",
        "build",
        "specs",
        "-o",
        out,
        "--runner",
        runner,
        "--format",
        "json",
        *extra,
    ]
    for t in targets:
        cmd += ["--target", t]
    started, cpu = time.perf_counter(), _children_cpu()
    proc = subprocess.run(
        cmd, cwd=cwd, capture_output=True, text=True, check=False, env=env or dict(os.environ)
    )
    wall = time.perf_counter() - started
    CPU[0] = _children_cpu() - cpu
    if not proc.stdout.strip():
        raise SystemExit(f"build failed to run:\n{proc.stderr}")
    rows: list[dict[str, object]] = json.loads(proc.stdout)["targets"]
    return wall, rows


def print_reran(rows: list[dict[str, object]]) -> None:
    """Which targets reran, which were skipped, and anything else."""
    names: dict[str, list[str]] = {"built": [], "skipped": [], "other": []}
    for r in rows:
        key = str(r["status"]) if r["status"] in {"built", "skipped"} else "other"
        label = f"{r['spec']}/{r['target']}"
        names[key].append(label if key != "other" else f"{label}={r['status']}")
    print(f"  reran:   {', '.join(sorted(names['built'])) or '-'}")
    print(f"  skipped: {', '.join(sorted(names['skipped'])) or '-'}")
    if names["other"]:
        print(f"  other:   {', '.join(sorted(names['other']))}")


def summary(rows: list[dict[str, object]]) -> str:
    by: dict[str, list[str]] = {}
    for r in rows:
        by.setdefault(str(r["status"]), []).append(f"{r['spec']}/{r['target']}")
    return "; ".join(f"{k}: {', '.join(sorted(v))}" for k, v in sorted(by.items()))


def _die_with_parent() -> None:
    """SIGTERM the server if this script dies, even by kill -9 (Linux PR_SET_PDEATHSIG)."""
    with suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)


@contextmanager
def prefect_server() -> Iterator[str]:
    """PREFECT_API_URL if set, else a temporary `prefect server start` (stopped after)."""
    if os.environ.get("PREFECT_API_URL"):
        yield os.environ["PREFECT_API_URL"]
        return
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    home = tempfile.mkdtemp(prefix="specloom-bench-prefect-")
    env = {**os.environ, "PREFECT_HOME": home, "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    proc = subprocess.Popen(
        [
            str(Path(PY).parent / "prefect"),
            "server",
            "start",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        preexec_fn=_die_with_parent,
    )
    url = f"http://127.0.0.1:{port}/api"
    try:
        for _ in range(240):
            try:
                with urllib.request.urlopen(f"{url}/health", timeout=2):
                    break
            except OSError:
                time.sleep(0.5)
        else:
            raise SystemExit("the Prefect server did not start")
        yield url
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
        shutil.rmtree(home, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--target",
        action="append",
        default=[],
        help="targets to build (default: every registered target)",
    )
    ap.add_argument("--skip-prefect", action="store_true", help="skip the Prefect comparison")
    args = ap.parse_args()
    targets: list[str] = args.target
    label = ", ".join(targets) or "all targets"
    with tempfile.TemporaryDirectory(prefix="specloom-bench-") as tmp:
        work = Path(tmp)
        shutil.copytree(REPO / "specs", work / "specs")

        cold, rows = build(work, "out", targets, "local")
        print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        print(f"cold build ({label}), local runner: {cold:.2f} s wall, {CPU[0]:.2f} s CPU")
        print(f"  {summary(rows)}")

        noop, rows = build(work, "out", targets, "local")
        ok = "meets" if noop < 1.0 else "MISSES"
        print(
            f"no-op rebuild, local runner: {noop:.2f} s wall ({ok} the 1 s goal), "
            f"{CPU[0]:.2f} s CPU"
        )
        print(f"  {summary(rows)}")

        spec = work / "specs" / "billing" / "spec.md"
        edits = [
            ("one-clause edit (billing, first MUST clause)", "MUST", "MUST always"),
            ("interface-only edit (billing, first type doc)", "    doc: ", "    doc: (edited) "),
        ]
        for title, old, new in edits:
            text = spec.read_text(encoding="utf-8")
            spec.write_text(text.replace(old, new, 1), encoding="utf-8")
            edit, rows = build(work, "out", targets, "local")
            print(f"{title}: {edit:.2f} s wall, {CPU[0]:.2f} s CPU")
            print_reran(rows)

        if args.skip_prefect:
            return
        with prefect_server() as url:
            env = {
                **os.environ,
                "PREFECT_API_URL": url,
                "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            }
            local, _ = build(work, "out-local", targets, "local", "--force")
            lcpu = CPU[0]
            pref, rows = build(work, "out-prefect", targets, "prefect", "--force", env=env)
            print(
                f"same cold build: local {local:.2f} s, prefect {pref:.2f} s "
                f"(server already running): prefect/local = {pref / local:.1f}x wall, "
                f"{CPU[0] / lcpu:.1f}x CPU"
            )
            print(f"  {summary(rows)}")
            pnoop, _ = build(work, "out-prefect", targets, "prefect", env=env)
            print(f"no-op rebuild, prefect runner: {pnoop:.2f} s wall")


if __name__ == "__main__":
    main()
