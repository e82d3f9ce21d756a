"""`[tool.specloom]`: unknown keys are errors that name the line and the closest valid key."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from specloom.config import load_config
from specloom.errors import ConfigError


def _write(tmp_path: Path, body: str) -> Path:
    (tmp_path / "pyproject.toml").write_text(body, encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    ("body", "line", "suggestion"),
    [
        ('[tool.specloom]\nspces = "specs"\n', 2, "did you mean `specs`?"),
        ('[tool.specloom]\noutput = "out"\nbackedn = "template"\n', 3, "`backend`"),
        ("[tool.specloom.lint]\ndisabel = []\n", 2, "did you mean `disable`?"),
        ('[tool.specloom.tool]\ntsc = "x"\n', 1, "did you mean `tools`?"),
    ],
)
def test_unknown_key_is_an_error_with_the_closest_key(
    tmp_path: Path, body: str, line: int, suggestion: str
) -> None:
    with pytest.raises(ConfigError) as err:
        load_config(_write(tmp_path, body))
    assert err.value.line == line
    assert "unknown key" in err.value.message
    assert err.value.hint is not None and suggestion in err.value.hint


def test_unknown_key_exits_2_from_the_cli(tmp_path: Path) -> None:
    _write(tmp_path, '[tool.specloom]\nspces = "specs"\n')
    res = subprocess.run(
        [sys.executable, "-m", "specloom", "lint"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert res.returncode == 2
    assert f"{tmp_path / 'pyproject.toml'}:2: error: [tool.specloom] spces: unknown key" in (
        res.stderr
    )
    assert "did you mean `specs`?" in res.stderr


def test_tools_table_is_read(tmp_path: Path) -> None:
    cfg = load_config(_write(tmp_path, '[tool.specloom.tools]\ntsc = "bin/tsc"\n'))
    assert cfg.tools == {"tsc": "bin/tsc"}
