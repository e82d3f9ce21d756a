"""Throughput of a many-spec workspace: local `-j 1`/`-j 2`, and Prefect + a Dask cluster.

Usage: .venv/bin/python bench/bench_cluster.py [--specs 50] [--types 20] [--workers 1 2]
                                               [--targets typescript rust ir-json]

Writes a workspace of N small specs importing one `base` spec, then, each build forced and
with a fresh cache (cold: no cargo fingerprints):
- the local runner with `-j 1` and `-j 2`;
- the Prefect runner (`--runner prefect --task-runner dask`) against a Prefect server (the one
  at PREFECT_API_URL, or a temporary `prefect server start`, not timed) and a Dask cluster of
  separate processes: one `dask scheduler` and W `dask worker --nthreads 1` processes, for
  each W of `--workers`.
Prints wall seconds and specs per minute for each, and whether every Dask output tree is
byte-identical to the local one (published files, symlink targets, manifests without
timings).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from bench_build import _die_with_parent, prefect_server  # noqa: E402
from goals import _fifty, project, specloom, timed  # noqa: E402

PY = sys.executable


def tree(root: Path) -> dict[str, str]:
    """Published files (through the symlinks), link targets, manifests without timings."""
    from specloom.pipeline.manifest import hash_tree

    out: dict[str, str] = {}
    for spec_dir in sorted(p for p in root.iterdir() if p.is_dir()):
        for link in sorted(p for p in spec_dir.iterdir() if p.is_symlink()):
            for rel, digest in hash_tree(link.resolve()).items():
                out[f"{spec_dir.name}/{link.name}/{rel}"] = digest
            out[f"{spec_dir.name}/{link.name}@"] = os.readlink(link)
        m = json.loads((spec_dir / "manifest.json").read_text())
        for rec in m["targets"].values():
            rec.pop("timings", None)
        out[f"{spec_dir.name}/manifest"] = json.dumps(m, sort_keys=True)
    return out


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _spawn(args: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        args,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        preexec_fn=_die_with_parent,
    )


def dask_cluster(workers: int, cwd: Path) -> tuple[str, list[subprocess.Popen[bytes]]]:
    """A `dask scheduler` and `workers` separate `dask worker` processes; its address."""
    dask = str(Path(PY).parent / "dask")
    port = _port()
    env = dict(os.environ, PREFECT_SERVER_ANALYTICS_ENABLED="false")
    procs = [
        _spawn(
            [
                dask,
                "scheduler",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--dashboard-address",
                ":0",
            ],
            env,
        )
    ]
    address = f"tcp://127.0.0.1:{port}"
    for _ in range(workers):
        procs.append(
            _spawn(
                [
                    dask,
                    "worker",
                    address,
                    "--nthreads",
                    "1",
                    "--nworkers",
                    "1",
                    "--dashboard-address",
                    ":0",
                    "--local-directory",
                    str(cwd / "dask-space"),
                ],
                env,
            )
        )
    from distributed import Client

    deadline = time.time() + 120
    with Client(address, timeout=120) as client:
        while len(client.scheduler_info()["workers"]) < workers:
            if time.time() > deadline:
                raise SystemExit("the Dask workers did not register")
            time.sleep(0.5)
    return address, procs


def stop(procs: list[subprocess.Popen[bytes]]) -> None:
    for p in reversed(procs):
        try:
            os.killpg(p.pid, signal.SIGTERM)
        except ProcessLookupError:
            continue
    for p in procs:
        try:
            p.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--specs", type=int, default=50)
    ap.add_argument("--types", type=int, default=20)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--targets", nargs="+", default=["typescript", "rust", "ir-json"])
    ap.add_argument("--no-dask", action="store_true")
    args = ap.parse_args(argv)
    n = args.specs + 1
    tflags = [x for t in args.targets for x in ("-t", t)]
    rows: list[tuple[str, float, float]] = []
    with tempfile.TemporaryDirectory(prefix="specloom-cluster-") as tmp:
        ws = project(_fifty(Path(tmp) / "ws", args.specs, args.types))
        print(
            f"{n} specs x {len(args.targets)} targets ({', '.join(args.targets)}), "
            f"{os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}",
            flush=True,
        )
        for j in (1, 2):
            res = timed(
                specloom(
                    "build",
                    *tflags,
                    "--force",
                    "-j",
                    str(j),
                    "-o",
                    f"out-j{j}",
                    "--cache-dir",
                    f"cache-j{j}",
                    "--runner",
                    "local",
                ),
                ws,
            )
            rows.append((f"local -j {j}", res["wall"], res["cpu"]))
            print(
                f"local -j {j}: {res['wall']:.1f} s ({n * 60 / res['wall']:.1f} specs/min)",
                flush=True,
            )
        reference = tree(ws / "out-j1")
        same_j = tree(ws / "out-j2") == reference
        print(f"-j 2 tree identical to -j 1: {same_j}")
        if not args.no_dask:
            with prefect_server() as url:
                os.environ["PREFECT_API_URL"] = url
                for w in args.workers:
                    address, procs = dask_cluster(w, ws)
                    try:
                        res = timed(
                            specloom(
                                "build",
                                *tflags,
                                "--force",
                                "-o",
                                f"out-dask{w}",
                                "--cache-dir",
                                f"cache-dask{w}",
                                "--runner",
                                "prefect",
                                "--task-runner",
                                "dask",
                                "--dask-address",
                                address,
                            ),
                            ws,
                        )
                    finally:
                        stop(procs)
                    same = tree(ws / f"out-dask{w}") == reference
                    rows.append(
                        (f"prefect + dask, {w} worker process(es)", res["wall"], res["cpu"])
                    )
                    print(
                        f"prefect + dask, {w} worker(s): {res['wall']:.1f} s "
                        f"({n * 60 / res['wall']:.1f} specs/min); identical to local: {same}",
                        flush=True,
                    )
        print("\n| runner | wall (s) | specs/minute | CPU of the client process tree (s) |")
        print("| --- | --- | --- | --- |")
        for name, wall, cpu in rows:
            print(f"| {name} | {wall:.1f} | {n * 60 / wall:.1f} | {cpu:.1f} |")
        speed = rows[0][1] / rows[1][1]
        print(f"\n-j 2 / -j 1 speed-up: {speed:.2f}x (goal >= 1.4)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
