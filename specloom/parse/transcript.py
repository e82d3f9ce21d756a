"""Model Spec style `xml` transcripts: messages, `<comparison>` groups and GOOD/BAD verdicts."""

from __future__ import annotations

import re
from typing import Literal

from specloom.model import SourcePos, Transcript, TranscriptMessage

OPEN_TAG = re.compile(r"<([A-Za-z][\w-]*)(?:\s[^<>]*)?>")
"""An element's opening tag; group 1 is its name (the message's role)."""
VERDICT = re.compile(r"\A[ \t]*<!--\s*(GOOD|BAD|OK)\b\s*:?\s*(.*?)\s*-->", re.DOTALL)
"""The verdict comment that may open a message: `<!-- BAD: why -->` (also OK, as the Model
Spec writes for an acceptable but not ideal answer)."""
_OPEN = OPEN_TAG
_VERDICT = VERDICT
_ATTR = re.compile(r"""([A-Za-z_][\w.:-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
COMPARISON = "comparison"


def parse_transcript(raw: str, file: str, line: int) -> Transcript:
    """Parse a transcript leniently: what cannot be read stays only in `raw`; never raises."""
    messages: list[TranscriptMessage] = []
    _Scanner(raw, file, line + 1).scan(0, len(raw), messages, depth=0)
    return Transcript(messages=messages, raw=raw, pos=SourcePos(file=file, line=line))


class _Scanner:
    """Walks one transcript's raw text; `first_line` is the file line of the text's first line."""

    def __init__(self, raw: str, file: str, first_line: int) -> None:
        self.raw = raw
        self.file = file
        self.first_line = first_line
        self.comparisons = 0

    def pos(self, offset: int) -> SourcePos:
        """The file position of the character at `offset` in the raw text."""
        return SourcePos(file=self.file, line=self.first_line + self.raw.count("\n", 0, offset))

    def scan(self, pos: int, end: int, out: list[TranscriptMessage], depth: int) -> None:
        raw = self.raw
        while pos < end:
            m = _OPEN.search(raw, pos, end)
            if m is None:
                return
            name = m.group(1)
            group = self.comparisons - 1 if depth else None
            if m.group().endswith("/>"):
                out.append(
                    TranscriptMessage(
                        role=name,
                        text="",
                        attrs=_attrs(m.group()),
                        comparison=group,
                        pos=self.pos(m.start()),
                    )
                )
                pos = m.end()
                continue
            close = matching_close(raw, name, m.end(), end)
            if close is None:
                return  # unclosed: keep what was read so far
            if name == COMPARISON and depth == 0:
                self.comparisons += 1
                self.scan(m.end(), close[0], out, depth + 1)
            else:
                inner = raw[m.end() : close[0]]
                out.append(_message(name, inner, _attrs(m.group()), group, self.pos(m.start())))
            pos = close[1]


def matching_close(raw: str, name: str, pos: int, end: int) -> tuple[int, int] | None:
    """Offsets of the `</name>` that closes an element opened before `pos` (nesting counted)."""
    pattern = re.compile(rf"<(/?){re.escape(name)}(?:\s[^<>]*)?>")
    depth = 1
    for m in pattern.finditer(raw, pos, end):
        if m.group(1):
            depth -= 1
            if depth == 0:
                return m.start(), m.end()
        elif not m.group().endswith("/>"):
            depth += 1
    return None


def _attrs(tag: str) -> dict[str, str]:
    """`name="value"` pairs of an opening tag, in order; unquoted values are not attributes."""
    return {
        a.group(1): a.group(2) if a.group(2) is not None else a.group(3)
        for a in _ATTR.finditer(tag)
    }


def _message(
    role: str, inner: str, attrs: dict[str, str], group: int | None, pos: SourcePos
) -> TranscriptMessage:
    verdict: Literal["GOOD", "BAD", "OK"] | None = None
    note: str | None = None
    v = _VERDICT.match(inner)
    if v is not None:
        verdict = "GOOD" if v.group(1) == "GOOD" else "BAD" if v.group(1) == "BAD" else "OK"
        note = v.group(2) or None
        inner = inner[v.end() :]
    return TranscriptMessage(
        role=role,
        text=inner.strip(),
        verdict=verdict,
        note=note,
        attrs=attrs,
        comparison=group,
        pos=pos,
    )
