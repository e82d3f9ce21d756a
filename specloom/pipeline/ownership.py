"""What specloom may write or delete under `output/`: only folders it created, never through a
symlink, never outside the output root.

A spec's output folder is ours when it holds the marker `.specloom-output` (written when
specloom creates the folder) or, for output from before the marker existed, a readable
`manifest.json` naming that spec. Anything else is left alone: the build refuses to write
there (exit 2) instead of adopting, cleaning or overwriting someone else's files.
"""

from __future__ import annotations

import os
from pathlib import Path

from specloom.errors import BuildError
from specloom.pipeline.manifest import read_manifest, write_atomic
from specloom.pipeline.stage import write_error

MARKER = ".specloom-output"
MARKER_TEXT = b"This folder is written by specloom build; it may delete what it created here.\n"


def inside_root(output: Path, spec_dir: Path) -> None:
    """Refuse (exit 2) a spec output folder that is a symlink or resolves outside the root:
    the build would write, and clean leftovers, wherever it points."""
    root = output.resolve()
    if spec_dir.is_symlink() or spec_dir.resolve() != root / spec_dir.name:
        where = spec_dir.resolve() if spec_dir.exists() else os.readlink(spec_dir)
        raise BuildError(
            f"{spec_dir} leads outside the output folder {output} (to {where}); specloom"
            " writes and deletes only inside its output",
            file=str(spec_dir),
            hint="remove the symlink (the target folder is left as it is), or pass the real"
            " folder's parent as --output",
        )


def owns(spec_dir: Path, spec_id: str) -> bool:
    """True when specloom created `spec_dir`: the marker, or a manifest of this spec."""
    if (spec_dir / MARKER).is_file():
        return True
    m = read_manifest(spec_dir)
    return m is not None and m.spec == spec_id


def claim(output: Path, spec_dir: Path, spec_id: str) -> None:
    """Make sure `spec_dir` is ours before a build writes into it: create it with the marker,
    mark an empty folder or one with this spec's manifest, refuse anything else (exit 2)."""
    inside_root(output, spec_dir)
    try:
        if not spec_dir.exists():
            spec_dir.mkdir(parents=False)
            _mark(spec_dir)
            return
        if not spec_dir.is_dir():
            raise BuildError(
                f"cannot write {spec_dir}: a file is in the way (it is not a folder)",
                file=str(spec_dir),
                hint="move it away or choose another --output",
            )
        if (spec_dir / MARKER).is_file():
            return
        if owns(spec_dir, spec_id) or not any(spec_dir.iterdir()):
            _mark(spec_dir)
            return
    except OSError as exc:
        raise write_error(spec_dir, exc) from None
    raise BuildError(
        f"{spec_dir} holds files specloom did not write (no {MARKER} marker and no manifest"
        f" of spec {spec_id!r}); they are left alone and nothing is built there",
        file=str(spec_dir),
        hint="move the folder away (or empty it), or choose another --output",
    )


def _mark(spec_dir: Path) -> None:
    write_atomic(spec_dir / MARKER, MARKER_TEXT)
