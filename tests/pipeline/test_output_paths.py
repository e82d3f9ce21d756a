"""A relative --output works for build and verify alike (tools run in other folders), and a
one-spec docs build keeps every other published site in output/index.html."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def specloom(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env.pop("PREFECT_API_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "specloom", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )


@pytest.mark.slow
def test_relative_output_verify_and_index_of_every_site(tmp_path: Path) -> None:
    shutil.copytree(REPO / "specs" / "common", tmp_path / "specs" / "common")
    other = tmp_path / "specs" / "other"
    shutil.copytree(REPO / "specs" / "common", other)
    text = (other / "spec.md").read_text(encoding="utf-8")
    (other / "spec.md").write_text(
        text.replace("spec: common", "spec: other").replace("title: Common types", "title: Other"),
        encoding="utf-8",
    )
    args = ["--target", "docs", "--target", "ir-json", "--output", "out", "--cache-dir", "c"]
    done = specloom(tmp_path, "build", "specs/common", *args)
    assert done.returncode == 0, done.stdout + done.stderr
    # verify from another working folder, with a relative --output: DOC001 must pass
    work = tmp_path / "specs"
    again = specloom(work, "verify", "common", "--output", "../out", "--target", "docs")
    assert again.returncode == 0, again.stdout + again.stderr
    assert "DOC001" not in again.stdout
    # a one-spec build of `other` keeps common's link in the workspace index
    done = specloom(tmp_path, "build", "specs/other", *args)
    assert done.returncode == 0, done.stdout + done.stderr
    index = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert 'href="common/docs/site/index.html">Common types</a>' in index
    assert 'href="other/docs/site/index.html">Other</a>' in index
