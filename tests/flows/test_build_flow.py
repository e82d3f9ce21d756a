"""The Prefect runner against a real server: same bytes as local, Dask, retries, schedules."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest

from specloom.findings import Finding
from specloom.model import Spec
from specloom.pipeline import registry
from specloom.pipeline.build import BuildRequest, run_build
from specloom.pipeline.manifest import hash_tree
from specloom.pipeline.runner_local import make_local_executor
from specloom.pipeline.runner_prefect import run_prefect
from specloom.target import GeneratedFile, Target

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("prefect")]


def tree(root: Path) -> dict[str, str]:
    """Every published target's files (through the symlinks) and manifests sans timings."""
    out: dict[str, str] = {}
    for spec_dir in sorted(p for p in root.iterdir() if p.is_dir()):
        for link in sorted(p for p in spec_dir.iterdir() if p.is_symlink()):
            for rel, digest in hash_tree(link.resolve()).items():
                out[f"{spec_dir.name}/{link.name}/{rel}"] = digest
            out[f"{spec_dir.name}/{link.name}@"] = os.readlink(link)
        m = json.loads((spec_dir / "manifest.json").read_text())
        for rec in m["targets"].values():
            rec.pop("timings")
            for g in rec["gates"]:
                g.pop("message", None)
        out[f"{spec_dir.name}/manifest"] = json.dumps(m, sort_keys=True)
    return out


def test_local_and_prefect_runners_give_identical_trees(ws: Path, prefect_api: str) -> None:
    req = dict(paths=[Path("specs")], targets=["ir-json"], cache_dir=Path("cache"))
    local = run_build(
        BuildRequest(output=Path("out-local"), **req),  # type: ignore[arg-type]
        make_local_executor(),
    )
    pref = run_prefect(BuildRequest(output=Path("out-prefect"), **req))  # type: ignore[arg-type]
    assert local.exit_code == pref.exit_code == 0
    assert [r.status for r in pref.rows] == ["built", "built", "built"]  # common, billing, counters
    assert tree(ws / "out-local") == tree(ws / "out-prefect")
    again = run_prefect(BuildRequest(output=Path("out-prefect"), **req))  # type: ignore[arg-type]
    assert [r.status for r in again.rows] == ["skipped", "skipped", "skipped"]
    assert again.check == pref.check
    # the second run's check came from Prefect's cache, persisted in specloom's cache folder
    from prefect import get_client
    from prefect.client.schemas.filters import TaskRunFilter, TaskRunFilterName

    with get_client(sync_client=True) as client:
        runs = client.read_task_runs(
            task_run_filter=TaskRunFilter(name=TaskRunFilterName(like_="check"))
        )
    names = sorted(r.state_name or "" for r in runs if r.name.startswith("check"))
    assert "Cached" in names and "Completed" in names
    assert any((ws / "cache" / "prefect-results").iterdir())


def test_dask_task_runner_on_a_local_cluster(ws: Path, prefect_api: str) -> None:
    req = dict(paths=[Path("specs")], targets=["ir-json"], cache_dir=Path("cache"))
    local = run_build(
        BuildRequest(output=Path("out-local"), **req),  # type: ignore[arg-type]
        make_local_executor(),
    )
    lock = threading.Lock()  # an unpicklable progress sink, like the CLI's rich Progress
    events: list[tuple[str, str, str]] = []

    def progress(spec: str, target: str, status: str, detail: str) -> None:
        with lock:
            events.append((spec, target, status))

    dask = run_prefect(
        BuildRequest(output=Path("out-dask"), **req),  # type: ignore[arg-type]
        task_runner="dask",
        progress=progress,
    )
    assert local.exit_code == dask.exit_code == 0
    assert tree(ws / "out-local") == tree(ws / "out-dask")
    assert ("billing", "ir-json", "built") in events


class Flaky(Target):
    """Raises OSError on its first generate (a transient failure), then works."""

    name: ClassVar[str] = "flaky"
    counter: ClassVar[Path]

    def generate(self, spec: Spec) -> list[GeneratedFile]:
        n = int(self.counter.read_text()) if self.counter.exists() else 0
        self.counter.write_text(str(n + 1))
        if n == 0:
            raise OSError("transient: the disk hiccuped")
        return [GeneratedFile("ok.txt", b"ok\n")]

    def verify(self, spec: Spec, root: Path) -> list[Finding]:
        return []


class Buggy(Flaky):
    """Raises a non-transient error every time: no retry."""

    name: ClassVar[str] = "buggy"

    def generate(self, spec: Spec) -> list[GeneratedFile]:
        n = int(self.counter.read_text()) if self.counter.exists() else 0
        self.counter.write_text(str(n + 1))
        raise KeyError("a bug")


@pytest.fixture
def flaky(tmp_path: Path) -> Iterator[None]:
    Flaky.counter = tmp_path / "flaky-count"
    Buggy.counter = tmp_path / "buggy-count"
    registry.register_target(Flaky)
    registry.register_target(Buggy)
    yield
    registry.unregister_target("flaky")
    registry.unregister_target("buggy")


