"""Finding the project's config file (standard library only: the no-op fast path uses it)."""

from __future__ import annotations

import tomllib
from pathlib import Path


def find_config_file(start: Path) -> Path | None:
    """The nearest pyproject.toml with a [tool.specloom] table, or specloom.toml, upwards."""
    cur = start.resolve()
    if cur.is_file():
        cur = cur.parent
    for d in [cur, *cur.parents]:
        st = d / "specloom.toml"
        if st.is_file():
            return st
        pp = d / "pyproject.toml"
        if pp.is_file():
            try:
                data = tomllib.loads(pp.read_text(encoding="utf-8"))
            except (tomllib.TOMLDecodeError, UnicodeDecodeError):
                continue
            if "specloom" in data.get("tool", {}):
                return pp
    return None
