"""WebVTT transcript: one cue per spoken line, voice-tagged with the host's name."""

from __future__ import annotations

import re

from .assemble import Timeline
from .script import Episode

_TIME = re.compile(r"^(\d+):(\d{2}):(\d{2})\.(\d{3})$")


def timestamp(ms: int) -> str:
    """`HH:MM:SS.mmm`."""
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, milli = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}.{milli:03d}"


def parse_timestamp(text: str) -> int:
    """Milliseconds of `HH:MM:SS.mmm` (ValueError otherwise)."""
    m = _TIME.match(text.strip())
    if not m:
        raise ValueError(f"not a WebVTT timestamp: {text!r}")
    h, mi, s, ms = (int(g) for g in m.groups())
    return ((h * 60 + mi) * 60 + s) * 1000 + ms


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def transcript_vtt(episode: Episode, timeline: Timeline) -> bytes:
    """transcript.vtt bytes; cue ids are `<segment>-<n>` followed by the clause ids."""
    names = {h.id: h.name for h in episode.hosts}
    # the header is plain text (no entities); it only must not contain "-->"
    out = [f"WEBVTT - {' '.join(episode.title.split()).replace('-->', '->')}", ""]
    counters: dict[str, int] = {}
    for cue in timeline.cues:
        counters[cue.segment] = counters.get(cue.segment, 0) + 1
        ident = f"{cue.segment}-{counters[cue.segment]}"
        if cue.clauses:
            ident += " " + ",".join(cue.clauses)
        out += [
            ident,
            f"{timestamp(cue.start_ms)} --> {timestamp(cue.end_ms)}",
            # one line: a blank line would end the cue, and the gates read it back
            f"<v {_escape(_one_line(names[cue.speaker]))}>{_escape(_one_line(cue.text))}",
            "",
        ]
    return "\n".join(out).encode()


def cue_times(vtt: str) -> list[tuple[int, int]]:
    """(start, end) of every cue, in file order."""
    times: list[tuple[int, int]] = []
    for line in vtt.splitlines():
        if "-->" in line:
            start, end = line.split("-->", 1)
            times.append((parse_timestamp(start), parse_timestamp(end.split()[0])))
    return times
