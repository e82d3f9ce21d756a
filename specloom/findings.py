"""Findings: the one result type of lint, type check, conflict detection and target gates."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from pydantic import BaseModel, ConfigDict


class Severity(StrEnum):
    """How bad a finding is; only errors block publication and fail commands."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class GateState(StrEnum):
    """Whether a finding reports something found, or a gate that did not run and why."""

    FOUND = "found"
    """A gate (or rule) ran and found this."""
    NOT_RUN = "not_run"
    """The gate could not run (a tool missing): never a pass; an error under strict mode."""
    OFF = "off"
    """The gate was turned off on purpose by config: listed, never a failure."""


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
    state: GateState = GateState.FOUND
    """`not_run` or `off` for a gate that did not run (see `not_run` and `turned_off`)."""

    def as_dict(self) -> dict[str, object]:
        """The six public keys, in a stable order (the lint JSON format); a gate that did not
        run adds a seventh, `state` (`not_run` or `off`)."""
        out: dict[str, object] = {
            "rule": self.rule,
            "severity": self.severity.value,
            "message": self.message,
            "file": self.file,
            "line": self.line,
            "clause": self.clause,
        }
        if self.state is not GateState.FOUND:
            out["state"] = self.state.value
        return out

    def location(self) -> str:
        """`file:line`, `file` or `-`."""
        if self.file and self.line:
            return f"{self.file}:{self.line}"
        return self.file or "-"


def has_errors(findings: list[Finding]) -> bool:
    """True when any finding is an error."""
    return any(f.severity is Severity.ERROR for f in findings)


def not_run(rule: str, message: str, *, file: str | None = None, fix: str = "") -> Finding:
    """A gate that could not run (a tool missing): a warning that makes the report's `ok`
    false, and an error under strict mode (`--strict`, `strict_gates = true`)."""
    text = f"not run: {message}" + (f" (fix: {fix})" if fix else "")
    return Finding(
        rule=rule, severity=Severity.WARNING, message=text, file=file, state=GateState.NOT_RUN
    )


def turned_off(rule: str, reason: str) -> Finding:
    """A gate turned off on purpose by config: reported as `off`, never a failure."""
    return Finding(rule=rule, severity=Severity.INFO, message=f"off: {reason}", state=GateState.OFF)


def is_not_run(finding: Finding) -> bool:
    """A gate that could not run. Messages starting with "skipped" (the form used before
    `not_run` existed) count too, so a target not yet ported is never read as a pass."""
    if finding.state is GateState.NOT_RUN:
        return True
    return (
        finding.state is GateState.FOUND
        and finding.severity is not Severity.ERROR
        and finding.message.lstrip().lower().startswith("skipped")
    )


def is_off(finding: Finding) -> bool:
    """A gate turned off on purpose by config."""
    return finding.state is GateState.OFF


def strict(findings: Iterable[Finding]) -> list[Finding]:
    """Strict mode: every gate that could not run becomes an error (it blocks publication)."""
    return [
        f.model_copy(update={"severity": Severity.ERROR, "state": GateState.NOT_RUN})
        if is_not_run(f)
        else f
        for f in findings
    ]


def gate_outcomes(declared: Iterable[str], findings: Iterable[Finding]) -> dict[str, list[str]]:
    """`passed`, `failed`, `skipped` (not run) and `off` gate ids, each sorted.

    A declared gate passed when it ran and reported no error; a gate id that only shows up in
    findings (a gate the target did not declare) is listed by what its findings say."""
    found = list(findings)
    failed = {f.rule for f in found if f.severity is Severity.ERROR and not is_not_run(f)}
    skipped = {f.rule for f in found if is_not_run(f)}
    off = {f.rule for f in found if is_off(f)} - failed - skipped
    passed = set(declared) - failed - skipped - off
    return {
        "passed": sorted(passed),
        "failed": sorted(failed),
        "skipped": sorted(skipped - failed),
        "off": sorted(off),
    }
