"""One lock per spec output folder, so two builds of the same output never interleave."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from specloom.errors import BuildError
from specloom.pipeline.publish import ensure_dir
from specloom.pipeline.stage import no_symlink, write_error

LOCK_NAME = ".lock"


class OutputLockedError(BuildError):
    """Another build holds the output lock and the caller asked not to wait (exit code 3)."""

    exit_code = 3


@contextmanager
def lock_outputs(
    spec_dirs: list[Path],
    *,
    wait: bool = True,
    timeout: float = -1,
    on_wait: Callable[[Path], None] | None = None,
) -> Iterator[None]:
    """Hold the lock of every folder (sorted, so two builds cannot deadlock)."""
    with ExitStack() as stack:
        for d in sorted(set(spec_dirs)):
            ensure_dir(d)
            try:
                no_symlink(d / LOCK_NAME)  # filelock opens (and truncates) what it points at
            except OSError as exc:
                raise write_error(d / LOCK_NAME, exc) from None
            lock = FileLock(str(d / LOCK_NAME))
            try:
                _acquire(lock, 0)
            except Timeout:
                if not wait:
                    raise OutputLockedError(
                        f"{d} is being built by another process",
                        file=str(d / LOCK_NAME),
                        hint="wait for the other build to finish, or drop --no-wait to queue",
                    ) from None
                if on_wait is not None:
                    on_wait(d)
                try:
                    _acquire(lock, timeout)
                except Timeout:
                    raise OutputLockedError(
                        f"{d} stayed locked by another build for {timeout:g} s",
                        file=str(d / LOCK_NAME),
                        hint="check for a hung build (its pid holds the lock file)",
                    ) from None
            stack.callback(lock.release)
        yield


def _acquire(lock: FileLock, timeout: float) -> None:
    """Take the lock; a read-only or unwritable output folder is a clear error (exit 2)."""
    try:
        lock.acquire(timeout=timeout)
    except Timeout:
        raise  # (a subclass of OSError)
    except OSError as exc:
        raise write_error(Path(lock.lock_file), exc) from None
