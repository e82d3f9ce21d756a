"""`specloom build --watch`: a save rebuilds what changed and prints one line."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest


def _lines(proc: subprocess.Popen[str], out: queue.Queue[str]) -> None:
    assert proc.stdout is not None
    for line in proc.stdout:
        out.put(line.rstrip("\n"))


def _wait_for(out: queue.Queue[str], needle: str, seconds: float) -> list[str]:
    seen: list[str] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            line = out.get(timeout=0.5)
        except queue.Empty:
            continue
        seen.append(line)
        if needle in line:
            return seen
    pytest.fail(f"no line with {needle!r} within {seconds} s; got {seen}")


def test_a_save_rebuilds_the_changed_spec_with_one_line(ws: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "specloom", "build", "specs", "-t", "ir-json", "--watch"],
        cwd=ws,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "COLUMNS": "200"},
    )
    out: queue.Queue[str] = queue.Queue()
    threading.Thread(target=_lines, args=(proc, out), daemon=True).start()
    try:
        _wait_for(out, "watching", 120)
        spec = ws / "specs" / "common" / "spec.md"
        spec.write_text(spec.read_text().replace("Types that every", "Types that each"))
        seen = _wait_for(out, "specs/common/spec.md", 180)
        line = seen[-1]
        # common changed: its ir-json and billing's (billing imports common) are rebuilt
        assert "built 1" in line and line.endswith(" ok"), line
        spec.write_text(spec.read_text().replace("---\nspec: common", "---\nspec: [bad"))
        bad = _wait_for(out, "specs/common/spec.md", 180)[-1]
        assert "error" in bad, bad
        assert proc.poll() is None  # bad input mid-edit keeps the watch alive
    finally:
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=120) == 0
