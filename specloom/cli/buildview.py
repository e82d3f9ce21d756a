"""The summary table of a build (rich), shared by the full command and the no-op answer."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.table import Table

    from specloom.pipeline.noop import Replay

STATUS_STYLE = {"built": "green", "skipped": "dim", "failed": "red", "blocked": "yellow"}


def table(output: str, seconds: float, cells: list[list[str]]) -> Table:
    """spec, target, status, time, gates: one row per cell list."""
    from rich.table import Table

    out = Table(title=f"build: {output} ({seconds:.2f} s)")
    for col in ("spec", "target", "status", "time (s)", "gates"):
        out.add_column(col)
    for spec, target, status, secs, gates in cells:
        style = STATUS_STYLE.get(status, "")
        out.add_row(spec, target, f"[{style}]{status}[/]" if style else status, secs, gates)
    return out


def print_replay(hit: Replay, fmt: str) -> None:
    """Print a no-op build answered from its stamp as the full command prints a no-op."""
    if fmt == "json":
        print(json.dumps(hit.result, indent=2, sort_keys=True), flush=True)
        return
    from rich.console import Console
    from rich.markup import escape

    out = Console(highlight=False, soft_wrap=True)
    for w in hit.result["warnings"]:
        out.print(f"[yellow]warning:[/] {escape(w)}", markup=True)
    if not hit.table:
        out.print("nothing to build (no spec selected)")
    else:
        out.print(table(hit.result["output"], hit.result["seconds"], hit.table))
