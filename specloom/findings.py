"""Findings: the one result type of lint, type check, conflict detection and target gates."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict


class Severity(StrEnum):
    """How bad a finding is; only errors block publication and fail commands."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class Finding(BaseModel):
    """One problem found somewhere: a rule id, a severity, a message, a place and a clause."""

    model_config = ConfigDict(extra="forbid")

    rule: str
    """Rule or gate id: `SL001`... for lint, `TS001`/`RS001`/`DOC001`... for gates."""
    severity: Severity
    message: str
    """What is wrong and what to do about it."""
    file: str | None = None
    line: int | None = None
    clause: str | None = None
    """The clause the finding is about, None where there is none."""

    def as_dict(self) -> dict[str, object]:
        """The six public keys, in a stable order (the lint JSON format)."""
        return {
            "rule": self.rule,
            "severity": self.severity.value,
            "message": self.message,
            "file": self.file,
            "line": self.line,
            "clause": self.clause,
        }

    def location(self) -> str:
        """`file:line`, `file` or `-`."""
        if self.file and self.line:
            return f"{self.file}:{self.line}"
        return self.file or "-"


def has_errors(findings: list[Finding]) -> bool:
    """True when any finding is an error."""
    return any(f.severity is Severity.ERROR for f in findings)
