"""`specloom build --watch`: rebuild on save, one line per rebuild (watchfiles)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from specloom.errors import SpecloomError

if TYPE_CHECKING:
    from specloom.pipeline.build import BuildResult


def summary_line(result: BuildResult, changed: list[str]) -> str:
    """`12:00:01 specs/billing/spec.md: built 2, up to date 5, failed billing/rust (1.3 s)`."""
    counts: dict[str, list[str]] = {}
    for r in result.rows:
        counts.setdefault(r.status, []).append(f"{r.spec}/{r.target}")
    what = ", ".join(changed[:3]) + (f" (+{len(changed) - 3})" if len(changed) > 3 else "")
    parts = [
        f"built {len(counts.get('built', []))}",
        f"up to date {len(counts.get('skipped', []))}",
    ]
    for bad in ("failed", "blocked"):
        if counts.get(bad):
            parts.append(f"{bad} {' '.join(counts[bad])}")
    verdict = "ok" if result.exit_code == 0 else "FAILED"
    stamp = time.strftime("%H:%M:%S")
    return f"{stamp} {what}: {', '.join(parts)} ({result.seconds:.1f} s) {verdict}"


def watch_and_rebuild(
    watched: list[Path],
    rebuild: Callable[[], BuildResult],
    echo: Callable[[str], None],
    stop: threading.Event | None = None,
) -> None:
    """Rebuild whenever a file under `watched` changes, until Ctrl-C or `stop` is set.

    The build is incremental, so only targets whose inputs changed regenerate. Bad input
    mid-edit prints one error line and keeps watching.
    """
    try:
        from watchfiles import watch
    except ModuleNotFoundError:
        raise SpecloomError(
            "--watch needs the watchfiles package",
            hint="pip install 'specloom[watch]'",
        ) from None
    roots = [str(p) for p in watched if p.exists()]
    ready = False
    try:
        for changes in watch(
            *roots,
            stop_event=stop,
            debounce=400,
            raise_interrupt=False,
            yield_on_timeout=True,  # the first (empty) yield says the watcher is set up
            rust_timeout=1000,
        ):
            if not ready:
                echo(f"watching {', '.join(roots)} (Ctrl-C to stop)")
                ready = True
            if not changes:
                continue
            paths = {Path(p) for _, p in changes}
            # editors save through temporary files: name what is still there
            changed = sorted(_shown(p) for p in ({p for p in paths if p.exists()} or paths))
            try:
                echo(summary_line(rebuild(), changed))
            except SpecloomError as exc:
                first = str(exc).splitlines()[0]
                echo(f"{time.strftime('%H:%M:%S')} {', '.join(changed[:3])}: {first}")
    except KeyboardInterrupt:
        pass


def _shown(p: Path) -> str:
    try:
        return p.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return p.as_posix()
