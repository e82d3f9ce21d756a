"""`specloom docs serve`: the site is served, a save rebuilds it and the page reloads."""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

pytest.importorskip("mkdocs", reason="the docs extra is not installed")
pytest.importorskip("watchfiles", reason="the watch extra is not installed")


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as resp:
        return str(resp.read().decode())


def _lines(proc: subprocess.Popen[str], out: queue.Queue[str]) -> None:
    assert proc.stdout is not None
    for line in proc.stdout:
        out.put(line.rstrip("\n"))


def _until(out: queue.Queue[str], pattern: str, seconds: float) -> re.Match[str]:
    deadline = time.monotonic() + seconds
    seen = []
    while time.monotonic() < deadline:
        try:
            line = out.get(timeout=0.5)
        except queue.Empty:
            continue
        seen.append(line)
        m = re.search(pattern, line)
        if m:
            return m
    pytest.fail(f"no line matching {pattern!r} within {seconds} s: {seen}")


@pytest.mark.slow
def test_serve_rebuilds_on_save_and_the_page_reloads(ws: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "specloom", "docs", "serve", "specs/billing", "--port", "0"],
        cwd=ws,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ},
    )
    out: queue.Queue[str] = queue.Queue()
    threading.Thread(target=_lines, args=(proc, out), daemon=True).start()
    try:
        base = _until(out, r"serving (http://\S+/)", 300).group(1)
        _until(out, "watching", 30)
        page = _get(base)
        assert "__specloom__/version" in page  # the reload script
        before = _get(base + "__specloom__/version")
        assert before.startswith(".docs-")
        spec = ws / "specs" / "billing" / "spec.md"
        spec.write_text(spec.read_text().replace("creates invoices", "makes invoices"))
        line = _until(out, r"specs/billing/spec\.md: built 1", 300).string
        assert line.endswith(" ok"), line
        after = _get(base + "__specloom__/version")
        assert after != before  # the polling page sees a new version and reloads
        assert "makes invoices" in _get(base)
    finally:
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=120) == 0
