"""The gates that read only the script (POD002, POD013, POD014, POD016), shared by `verify` and the
LLM backend's answer check."""

from __future__ import annotations

from specloom.findings import Finding, Severity
from specloom.model import Clause, Spec

from .builder import segment_clauses
from .script import MUST_LEVELS, Episode, Line
from .speech import speakable, spoken_id
from .spoken import says_clause, says_modal, spoken_share, unspeakable, words


class _Tagged:
    """The script's lines, and for each clause id the indices of the lines tagged with it
    (in script order): one pass over the script instead of one per clause."""

    def __init__(self, episode: Episode, spec: Spec) -> None:
        self.lines = [line for seg in episode.segments for line in seg.lines]
        self.by_clause: dict[str, list[int]] = {}
        for n, line in enumerate(self.lines):
            for cid in dict.fromkeys(line.clauses):
                self.by_clause.setdefault(cid, []).append(n)
        self.statements: dict[str | None, set[str]] = {}
        """Section id -> the ids of the clauses whose section it is."""
        for c in spec.clauses:
            self.statements.setdefault(c.section, set()).add(c.id)

    def tagged(self, cid: str) -> list[Line]:
        """The lines tagged with clause `cid`, in order."""
        return [self.lines[n] for n in self.by_clause.get(cid, [])]

    def tagged_any(self, ids: set[str]) -> list[Line]:
        """The lines tagged with any of `ids`, in order, each once."""
        found = sorted({n for cid in ids for n in self.by_clause.get(cid, [])})
        return [self.lines[n] for n in found]


def _said(clause: Clause, script: _Tagged) -> bool:
    tagged = script.tagged(clause.id)
    if any(says_clause(line.text, clause) for line in tagged):
        return True
    if clause.kind == "section" and tagged:
        # A section clause's text is its section's sentences: said when its lines and its
        # statements' lines together say its MUST sentences (each statement on its own line).
        parts = script.statements.get(clause.id, set()) | {clause.id}
        said = " ".join(line.text for line in script.tagged_any(parts))
        return says_clause(said, clause)
    return False


def spoken_findings(episode: Episode, spec: Spec) -> list[Finding]:
    """POD002: every MUST / MUST NOT clause is said by a line tagged with it: the line has its
    modal keyword (or a documented equivalent) and at least half its content words."""
    script = _Tagged(episode, spec)
    out: list[Finding] = []
    for clause in spec.clauses:
        if clause.level not in MUST_LEVELS or _said(clause, script):
            continue
        tagged = script.tagged(clause.id)
        if not tagged:
            why = "is not in the script"
        else:
            best = max(spoken_share(line.text, clause) for line in tagged)
            modal = any(says_modal(line.text, clause.level) for line in tagged)
            why = (
                f"is named by {len(tagged)} line(s) but never said: the best says "
                f"{best:.0%} of its content words (at least half needed)"
                + ("" if modal else f", and none says {clause.level.value.lower()}")
            )
        out.append(
            Finding(
                rule="POD002",
                severity=Severity.ERROR,
                message=f"{clause.level.value} clause {clause.id} {why}",
                file=clause.pos.file,
                line=clause.pos.line,
                clause=clause.id,
            )
        )
    return out


def segment_findings(episode: Episode, spec: Spec) -> list[Finding]:
    """POD014: each segment carries exactly the clause ids the spec gives its section (the
    intro those above every major section; recap and outro none)."""
    want = segment_clauses(spec)
    out: list[Finding] = []
    for seg in episode.segments:
        key = seg.section if seg.kind == "section" else None
        expected = want.get(key, set()) if seg.kind in ("intro", "section") else set()
        got = set(seg.clause_ids())
        if got != expected:
            out.append(
                Finding(
                    rule="POD014",
                    severity=Severity.ERROR,
                    file="script.json",
                    message=f"segment {seg.id!r} carries clauses the spec does not give it "
                    f"{sorted(got - expected)} and lacks {sorted(expected - got)}",
                )
            )
    return out


def unspeakable_findings(episode: Episode) -> list[Finding]:
    """POD013: no line reads a URL, code, a regular expression or an identifier aloud."""
    out: list[Finding] = []
    for seg in episode.segments:
        for n, line in enumerate(seg.lines, 1):
            for what in unspeakable(line.text):
                out.append(
                    Finding(
                        rule="POD013",
                        severity=Severity.ERROR,
                        file="script.json",
                        message=f"segment {seg.id!r} line {n} reads {what} aloud: "
                        "describe it instead",
                    )
                )
    return out


def _in_order(text: str, calls: list[str]) -> str | None:
    """The first call not said after the ones before it (None: all said, in order)."""
    low = " ".join(words(text))
    at = 0
    for call in calls:
        want = " ".join(words(spoken_id(call)))
        found = low.find(want, at)
        if found < 0:
            return call
        at = found + len(want)
    return None


def steps_findings(episode: Episode, spec: Spec) -> list[Finding]:
    """POD016: a stateful example the script presents (a line tagged with its clause says its
    title) is followed, in lines tagged with that clause, by its `given` steps' calls and then
    its own call, in the order they run: a listener can follow how the state is set up."""
    out: list[Finding] = []
    for ex in spec.examples:
        st = ex.structured
        if st is None or not st.given or ex.clause is None:
            continue
        title = " ".join(words(speakable(ex.title)))
        if not title:
            continue
        for seg in episode.segments:
            tagged = [line for line in seg.lines if ex.clause in line.clauses]
            start = next(
                (i for i, line in enumerate(tagged) if title in " ".join(words(line.text))), None
            )
            if start is None:
                continue
            said = " ".join(line.text for line in tagged[start:])
            missing = _in_order(said, [s.call for s in st.given] + [st.call])
            if missing is not None:
                out.append(
                    Finding(
                        rule="POD016",
                        severity=Severity.ERROR,
                        file="script.json",
                        message=f"segment {seg.id!r} presents the example {ex.title!r} of "
                        f"clause {ex.clause} but does not say its call to {missing} in order "
                        f"({len(st.given)} given step(s), then {st.call})",
                        clause=ex.clause,
                    )
                )
    return out


def script_findings(episode: Episode, spec: Spec) -> list[Finding]:
    """POD002, POD014, POD013 and POD016 over one script."""
    return (
        spoken_findings(episode, spec)
        + segment_findings(episode, spec)
        + unspeakable_findings(episode)
        + steps_findings(episode, spec)
    )
