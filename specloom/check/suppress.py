"""Inline suppressions: `<!-- specloom-disable SL003 -->`, `<!-- specloom-disable-file ... -->`.

`specloom-disable` silences the listed rules on its own line and the line after it (so it
can sit at the end of a line or alone on the line before). `specloom-disable-file`
silences them in the whole file. Ids are separated by spaces or commas; a comment with no
id silences every rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from specloom.check.text import Sources
from specloom.findings import Finding

_COMMENT = re.compile(r"<!--\s*specloom-disable(-file)?\b([^>]*?)-->")
ALL = "*"


@dataclass
class Suppressions:
    """The suppressions of one file."""

    file_rules: set[str] = field(default_factory=set)
    line_rules: dict[int, set[str]] = field(default_factory=dict)

    def silences(self, rule: str, line: int | None) -> bool:
        """True when `rule` reported at `line` is suppressed."""
        if ALL in self.file_rules or rule in self.file_rules:
            return True
        if line is None:
            return False
        rules = self.line_rules.get(line, set()) | self.line_rules.get(line - 1, set())
        return ALL in rules or rule in rules


def parse_suppressions(lines: list[str]) -> Suppressions:
    """Collect the suppression comments of a file's lines."""
    out = Suppressions()
    for no, line in enumerate(lines, start=1):
        if "specloom-disable" not in line:
            continue
        for m in _COMMENT.finditer(line):
            ids = {i for i in re.split(r"[\s,]+", m.group(2).strip()) if i} or {ALL}
            if m.group(1):
                out.file_rules |= ids
            else:
                out.line_rules.setdefault(no, set()).update(ids)
    return out


def apply_suppressions(findings: list[Finding], sources: Sources) -> list[Finding]:
    """The findings that no suppression comment in their file silences."""
    cache: dict[str, Suppressions] = {}
    kept: list[Finding] = []
    for f in findings:
        if f.file is None:
            kept.append(f)
            continue
        if f.file not in cache:
            has = "specloom-disable" in sources.text(f.file)
            cache[f.file] = parse_suppressions(sources.lines(f.file)) if has else Suppressions()
        if not cache[f.file].silences(f.rule, f.line):
            kept.append(f)
    return kept
