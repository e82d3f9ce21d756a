"""The podcast target's lint hook: spec text the episode could not say (SL301, SL302).

It runs the template script builder (pure: IR in, script out; no audio, no Jinja2, no
pydub) and applies the script checks the build applies, so what would fail POD001, POD002
or POD013 at build time is a finding at the clause's line instead. It reads the podcast's
own settings (`[tool.specloom.targets.podcast]`, e.g. `max_sentence_words`, which changes
where long clauses are cut), as the build will.
"""

from __future__ import annotations

from collections.abc import Iterator

from specloom.check.context import LintContext
from specloom.config import validated_table
from specloom.findings import Finding, Severity
from specloom.model import SourcePos, Spec

from .builder import build_episode
from .config import PodcastConfig
from .script import MAX_LINE_CHARS, Line, Segment
from .script_gates import spoken_findings
from .spoken import unspeakable


def _where(spec: Spec, seg: Segment, line: Line) -> tuple[SourcePos | None, str | None]:
    """The source of a line: its first clause, else its segment's section."""
    for cid in [*line.clauses, seg.section]:
        clause = spec.clause(cid) if cid else None
        if clause is not None:
            return clause.pos, clause.id
    return None, None


def _config(ctx: LintContext) -> PodcastConfig:
    """The podcast settings the build will use (exit 2 naming the key when invalid, as the
    build does)."""
    return validated_table(
        PodcastConfig,
        ctx.target_settings.get("podcast", {}),
        "tool.specloom.targets.podcast",
        "see the podcast target's documentation for its options",
    )


def check(spec: Spec, ctx: LintContext) -> Iterator[Finding]:
    """SL301 text the podcast would read aloud as noise; SL302 a MUST clause it cannot say."""
    config = _config(ctx)
    episode = build_episode(spec, config, ctx.workspace.order or [spec.id])
    seen: set[tuple[str, str | None]] = set()
    for seg in episode.segments:
        for line in seg.lines:
            pos, cid = _where(spec, seg, line)
            file, at = (pos.file, pos.line) if pos else (spec.path, None)
            for what in unspeakable(line.text):
                key = (what.split(" (", 1)[0], cid)
                if key in seen:
                    continue
                seen.add(key)
                yield Finding(
                    rule="SL301",
                    severity=Severity.ERROR,
                    file=file,
                    line=at,
                    clause=cid,
                    message=f"the podcast would read {what} aloud from this text (POD013): "
                    "put it in backticks (code is not read aloud) or say it in words",
                )
            if len(line.text) > MAX_LINE_CHARS:
                yield Finding(
                    rule="SL302",
                    severity=Severity.ERROR,
                    file=file,
                    line=at,
                    clause=cid,
                    message=f"the podcast would say this in one line of {len(line.text)} "
                    f"characters, over its limit of {MAX_LINE_CHARS} (POD001): split the "
                    "sentence, each part with its own tag",
                )
    said_words = max(config.max_sentence_words, MAX_LINE_CHARS // 8)
    for f in spoken_findings(episode, spec):
        clause = spec.clause(f.clause) if f.clause else None
        yield Finding(
            rule="SL302",
            severity=Severity.ERROR,
            file=f.file,
            line=f.line,
            clause=f.clause,
            message=f"the podcast cannot say this clause (POD002): {f.message}; shorten it "
            f"(a hard rule is said up to {said_words} words) or split it into tagged sentences"
            if clause is not None
            else f.message,
        )
