"""Writing a file the user owns (a spec, a report beside it) atomically, with a normal mode.

`tempfile.mkstemp` creates its file 0600; a spec or a report renamed over from it would
become unreadable to the user's group and to other tools. An existing file keeps its mode;
a new one gets 0666 less the umask, as `open()` would give it.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_user_text(path: Path, text: str, *, newline: str | None = None) -> None:
    """Replace `path` with `text` through a temp file in the same folder and a rename:
    readers see the old file or the new one, never a half-written one."""
    try:
        mode = path.stat().st_mode & 0o7777
    except FileNotFoundError:
        mask = os.umask(0)
        os.umask(mask)
        mode = 0o666 & ~mask
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "w", encoding="utf-8", newline=newline) as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
