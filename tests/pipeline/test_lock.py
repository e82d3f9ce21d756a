"""Two builds of the same output never interleave: the second waits, or fails with exit 3."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest


@pytest.mark.slow
def test_second_build_fails_fast_with_no_wait(subbuild: Any, small_ws: Any) -> None:
    first = subbuild.start_held(small_ws, "generate", seconds=30)
    try:
        second = subbuild.run(small_ws, wait=False)
        assert second.returncode == 3
        assert "being built by another process" in second.stderr
        assert "Traceback" not in second.stderr
    finally:
        first.kill()
        first.wait()


@pytest.mark.slow
def test_second_build_waits_for_the_first(subbuild: Any, small_ws: Any) -> None:
    first = subbuild.start_held(small_ws, "generate", seconds=2)
    started = time.monotonic()
    second = subbuild.run(small_ws, force=True)
    waited = time.monotonic() - started
    _out, err = first.communicate(timeout=60)
    assert first.returncode == 0, err
    assert second.returncode == 0, second.stderr
    assert waited >= 1.0  # it could only start once the first released the lock
    assert {r["status"] for r in json.loads(second.stdout)["targets"]} == {"built"}
