"""SL001: vague words in clause text (whole words, case-insensitive)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from specloom.check.context import LintContext
from specloom.check.rules import finding
from specloom.check.text import locate
from specloom.findings import Finding
from specloom.model import Spec

VAGUE_WORDS: tuple[str, ...] = (
    "fast",
    "quickly",
    "appropriate",
    "appropriately",
    "as appropriate",
    "user-friendly",
    "etc.",
    "as needed",
    "and/or",
    "some",
    "several",
    "reasonable",
    "reasonably",
    "efficient",
    "efficiently",
    "easy",
    "easily",
    "simple",
    "robust",
    "flexible",
    "adequate",
    "sufficient",
    "if possible",
    "as soon as possible",
    "normally",
    "typically",
    "various",
    "seamless",
)
"""Words and phrases that make a requirement untestable; longest phrases match first."""


def _pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    alts = sorted(words, key=len, reverse=True)
    # \b does not work around `.` or `/`: use look-arounds on word characters instead.
    body = "|".join(re.escape(w) for w in alts)
    return re.compile(rf"(?<![\w-])(?:{body})(?![\w-])", re.IGNORECASE)


VAGUE = _pattern(VAGUE_WORDS)


def check(spec: Spec, ctx: LintContext) -> Iterator[Finding]:
    """One finding per vague word occurrence in each clause's own text."""
    lines = ctx.sources.lines(spec.path)
    for clause, text in ctx.own_texts(spec):
        seen: set[str] = set()
        for m in VAGUE.finditer(text):
            word = m.group(0)
            if word.lower() in seen:
                continue
            seen.add(word.lower())
            word_re = re.compile(rf"(?<![\w-]){re.escape(word)}(?![\w-])", re.IGNORECASE)
            line = locate(lines, clause.pos.line, word_re)
            yield finding(
                "SL001",
                f"vague word {word!r} in clause {clause.id}: replace it with something "
                "measurable (a number, a limit, a named list)",
                clause=clause.id,
                file=clause.pos.file,
                line=line,
            )
