"""The episode's other forms read back: script.md, transcript.vtt cues and chapters.json.

Each is parsed from the published bytes and compared, line by line, with script.json.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from .script import Episode
from .vtt import parse_timestamp

_MD_ESCAPE = re.compile(r"\\([\\`*_\[\]<>|#])")
_MD_LINE = re.compile(
    r"^\*\*(?P<name>.+?):\*\* (?P<text>.*?)(?: \[(?P<ids>`[^`]*`(?:, `[^`]*`)*)\])?$"
)
_VOICE = re.compile(r"^<v (?P<name>[^>]*)>(?P<text>.*)$", re.DOTALL)


@dataclass(frozen=True)
class SpokenLine:
    """One line as a form shows it: its segment, speaker's name, text and clause ids."""

    segment: str
    speaker: str
    text: str
    clauses: tuple[str, ...]


def expected_lines(episode: Episode, by_title: bool = False) -> list[SpokenLine]:
    """script.json's lines (segments by id, or by title as script.md shows them)."""
    names = {h.id: h.name for h in episode.hosts}
    return [
        SpokenLine(
            _one_line(seg.title) if by_title else seg.id,
            _one_line(names.get(line.speaker, line.speaker)),
            _one_line(line.text),
            tuple(line.clauses),
        )
        for seg in episode.segments
        for line in seg.lines
    ]


def _one_line(text: str) -> str:
    """Text as script.md and the VTT write it: whitespace runs as one space."""
    return " ".join(text.split())


def md_unescape(text: str) -> str:
    """Undo the script.md template's `md_text` escaping."""
    return _MD_ESCAPE.sub(r"\1", text)


def script_md_lines(text: str) -> list[SpokenLine]:
    """The lines of script.md: `## segment title`, then `**Name:** text [`ids`]` lines."""
    out: list[SpokenLine] = []
    segment = ""
    for raw in text.splitlines():
        if raw.startswith("## "):
            segment = md_unescape(raw[3:].strip())
            continue
        m = _MD_LINE.match(raw)
        if m is None:
            continue
        ids = tuple(re.findall(r"`([^`]*)`", m.group("ids") or ""))
        out.append(
            SpokenLine(segment, md_unescape(m.group("name")), md_unescape(m.group("text")), ids)
        )
    return out


@dataclass(frozen=True)
class VttCue:
    """One cue of transcript.vtt."""

    segment: str
    clauses: tuple[str, ...]
    start_ms: int
    end_ms: int
    speaker: str
    text: str


def vtt_cues(text: str) -> list[VttCue]:
    """The cues of a WebVTT file as transcript_vtt writes them (id, timing, `<v Name>text`)."""
    cues: list[VttCue] = []
    blocks = re.split(r"\n\s*\n", text.replace("\r\n", "\n").strip())
    for block in blocks[1:]:  # the first block is the WEBVTT header
        lines = block.split("\n")
        timing = next((i for i, ln in enumerate(lines) if "-->" in ln), None)
        if timing is None:
            continue
        ident = lines[0].split(" ", 1) if timing == 1 else [""]
        segment = ident[0].rsplit("-", 1)[0] if ident[0] else ""
        clauses = tuple(ident[1].split(",")) if len(ident) > 1 and ident[1] else ()
        start, end = lines[timing].split("-->", 1)
        payload = "\n".join(lines[timing + 1 :])
        v = _VOICE.match(payload)
        speaker, spoken = (v.group("name"), v.group("text")) if v else ("", payload)
        speaker, spoken = html.unescape(speaker), html.unescape(spoken)
        cues.append(
            VttCue(
                segment,
                clauses,
                parse_timestamp(start),
                parse_timestamp(end.split()[0]),
                speaker,
                spoken,
            )
        )
    return cues


def first_difference(want: list[SpokenLine], got: list[SpokenLine]) -> str | None:
    """Where two line lists first differ (None when equal)."""
    for n, (a, b) in enumerate(zip(want, got, strict=False), 1):
        if a != b:
            for field in ("segment", "speaker", "text", "clauses"):
                if getattr(a, field) != getattr(b, field):
                    return (
                        f"line {n}: {field} is {getattr(b, field)!r}, script.json has "
                        f"{getattr(a, field)!r}"
                    )
    if len(want) != len(got):
        return f"{len(got)} lines, script.json has {len(want)}"
    return None
