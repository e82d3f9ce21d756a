"""Test hooks for crash tests: hold the build at a named point so a test can `kill -9` it."""

from __future__ import annotations

import os
import time
from pathlib import Path

ENV_POINT = "SPECLOOM_TEST_HOLD"
"""Name of the point to hold at: `generate` (staging half written) or `publish` (new version
folder complete, not yet recorded nor swapped), `recorded` (the manifest records the new
folder, the symlink not yet swapped) or `swapped` (symlink swapped, old folder not yet
deleted)."""
ENV_FILE = "SPECLOOM_TEST_HOLD_FILE"
"""A file the build creates when it reaches the point (the test waits for it)."""


def hold(point: str) -> None:
    """Create the marker file and sleep when `SPECLOOM_TEST_HOLD` names this point; else no-op."""
    if os.environ.get(ENV_POINT) != point:
        return
    marker = os.environ.get(ENV_FILE)
    if marker:
        Path(marker).write_text(str(os.getpid()), encoding="utf-8")
    time.sleep(float(os.environ.get("SPECLOOM_TEST_HOLD_SECONDS", "60")))
