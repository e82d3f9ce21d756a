"""What every rule family gets: the workspace, the source files and the target policies."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from specloom.check.text import Sources, own_texts
from specloom.model import Clause, Spec, Workspace

T = TypeVar("T")


@dataclass
class LintContext:
    """Shared state of one lint run."""

    workspace: Workspace
    sources: Sources = field(default_factory=Sources)
    ts_int64: str = "number"
    """The TypeScript target's int64 policy: `number` (default) or `bigint`."""
    target_settings: dict[str, dict[str, Any]] = field(default_factory=dict)
    """`[tool.specloom.targets]`: a lint hook reads its own target's table (raw, as the
    target's build receives it)."""
    _own: dict[str, list[tuple[Clause, str]]] = field(default_factory=dict)
    _memo: dict[str, Any] = field(default_factory=dict)

    def memo(self, key: str, compute: Callable[[], T]) -> T:
        """A workspace-wide value computed once per run (rules must not loop over every
        spec again for every spec: that is quadratic in the number of specs)."""
        if key not in self._memo:
            self._memo[key] = compute()
        value: T = self._memo[key]
        return value

    def own_texts(self, spec: Spec) -> list[tuple[Clause, str]]:
        """`text.own_texts(spec)`, computed once per spec (three rule families read it)."""
        if spec.id not in self._own:
            self._own[spec.id] = own_texts(spec)
        return self._own[spec.id]
