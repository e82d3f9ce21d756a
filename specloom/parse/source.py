"""Reading spec and example files: size limit, binary and encoding checks, line handling."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

from specloom.errors import SpecError
from specloom.parse.sandbox import check_readable

MAX_FILE_BYTES = 10 * 1024 * 1024
"""Largest Markdown file specloom reads (10 MiB); the Model Spec is 0.27 MiB."""
_BOM = b"\xef\xbb\xbf"
_READS: ContextVar[dict[str, str] | None] = ContextVar("specloom_reads", default=None)


@dataclass(frozen=True)
class SourceFile:
    """A decoded Markdown file: its path as given (POSIX), its text and its raw bytes."""

    path: str
    text: str
    data: bytes


def read_source(path: Path) -> SourceFile:
    """Read a Markdown file as UTF-8 text with `\\n` line ends; refuse what cannot be a spec."""
    shown = path.as_posix()
    check_readable(path)
    data = _read_regular(path)
    if data is None:
        data = _read_checked(path, shown)
    src = SourceFile(shown, decode(data, shown), data)
    reads = _READS.get()
    if reads is not None:  # the file as `Path.read_text` gives it: a BOM is kept
        reads[shown] = "\ufeff" + src.text if data.startswith(_BOM) else src.text
    return src


def _read_regular(path: Path) -> bytes | None:
    """The bytes of a regular file of at most MAX_FILE_BYTES, with one open, one fstat and
    one read (a Path's stat and read_bytes cost twice that; a spec has an examples file per
    clause); None for anything else, which `_read_checked` then reads or refuses by name."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_FILE_BYTES:
            return None
        chunks = [os.read(fd, st.st_size + 1)]
        while chunks[-1]:  # (a file that grew since the fstat is read to its end)
            chunks.append(os.read(fd, 1 << 20))
        return b"".join(chunks)
    except OSError:
        return None
    finally:
        os.close(fd)


def _read_checked(path: Path, shown: str) -> bytes:
    """The file's bytes, or a SpecError saying which step failed (stat, size, read)."""
    try:
        st = path.stat()
    except OSError as exc:
        raise SpecError(
            f"cannot read the file: {exc.strerror or exc}",
            file=shown,
            hint="check that the path exists and is readable",
        ) from None
    if not stat.S_ISREG(st.st_mode):  # reading a FIFO or a device would block or never end
        kind = "a named pipe (FIFO)" if stat.S_ISFIFO(st.st_mode) else "not a regular file"
        raise SpecError(
            f"the path is {kind}, not a file specloom can read",
            file=shown,
            hint="replace it with a regular file, or move it out of the specs folder",
        )
    size = st.st_size
    if size > MAX_FILE_BYTES:
        raise SpecError(
            f"the file is {size / 1048576:.1f} MiB; specloom reads spec files up to "
            f"{MAX_FILE_BYTES // 1048576} MiB",
            file=shown,
            hint="split the spec into several specs that import each other",
        )
    try:
        return path.read_bytes()
    except OSError as exc:
        raise SpecError(
            f"cannot read the file: {exc.strerror or exc}",
            file=shown,
            hint="check that the path is a readable file",
        ) from None


@contextmanager
def remembering_reads() -> Iterator[dict[str, str]]:
    """Collect, for each file `read_source` reads inside the block, its text as
    `Path(path).read_text(encoding="utf-8")` would give it (the lint rules read the files a
    load just read: they get them from here instead of from the disk again)."""
    reads: dict[str, str] = {}
    token = _READS.set(reads)
    try:
        yield reads
    finally:
        _READS.reset(token)


def source_of(content: str | bytes, shown: str) -> SourceFile:
    """A SourceFile for content held in memory, with the same checks as a file on disk."""
    data = content.encode("utf-8", errors="surrogatepass") if isinstance(content, str) else content
    if len(data) > MAX_FILE_BYTES:
        raise SpecError(
            f"the file is {len(data) / 1048576:.1f} MiB; specloom reads spec files up to "
            f"{MAX_FILE_BYTES // 1048576} MiB",
            file=shown,
            hint="split the spec into several specs that import each other",
        )
    return SourceFile(shown, decode(data, shown), data)


def decode(data: bytes, shown: str) -> str:
    """UTF-8 text of `data` with a BOM dropped and line ends normalised to `\\n`."""
    nul = data.find(b"\0")
    if nul >= 0:
        raise SpecError(
            "the file is binary (it contains NUL bytes), not Markdown",
            file=shown,
            line=data.count(b"\n", 0, nul) + 1,
            hint="point specloom at a UTF-8 Markdown file",
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SpecError(
            f"the file is not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})",
            file=shown,
            line=data.count(b"\n", 0, exc.start) + 1,
            hint="save the file as UTF-8",
        ) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    return text.replace("\r\n", "\n").replace("\r", "\n")


@contextmanager
def file_errors(path: Path) -> Iterator[None]:
    """Turn an operating-system error met while looking at `path` into a SpecError."""
    try:
        yield
    except OSError as exc:
        shown = Path(exc.filename).as_posix() if exc.filename else path.as_posix()
        raise SpecError(
            f"cannot read: {exc.strerror or exc}",
            file=shown,
            hint="check that the path exists and that you may read it",
        ) from None
