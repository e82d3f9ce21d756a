"""prefect.yaml deploys (real `prefect deploy --all` against the test server)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("prefect")]


def test_prefect_yaml_deploys_with_its_cron_schedules(
    repo_root: Path, tmp_path: Path, prefect_api: str
) -> None:
    shutil.copy(repo_root / "prefect.yaml", tmp_path / "prefect.yaml")
    shutil.copytree(
        repo_root / "flows", tmp_path / "flows", ignore=shutil.ignore_patterns("__pycache__")
    )
    prefect = str(Path(sys.executable).parent / "prefect")
    env = {**os.environ, "PREFECT_API_URL": prefect_api, "SPECLOOM_REPO": str(tmp_path)}
    pool = subprocess.run(
        [prefect, "work-pool", "create", "specloom", "--type", "process", "--overwrite"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert pool.returncode == 0, pool.stdout + pool.stderr
    dep = subprocess.run(
        [prefect, "--no-prompt", "deploy", "--all"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert dep.returncode == 0, dep.stdout + dep.stderr
    spec = yaml.safe_load((repo_root / "prefect.yaml").read_text())
    from prefect import get_client

    with get_client(sync_client=True) as client:
        for d in spec["deployments"]:
            got = client.read_deployment_by_name(f"specloom-build/{d['name']}")
            crons = [s.schedule.cron for s in got.schedules]  # type: ignore[union-attr]
            assert crons == [s["cron"] for s in d["schedules"]]
            assert got.work_pool_name == "specloom"
            assert got.parameters == d["parameters"]
