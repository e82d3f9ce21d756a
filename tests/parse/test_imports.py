"""Parsing stays light: no Prefect, openai, Jinja2 or MkDocs in the process after a parse."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = """
import sys
from pathlib import Path
from specloom.parse import load_workspace
from specloom.cli.ir import ir_json
ir_json(load_workspace(Path("specs")))
heavy = {"prefect", "openai", "jinja2", "mkdocs"}
heavy = sorted(m for m in sys.modules if m.split(".")[0] in heavy)
print(",".join(heavy))
"""


def test_parse_imports_nothing_heavy(repo_root: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=repo_root, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == ""