def test_transient_failures_are_retried_and_bugs_are_not(
    ws: Path, prefect_api: str, flaky: None
) -> None:
    result = run_prefect(
        BuildRequest(
            paths=[Path("specs/common")],
            output=Path("out"),
            targets=["flaky", "buggy"],
            cache_dir=Path("cache"),
        )
    )
    rows = {r.target: r for r in result.rows}
    assert rows["flaky"].status == "built"
    assert Flaky.counter.read_text() == "2"
    assert rows["buggy"].status == "failed"
    assert "KeyError" in rows["buggy"].reason
    assert Buggy.counter.read_text() == "1"
    assert result.exit_code == 1


def test_cli_prefect_runner_is_the_default_with_an_api(ws: Path, prefect_api: str) -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "specloom",
            "build",
            "specs",
            "-t",
            "ir-json",
            "-o",
            "out",
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PREFECT_API_URL": prefect_api},
    )
    assert proc.returncode == 0, proc.stderr
    assert {t["status"] for t in json.loads(proc.stdout)["targets"]} == {"built"}
    from prefect import get_client

    with get_client(sync_client=True) as client:
        runs = client.read_flow_runs()
    assert any(r.name and r.state and r.state.is_completed() for r in runs)


def test_schedule_registers_a_cron_deployment(ws: Path, prefect_api: str) -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "specloom",
            "schedule",
            "specs",
            "--cron",
            "0 3 * * *",
            "--name",
            "nightly-test",
            "-t",
            "ir-json",
            "--register-only",
        ],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PREFECT_API_URL": prefect_api},
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "registered deployment specloom-build/nightly-test" in proc.stdout
    from prefect import get_client

    with get_client(sync_client=True) as client:
        dep = client.read_deployment_by_name("specloom-build/nightly-test")
    assert [s.schedule.cron for s in dep.schedules] == ["0 3 * * *"]  # type: ignore[union-attr]
    assert dep.parameters["targets"] == ["ir-json"]
    assert dep.parameters["paths"] == ["specs"]
    assert dep.parameters["workdir"] == str(ws.resolve())
    assert dep.entrypoint == "specloom.flows.build.build_flow"


def test_schedule_rejects_a_bad_cron(ws: Path, prefect_api: str) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "specloom", "schedule", "--cron", "61 * * *", "--register-only"],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PREFECT_API_URL": prefect_api},
        timeout=120,
    )
    assert proc.returncode == 2
    assert "invalid schedule" in proc.stderr and "Traceback" not in proc.stderr


def test_schedule_serves_and_a_run_builds(ws: Path, prefect_api: str) -> None:
    """`specloom schedule` (serving) picks up a run of its deployment and builds."""
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "specloom",
            "schedule",
            "specs",
            "--cron",
            "0 3 * * *",
            "--name",
            "served",
            "-t",
            "ir-json",
            "-o",
            "out-served",
        ],
        cwd=ws,
        env={**os.environ, "PREFECT_API_URL": prefect_api},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    from prefect import get_client
    from prefect.exceptions import ObjectNotFound

    try:
        with get_client(sync_client=True) as client:
            deadline = time.monotonic() + 120
            while True:
                try:
                    dep = client.read_deployment_by_name("specloom-build/served")
                    break
                except ObjectNotFound:
                    assert proc.poll() is None and time.monotonic() < deadline
                    time.sleep(0.5)
            run = client.create_flow_run_from_deployment(dep.id)
            while True:
                state = client.read_flow_run(run.id).state
                if state is not None and state.is_final():
                    break
                assert proc.poll() is None and time.monotonic() < deadline + 120
                time.sleep(1)
        assert state.is_completed(), state
        ir = json.loads((ws / "out-served" / "billing" / "ir-json" / "ir.json").read_text())
        assert ir["id"] == "billing"
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def test_a_failed_gate_fails_the_flow_run_and_publishes_nothing(
    ws: Path, prefect_api: str, flaky: None
) -> None:
    from prefect import get_client

    class Strict(Flaky):
        name: ClassVar[str] = "strict"

        def generate(self, spec: Spec) -> list[GeneratedFile]:
            return [GeneratedFile("x.txt", b"x")]

        def verify(self, spec: Spec, root: Path) -> list[Finding]:
            return [Finding(rule="ST001", severity="error", clause="cmn1", message="no")]

    registry.register_target(Strict)
    try:
        result = run_prefect(
            BuildRequest(
                paths=[Path("specs/common")],
                output=Path("out"),
                targets=["strict"],
                cache_dir=Path("cache"),
            )
        )
    finally:
        registry.unregister_target("strict")
    assert [r.status for r in result.rows] == ["failed"]
    assert result.rows[0].gates[0].rule == "ST001"
    assert not (ws / "out" / "common" / "strict").exists()
    with get_client(sync_client=True) as client:
        started = [r for r in client.read_flow_runs() if r.start_time is not None]
    latest = max(started, key=lambda r: r.start_time)  # type: ignore[arg-type,return-value]
    assert latest.state is not None and latest.state.is_failed()


def test_schedule_without_a_server_is_a_clear_error(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env["PREFECT_HOME"] = str(tmp_path / "prefect-home")
    proc = subprocess.run(
        [sys.executable, "-m", "specloom", "schedule", "--cron", "0 3 * * *", "--register-only"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 2
    assert "PREFECT_API_URL is not set" in proc.stderr and "Traceback" not in proc.stderr
