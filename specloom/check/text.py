"""Text helpers shared by the rules: source lines, prose outside code fences, clause own text."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from specloom.model import Clause, Spec

_FENCE = re.compile(r"^\s{0,12}(`{3,}|~{3,})\s*([\w-]*)")
_FOOTNOTE = re.compile(r"\[\^[^\]\s]+\]")
_SPACE = re.compile(r"\s+")
CLARIFICATION = re.compile(r"\[NEEDS CLARIFICATION\b[^\]]*\]", re.IGNORECASE)
"""An open-question marker (clarify --write): SL005 reports it; no other rule reads it."""


@dataclass
class Sources:
    """Lines of the files the rules look at, each read once (missing or binary files: no lines)."""

    _text: dict[str, str] = field(default_factory=dict)
    _lines: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def known(cls, texts: dict[str, str]) -> Sources:
        """Sources whose files' texts are already known (path -> text as `text` reads it:
        `specloom.parse.source.remembering_reads`); other files are read when asked for."""
        return cls(_text=dict(texts))

    def text(self, path: str) -> str:
        """The file's text; "" when it cannot be read as UTF-8."""
        if path not in self._text:
            try:
                self._text[path] = Path(path).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                self._text[path] = ""
        return self._text[path]

    def lines(self, path: str) -> list[str]:
        """The file's lines without line ends; [] when it cannot be read as UTF-8."""
        if path not in self._lines:
            self._lines[path] = self.text(path).splitlines()
        return self._lines[path]


def prose_lines(
    lines: list[str], *, keep_info: frozenset[str] = frozenset()
) -> Iterator[tuple[int, str]]:
    """(1-based line number, text) of lines outside front matter and fenced code blocks.

    Fences whose info string is in `keep_info` (e.g. `specloom`) are kept: their text is
    part of the spec (item docs), while transcripts and code samples are quoted material.
    """
    start = 0
    if lines and lines[0].strip() == "---":
        for i in range(1, len(lines)):
            if lines[i].strip() in ("---", "..."):
                start = i + 1
                break
    fence: str | None = None
    keep = False
    for i in range(start, len(lines)):
        line = lines[i]
        m = _FENCE.match(line)
        if fence is None:
            if m:
                fence, keep = m.group(1), m.group(2) in keep_info
                continue
            yield i + 1, line
        else:
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence) and not m.group(2):
                fence = None
                continue
            if keep:
                yield i + 1, line


def normalise(text: str) -> str:
    """Text with footnote tags removed and whitespace collapsed."""
    if "[^" in text:  # (the substitution needs it: skipped for most sentences)
        text = _FOOTNOTE.sub("", text)
    return _SPACE.sub(" ", text).strip()


def _rule_text(text: str) -> str:
    """What the wording rules read: `normalise` minus clarification markers (a marker quotes
    the vague word it asks about; that quote is not a second use of the word)."""
    return normalise(CLARIFICATION.sub(" ", text) if "[" in text else text)


def own_texts(spec: Spec) -> list[tuple[Clause, str]]:
    """Each clause with the text it owns: a statement's sentence; a section's prose minus
    the statements inside it (so a word is reported once, on the most precise clause)."""
    texts = [_rule_text(c.text) for c in spec.clauses]
    by_section: dict[str | None, list[str]] = {}
    for c, text in zip(spec.clauses, texts, strict=True):
        if c.kind == "statement":
            by_section.setdefault(c.section, []).append(text)
    out: list[tuple[Clause, str]] = []
    for c, text in zip(spec.clauses, texts, strict=True):
        if c.kind == "section":
            for s in by_section.get(c.id, []):
                if s:
                    text = text.replace(s, " ")
        out.append((c, text))
    return out


def locate(lines: list[str], start: int, pattern: re.Pattern[str], window: int = 60) -> int:
    """The line (1-based) at or after `start` where `pattern` first matches, else `start`."""
    stop = min(len(lines), start - 1 + window)
    for i in range(max(start - 1, 0), stop):
        if i > start - 1 and lines[i].startswith("#"):
            break
        if pattern.search(lines[i]):
            return i + 1
    return start
