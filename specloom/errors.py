"""The project's own error type: every expected failure names a file, a line and a fix."""

from __future__ import annotations


class SpecloomError(Exception):
    """A user-facing error. The CLI prints it as `file:line: error: message` plus a hint."""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line
        self.hint = hint

    def __str__(self) -> str:
        where = ""
        if self.file:
            where = f"{self.file}:{self.line}: " if self.line else f"{self.file}: "
        text = f"{where}error: {self.message}"
        if self.hint:
            text += f"\n  fix: {self.hint}"
        return text


class SpecError(SpecloomError):
    """The spec text itself is wrong (syntax, YAML, front matter, unknown names)."""


class ConfigError(SpecloomError):
    """`[tool.specloom]` configuration is wrong."""


class BuildError(SpecloomError):
    """The build cannot proceed (locked output, unwritable output, missing tool)."""


class ToolMissingError(BuildError):
    """An external program (tsc, cargo, espeak-ng, ffmpeg...) is not installed."""
