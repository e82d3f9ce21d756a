"""The check files a stub target ships (conformance suite, typed fixtures) are functions of the
IR alone. A gate must not trust a published copy of its own checks: it compiles the copy the
spec gives, and reports a published copy that differs (edited, emptied, stale or missing)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from specloom.findings import Finding, Severity
from specloom.target import GeneratedFile


def restore_check_files(
    generated: list[GeneratedFile], published: Path, work: Path, rules: Mapping[str, str]
) -> list[Finding]:
    """For each check file (`rules`: path -> gate id), compare the published bytes with the
    generated ones, then put the generated version (or its absence) into `work`, the copy
    the compilers check. One error of the file's gate per difference."""
    fresh = {f.path: f.data for f in generated if f.path in rules}
    out: list[Finding] = []
    for path, rule in sorted(rules.items()):
        want = fresh.get(path)
        src = published / path
        have = src.read_bytes() if src.is_file() else None
        if have != want:
            if have is None:
                what = "is missing from the published output"
            elif want is None:
                what = "is published but the spec gives no such file"
            else:
                what = "differs from the one the spec gives (edited or stale)"
            out.append(
                Finding(
                    rule=rule,
                    severity=Severity.ERROR,
                    message=f"{path} {what}; the gate compiled the spec's version "
                    "(rebuild with specloom build --force)",
                    file=path,
                )
            )
        dest = work / path
        if want is None:
            dest.unlink(missing_ok=True)
        elif not (dest.is_file() and dest.read_bytes() == want):
            # Unchanged bytes keep their modification time: cargo's fingerprints stay valid.
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(want)
    return out
