"""A write failure (file size limit, like a full disk; permission denied) is a clear error;
the old output stays."""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from specloom.errors import BuildError


def _limit_file_size() -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # get EFBIG instead of being killed
    resource.setrlimit(resource.RLIMIT_FSIZE, (64, 64))


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


def _fail_then_recover(
    subbuild: Any,
    ir: Any,
    words: str,
    wrap: Callable[[list[str]], list[str]] = lambda c: c,
    preexec: Callable[[], None] | None = None,
    around: Callable[[Path, bool], None] = lambda d, failing: None,
) -> None:
    """Build v1, then build v2 in a child that cannot write (`wrap`, `preexec`, `around`):
    a clear error with `words`, v1 intact; then v2 builds once writing works again."""
    v1 = ir.workspace(ir.spec("common", {"cmn1": "Money MUST be minor units."}))
    assert subbuild.run(v1).returncode == 0
    spec_dir = subbuild.output / "common"
    good = (spec_dir / "ir-json" / "ir.json").read_bytes()
    manifest = (spec_dir / "manifest.json").read_bytes()
    v2 = v1.model_copy(deep=True)
    v2.specs["common"].title = "Common v2"
    around(spec_dir, True)
    try:
        proc = subprocess.run(
            wrap(subbuild.command(v2)),
            env=subbuild.env(),
            capture_output=True,
            text=True,
            timeout=120,
            preexec_fn=preexec,
            check=False,
        )
    finally:
        around(spec_dir, False)
    assert proc.returncode in {1, 2}, proc.stdout + proc.stderr
    text = proc.stderr + proc.stdout
    assert "Traceback" not in text
    assert "cannot write" in text and words in text, text
    assert (spec_dir / "ir-json" / "ir.json").read_bytes() == good
    assert (spec_dir / "manifest.json").read_bytes() == manifest
    after = subbuild.run(v2)
    assert after.returncode == 0, after.stderr
    assert json.loads((spec_dir / "ir-json" / "ir.json").read_text())["title"] == "Common v2"


@pytest.mark.slow
def test_write_failure_is_clear_and_keeps_the_last_good_output(subbuild: Any, ir: Any) -> None:
    _fail_then_recover(subbuild, ir, "too large", preexec=_limit_file_size)


@pytest.mark.slow
def test_permission_denied_is_clear_and_keeps_the_last_good_output(subbuild: Any, ir: Any) -> None:
    def read_only(spec_dir: Path, failing: bool) -> None:
        spec_dir.chmod(0o555 if failing else 0o755)

    _fail_then_recover(
        subbuild, ir, "permission denied", wrap=_without_root_override, around=read_only
    )


@pytest.mark.parametrize("where", ["output", "output/common"])
def test_a_file_in_place_of_an_output_folder_is_a_clear_error(
    where: str, build_ir: Any, ir: Any, tmp_path: Path
) -> None:
    (tmp_path / where).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / where).write_text("not a folder")
    with pytest.raises(BuildError) as exc:
        build_ir(ir.workspace(ir.spec("common", {"cmn1": "Money MUST be minor units."})))
    assert "a file is in the way (it is not a folder)" in str(exc.value)
    assert (tmp_path / where).read_text() == "not a folder"
