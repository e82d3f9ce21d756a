"""External tools (tsc, node, cargo, ffmpeg, espeak-ng, ...): where to find them, in one order.

A pip user brings these tools; specloom looks for each one, in this order:

1. `PATH` (what the shell would run);
2. the project's `node_modules/.bin` (the folder holding the config file), so a project that
   ran `npm install --save-dev typescript` needs nothing else;
3. the path configured in `[tool.specloom.tools]` (`tsc = "tools/tsc"`, relative to the
   config file).

Every gate asks here, and `specloom doctor` shows which of the three answered.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SETTINGS_ROOT = "root"
"""Key of the project folder in a build's settings (`BuildContext.settings`)."""
SETTINGS_TOOLS = "tools"
"""Key of `[tool.specloom.tools]` in a build's settings (paths already absolute)."""

FALLBACKS: dict[str, tuple[str, ...]] = {
    # rustup installs here and only adds it to PATH in login shells
    "cargo": ("~/.cargo/bin/cargo",),
    "rustc": ("~/.cargo/bin/rustc",),
}
"""Well-known install locations tried after the three documented places."""


@dataclass(frozen=True)
class FoundTool:
    """An executable and which of the lookup places gave it."""

    name: str
    path: Path
    source: str
    """`PATH`, `node_modules/.bin`, `[tool.specloom.tools]` or `fallback`."""


@dataclass(frozen=True)
class ToolLookup:
    """Where to look: the project folder and the configured paths."""

    root: Path | None = None
    configured: Mapping[str, str] | None = None

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any] | None) -> ToolLookup:
        """The lookup of a build (`BuildContext.settings`); PATH only when there are none."""
        if not settings:
            return cls()
        root = settings.get(SETTINGS_ROOT)
        tools = settings.get(SETTINGS_TOOLS) or {}
        return cls(Path(root) if root else None, {str(k): str(v) for k, v in tools.items()})

    def find(self, name: str) -> FoundTool | None:
        """The first executable called `name` in the documented order, or None."""
        on_path = shutil.which(name)
        if on_path:
            return FoundTool(name, Path(on_path), "PATH")
        if self.root is not None:
            local = self.root / "node_modules" / ".bin" / name
            if _executable(local):
                return FoundTool(name, local, "node_modules/.bin")
        if self.configured and name in self.configured:
            conf = Path(self.configured[name]).expanduser()
            if self.root is not None and not conf.is_absolute():
                conf = self.root / conf
            if _executable(conf):
                return FoundTool(name, conf, "[tool.specloom.tools]")
        for raw in FALLBACKS.get(name, ()):
            cand = Path(raw).expanduser()
            if _executable(cand):
                return FoundTool(name, cand, "fallback")
        return None

    def configured_but_missing(self, name: str) -> str | None:
        """The configured path of `name` when it is set but not an executable file."""
        if not self.configured or name not in self.configured:
            return None
        conf = Path(self.configured[name]).expanduser()
        if self.root is not None and not conf.is_absolute():
            conf = self.root / conf
        return None if _executable(conf) else str(conf)


def find_tool(name: str, settings: Mapping[str, Any] | None = None) -> FoundTool | None:
    """`name` looked up for a build with these settings (PATH only when None)."""
    return ToolLookup.from_settings(settings).find(name)


def tool_path(name: str, settings: Mapping[str, Any] | None = None) -> Path | None:
    """The executable's path, or None when it is nowhere."""
    found = find_tool(name, settings)
    return found.path if found else None


def missing_hint(name: str) -> str:
    """How to get a tool, for messages: points at `specloom doctor`."""
    return (
        f"install {name} (run `specloom doctor` for the Debian/npm line), put it on PATH, "
        f"in the project's node_modules/.bin, or set [tool.specloom.tools] {name} = PATH"
    )


def _executable(p: Path) -> bool:
    return p.is_file() and os.access(p, os.X_OK)
