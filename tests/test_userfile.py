"""Files written for the user (specs from `import`/`clarify`, eval reports) get a normal mode."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from specloom.evals.report import write_atomic as write_eval_file
from specloom.userfile import write_user_text


def _mode(p: Path) -> int:
    return stat.S_IMODE(p.stat().st_mode)


def test_a_new_file_gets_the_umask_mode_not_0600(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        write_user_text(tmp_path / "spec.md", "# x\n")
        write_eval_file(tmp_path / "report.json", "{}\n")
    finally:
        os.umask(old)
    assert _mode(tmp_path / "spec.md") == 0o644
    assert _mode(tmp_path / "report.json") == 0o644
    assert (tmp_path / "spec.md").read_text(encoding="utf-8") == "# x\n"


def test_an_existing_file_keeps_its_mode_and_no_temp_file_is_left(tmp_path: Path) -> None:
    p = tmp_path / "spec.md"
    p.write_text("old\r\n", encoding="utf-8", newline="")
    p.chmod(0o640)
    write_user_text(p, "new\r\n", newline="")
    assert _mode(p) == 0o640
    assert p.read_bytes() == b"new\r\n"
    assert sorted(x.name for x in tmp_path.iterdir()) == ["spec.md"]
