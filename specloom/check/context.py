"""What every rule family gets: the workspace, the source files and the target policies."""

from __future__ import annotations

from dataclasses import dataclass, field

from specloom.check.text import Sources
from specloom.model import Workspace


@dataclass
class LintContext:
    """Shared state of one lint run."""

    workspace: Workspace
    sources: Sources = field(default_factory=Sources)
    ts_int64: str = "number"
    """The TypeScript target's int64 policy: `number` (default) or `bigint`."""
