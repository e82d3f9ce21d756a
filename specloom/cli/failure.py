"""How a command that failed says so: the message on stderr, exit code 2, no traceback."""

from __future__ import annotations

from specloom.errors import SpecloomError


def report(exc: SpecloomError | OSError) -> int:
    """Print a SpecloomError (or an OSError no command turned into one) to stderr; return
    the exit code (the error's own, else 2)."""
    if isinstance(exc, OSError):
        err(str(os_error(exc)))
        return 2
    err(str(exc))
    code: int = getattr(exc, "exit_code", 2)
    return code


def err(text: str) -> None:
    """Print to stderr through rich (imported only when there is something to say)."""
    from rich.console import Console

    Console(stderr=True, highlight=False, soft_wrap=True).print(text, markup=False)


def os_error(exc: OSError) -> SpecloomError:
    """A file-system error as a user-facing error naming the path and a fix."""
    path = exc.filename if exc.filename is not None else None
    where = f" {path}" if path else ""
    return SpecloomError(
        f"cannot access{where}: {exc.strerror or type(exc).__name__}",
        file=str(path) if path else None,
        hint="check that the path exists, that you may read and write it, and that the disk"
        " has space; then run the command again",
    )
