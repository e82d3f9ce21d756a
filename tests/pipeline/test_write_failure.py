"""A write failure (file size limit, like a full disk; permission denied) is a clear error;
the old output stays."""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import subprocess
from typing import Any

import pytest


def _limit_file_size() -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # get EFBIG instead of being killed
    resource.setrlimit(resource.RLIMIT_FSIZE, (64, 64))


@pytest.mark.slow
def test_write_failure_is_clear_and_keeps_the_last_good_output(subbuild: Any, ir: Any) -> None:
    v1 = ir.workspace(ir.spec("common", {"cmn1": "Money MUST be minor units."}))
    assert subbuild.run(v1).returncode == 0
    spec_dir = subbuild.output / "common"
    good = (spec_dir / "ir-json" / "ir.json").read_bytes()
    manifest = (spec_dir / "manifest.json").read_bytes()
    v2 = v1.model_copy(deep=True)
    v2.specs["common"].title = "Common v2"
    proc = subprocess.run(
        subbuild.command(v2),
        env=subbuild.env(),
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=_limit_file_size,
        check=False,
    )
    assert proc.returncode in {1, 2}
    assert "Traceback" not in proc.stderr
    text = proc.stderr + proc.stdout
    assert "cannot write" in text and "too large" in text
    assert (spec_dir / "ir-json" / "ir.json").read_bytes() == good
    assert (spec_dir / "manifest.json").read_bytes() == manifest
    after = subbuild.run(v2)
    assert after.returncode == 0, after.stderr
    assert json.loads((spec_dir / "ir-json" / "ir.json").read_text())["title"] == "Common v2"


def _without_root_override(command: list[str]) -> list[str]:
    """As root, drop the capabilities that bypass file permissions, so a read-only folder
    refuses writes as it would for any user (util-linux `setpriv`)."""
    if os.geteuid() != 0:
        return command
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.fail("running as root needs util-linux `setpriv` to test permission denied")
    caps = "-dac_override,-dac_read_search,-fowner"
    return [setpriv, f"--inh-caps={caps}", f"--bounding-set={caps}", "--", *command]


@pytest.mark.slow
def test_permission_denied_is_clear_and_keeps_the_last_good_output(subbuild: Any, ir: Any) -> None:
    v1 = ir.workspace(ir.spec("common", {"cmn1": "Money MUST be minor units."}))
    assert subbuild.run(v1).returncode == 0
    spec_dir = subbuild.output / "common"
    good = (spec_dir / "ir-json" / "ir.json").read_bytes()
    manifest = (spec_dir / "manifest.json").read_bytes()
    v2 = v1.model_copy(deep=True)
    v2.specs["common"].title = "Common v2"
    spec_dir.chmod(0o555)
    try:
        proc = subprocess.run(
            _without_root_override(subbuild.command(v2)),
            env=subbuild.env(),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    finally:
        spec_dir.chmod(0o755)
    assert proc.returncode in {1, 2}, proc.stdout + proc.stderr
    text = proc.stderr + proc.stdout
    assert "Traceback" not in text
    assert "cannot write" in text and "permission denied" in text, text
    assert (spec_dir / "ir-json" / "ir.json").read_bytes() == good
    assert (spec_dir / "manifest.json").read_bytes() == manifest
    after = subbuild.run(v2)
    assert after.returncode == 0, after.stderr
    assert json.loads((spec_dir / "ir-json" / "ir.json").read_text())["title"] == "Common v2"
