"""The episode script (pydantic) and its validation, shared by the template and LLM backends."""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from specloom.docs_url import doc_url
from specloom.errors import SpecloomError
from specloom.model import Level, Spec

MUST_LEVELS = frozenset({Level.MUST, Level.MUST_NOT})
WALKED_LEVELS = frozenset({Level.MUST, Level.MUST_NOT, Level.SHOULD, Level.SHOULD_NOT})
MAX_LINE_CHARS = 2000
"""A longer line is a malformed script (a whole section pasted into one turn)."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Host(_Strict):
    """One of the two hosts: `explainer` (host A) or `newcomer` (host B)."""

    id: str
    name: str
    role: Literal["explainer", "newcomer"]


class Line(_Strict):
    """One turn: who speaks, what they say, and the clause ids the words are about."""

    speaker: str
    text: str
    clauses: list[str] = Field(default_factory=list)


class Segment(_Strict):
    """A chapter of the episode: the intro, one major section, the recap or the outro."""

    id: str
    title: str
    kind: Literal["intro", "section", "recap", "outro"]
    section: str | None = None
    """The spec section this segment walks through (kind `section`)."""
    lines: list[Line]

    def clause_ids(self) -> list[str]:
        """Clause ids of the segment's lines, first occurrence order."""
        return list(dict.fromkeys(c for line in self.lines for c in line.clauses))


class Episode(_Strict):
    """A whole episode: metadata, the two hosts and the segments in play order."""

    spec: str
    title: str
    show: str
    number: int = Field(ge=1)
    date: str
    version: str | None = None
    hosts: list[Host]
    segments: list[Segment]

    def host(self, host_id: str) -> Host:
        """The host with this id (KeyError when absent)."""
        for h in self.hosts:
            if h.id == host_id:
                return h
        raise KeyError(host_id)

    def clause_ids(self) -> set[str]:
        """Every clause id any line names."""
        return {c for s in self.segments for c in s.clause_ids()}

    def word_count(self) -> int:
        """Words spoken in the whole episode."""
        return sum(len(line.text.split()) for s in self.segments for line in s.lines)


class ScriptError(SpecloomError):
    """A script (from the template builder or an LLM) that must not become audio."""


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_WORD = re.compile(r"[A-Za-z]")


def script_problems(episode: Episode, spec: Spec | None = None) -> list[str]:
    """Why this episode must not be synthesised (empty when it is fine)."""
    problems: list[str] = []
    roles = sorted(h.role for h in episode.hosts)
    if roles != ["explainer", "newcomer"]:
        problems.append(f"needs exactly one explainer and one newcomer host, got {roles}")
    host_ids = [h.id for h in episode.hosts]
    if len(set(host_ids)) != len(host_ids):
        problems.append(f"duplicate host ids {host_ids}")
    if not _DATE.match(episode.date):
        problems.append(f"date {episode.date!r} is not YYYY-MM-DD")
    kinds = [s.kind for s in episode.segments]
    if not kinds:
        problems.append("no segments")
    else:
        if kinds[0] != "intro":
            problems.append("the first segment must be the intro")
        if kinds[-1] != "outro":
            problems.append("the last segment must be the outro")
        if "recap" not in kinds:
            problems.append("no recap segment")
    seg_ids = [s.id for s in episode.segments]
    dupes = sorted({i for i in seg_ids if seg_ids.count(i) > 1})
    if dupes:
        problems.append(f"duplicate segment ids {dupes}")
    known = {c.id for c in spec.clauses} if spec is not None else None
    for s in episode.segments:
        if not s.lines:
            problems.append(f"segment {s.id!r} has no lines")
        for n, line in enumerate(s.lines, 1):
            where = f"segment {s.id!r} line {n}"
            if line.speaker not in host_ids:
                problems.append(f"{where}: unknown speaker {line.speaker!r} (hosts: {host_ids})")
            if not _WORD.search(line.text):
                problems.append(f"{where}: empty text")
            elif len(line.text) > MAX_LINE_CHARS:
                problems.append(f"{where}: {len(line.text)} characters (max {MAX_LINE_CHARS})")
            if known is not None:
                unknown = [c for c in line.clauses if c not in known]
                if unknown:
                    problems.append(f"{where}: unknown clause ids {unknown}")
    if spec is not None:
        majors = {s.section for s in episode.segments if s.kind == "section"}
        if spec.sections and not majors:
            problems.append("no section segments, although the spec has sections")
    return problems


def missing_must_clauses(episode: Episode, spec: Spec) -> list[str]:
    """MUST / MUST NOT clause ids no line of the episode names, in source order."""
    named = episode.clause_ids()
    return [c.id for c in spec.clauses if c.level in MUST_LEVELS and c.id not in named]


def validate_script(data: Any, spec: Spec | None = None, *, source: str = "script") -> Episode:
    """Parse and check a script (a dict, JSON text or an Episode); raise ScriptError with reasons.

    The LLM backend calls this before any audio is made, so a malformed answer never turns
    into a tiny silent MP3.
    """
    try:
        if isinstance(data, Episode):
            episode = Episode.model_validate(data.model_dump())
        elif isinstance(data, str | bytes):
            episode = Episode.model_validate_json(data)
        else:
            episode = Episode.model_validate(data)
    except ValidationError as exc:
        reasons = [
            f"{'.'.join(str(p) for p in e['loc']) or '(root)'}: {e['msg']}" for e in exc.errors()
        ]
        raise ScriptError(
            "malformed podcast script: " + "; ".join(reasons[:8]),
            file=source,
            hint="the script must follow the Episode schema (see "
            + doc_url("targets-podcast.md")
            + ")",
        ) from None
    problems = script_problems(episode, spec)
    if spec is not None:
        missing = missing_must_clauses(episode, spec)
        if missing:
            problems.append(f"MUST clauses not in the script: {missing}")
    if problems:
        raise ScriptError(
            "malformed podcast script: " + "; ".join(problems[:8]),
            file=source,
            hint="regenerate the script, or fix it so every segment has spoken lines",
        )
    return episode
