"""Judicial review: score each artifact against each clause it covers (rules, or an LLM)."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from specloom.findings import Finding, Severity
from specloom.llm.client import LlmAuthError, LlmError
from specloom.llm.config import LlmConfig, llm_config_from_settings
from specloom.model import Clause, Level, Spec
from specloom.target import BuildContext

log = logging.getLogger("specloom.llm")

GRADE_RULE = "GRD001"
"""Finding id of a grade below its clause level's threshold."""

MAX_FILE_BYTES = 2_000_000
MAX_OCCURRENCES = 20
"""Occurrences of a clause id examined per artifact when choosing the excerpt."""

_STOPWORDS = frozenset(
    [
        "about",
        "above",
        "after",
        "again",
        "against",
        "also",
        "among",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "could",
        "does",
        "doing",
        "during",
        "each",
        "even",
        "every",
        "from",
        "further",
        "have",
        "having",
        "here",
        "into",
        "itself",
        "just",
        "more",
        "most",
        "must",
        "other",
        "over",
        "same",
        "shall",
        "should",
        "some",
        "such",
        "than",
        "that",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "under",
        "until",
        "upon",
        "very",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "will",
        "with",
        "within",
        "would",
        "your",
    ]
)
_TOKEN = re.compile(r"[\w-]+")
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_]{3,}")


class Grade(BaseModel):
    """One artifact-vs-clause verdict for report.json and the docs traceability page."""

    model_config = ConfigDict(extra="forbid")

    target: str
    clause: str
    level: str
    score: int = Field(ge=1, le=5)
    threshold: int
    passed: bool
    rationale: str
    grader: str
    """`rules` or `llm:<model>`."""
    file: str | None = None
    """The artifact file of the excerpt, relative to the target's folder (POSIX)."""
    line: int | None = None


class LlmVerdict(BaseModel):
    """The grader model's structured answer."""

    score: int = Field(ge=1, le=5, description="1 = contradicts or absent ... 5 = complies fully")
    rationale: str = Field(description="One or two sentences naming what complies or not")


@dataclass(frozen=True)
class Excerpt:
    """Lines of an artifact around one occurrence of a clause id."""

    file: str
    line: int
    text: str


# -- finding the evidence -----------------------------------------------------------------
def _id_pattern(clause_id: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w-]){re.escape(clause_id)}(?![\w-])")


def _text_files(root: Path, skip: tuple[str, ...] = ()) -> list[tuple[str, list[str]]]:
    """The text files under `root` with their lines, but those under a `skip` folder."""
    out: list[tuple[str, list[str]]] = []
    for f in sorted(root.rglob("*")):
        rel = f.relative_to(root).as_posix()
        if rel.startswith(skip) or not f.is_file() or f.stat().st_size > MAX_FILE_BYTES:
            continue
        try:
            text = f.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        out.append((rel, text.splitlines()))
    return out


def _terms(text: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(text)} - _STOPWORDS


def find_excerpts(
    files: list[tuple[str, list[str]]], ids: Iterable[str], radius: int
) -> dict[str, list[Excerpt]]:
    """Windows of `radius` lines around each occurrence of each id (at most
    MAX_OCCURRENCES per id), in file and line order; one pass over the files."""
    wanted = set(ids)
    simple = {i for i in wanted if _TOKEN.fullmatch(i)}
    found: dict[str, list[Excerpt]] = {i: [] for i in wanted}

    def add(cid: str, rel: str, lines: list[str], i: int) -> None:
        if len(found[cid]) < MAX_OCCURRENCES:
            lo, hi = max(0, i - radius), min(len(lines), i + radius + 1)
            found[cid].append(Excerpt(rel, i + 1, "\n".join(lines[lo:hi])))

    others = [(i, _id_pattern(i)) for i in sorted(wanted - simple)]
    for rel, lines in files:
        for i, line in enumerate(lines):
            # an id occurs where a whole [\w-]+ token equals it: a set lookup per token
            for tok in dict.fromkeys(_TOKEN.findall(line)):
                if tok in simple:
                    add(tok, rel, lines, i)
            for cid, pattern in others:
                if pattern.search(line):
                    add(cid, rel, lines, i)
    return found


def _examples(spec: Spec, clause_id: str) -> tuple[list[str], list[str]]:
    """GOOD and BAD message texts of the clause's transcript examples."""
    good: list[str] = []
    bad: list[str] = []
    for ex in spec.examples:
        if ex.clause != clause_id or ex.transcript is None:
            continue
        for m in ex.transcript.messages:
            if m.verdict == "GOOD":
                good.append(m.text.strip())
            elif m.verdict == "BAD":
                bad.append(m.text.strip())
    return good, bad


def _norm(text: str) -> str:
    return " ".join(text.split()).lower()


# -- the rules grader ---------------------------------------------------------------------
def rules_score(clause: Clause, excerpt: str, bad_examples: list[str]) -> tuple[int, str]:
    """A deterministic 1-5 score and its rationale, from evidence in the excerpt.

    +1 the clause id is traced; +1/+2 when 30%/60% of the clause's content words appear;
    +1 when the normative keyword survives (any case); -2 when a BAD example is reproduced
    with no sign that it is a counter-example.
    """
    reasons: list[str] = []
    score = 1
    low = excerpt.lower()
    if _id_pattern(clause.id).search(excerpt):
        score += 1
        reasons.append("traces the clause id")
    terms = _terms(clause.text or clause.title)
    overlap = len({t for t in terms if t in low}) / len(terms) if terms else 0.0
    if overlap >= 0.6:
        score += 2
    elif overlap >= 0.3:
        score += 1
    reasons.append(f"{overlap:.0%} of the clause's content words present")
    if clause.level is Level.NONE:
        if overlap > 0:
            score += 1
    else:
        word = clause.level.value.split()[0].lower()
        if re.search(rf"\b{word}\b", low):
            score += 1
            reasons.append(f"keeps the {clause.level.value} strength")
        else:
            reasons.append(f"does not state the {clause.level.value} strength")
    marked = any(w in low for w in ("bad", "wrong", "incorrect", "don't", "do not", "never"))
    normed = _norm(excerpt) if bad_examples and not marked else ""
    for b in bad_examples:
        if len(_norm(b)) >= 20 and _norm(b) in normed and not marked:
            score -= 2
            reasons.append("reproduces a BAD example without marking it as one")
            break
    return max(1, min(5, score)), "; ".join(reasons)


# -- the LLM grader -----------------------------------------------------------------------
GRADER_SYSTEM = (
    "You are a strict reviewer. You check whether an artifact generated from a specification "
    "complies with one clause of that specification. Score from 1 to 5: 5 = states or "
    "implements the clause completely and accurately; 4 = complies with minor omissions; "
    "3 = partly complies or is vague; 2 = mentions the clause but misses its requirement; "
    "1 = contradicts the clause or gives no evidence. MUST and MUST NOT clauses allow no "
    "weakening. Judge only the excerpt given. Answer with the JSON object requested."
)


def grader_messages(
    clause: Clause, good: list[str], bad: list[str], excerpt: Excerpt | None
) -> list[dict[str, Any]]:
    """The chat messages sent to the grader model for one clause and one excerpt."""
    parts = [f"Clause {clause.id} ({clause.level.value}): {clause.text or clause.title}"]
    if good or bad:
        parts.append("Examples from the spec:")
        parts += [f"GOOD: {g}" for g in good[:3]]
        parts += [f"BAD: {b}" for b in bad[:3]]
    if excerpt is None:
        parts.append("Artifact excerpt: (no text excerpt traces this clause)")
    else:
        parts.append(f"Artifact excerpt ({excerpt.file}, line {excerpt.line}):\n{excerpt.text}")
    return [
        {"role": "system", "content": GRADER_SYSTEM},
        {"role": "user", "content": "\n\n".join(parts)},
    ]


# -- the entry point ----------------------------------------------------------------------
def _covered(spec: Spec, target_name: str, root: Path, ctx: BuildContext) -> set[str]:
    """The target's own `covered_clauses`, or clause ids that occur in its files."""
    try:
        from specloom.pipeline.registry import load_target

        cls = load_target(target_name)
        return set(cls(ctx).covered_clauses(spec, root))
    except Exception as exc:  # an unknown or broken target still gets graded by text
        log.debug("coverage of %s from text (%s)", target_name, type(exc).__name__)
    found = find_excerpts(_text_files(root), [c.id for c in spec.clauses], 0)
    return {cid for cid, hits in found.items() if hits}


def _not_graded(target_name: str) -> tuple[str, ...]:
    """The target's `not_graded` patterns (none for an unknown target)."""
    try:
        from specloom.pipeline.registry import load_target

        return tuple(load_target(target_name).not_graded)
    except Exception:  # graded by every text file, as `_covered` falls back to
        return ()


def _use_llm(cfg: LlmConfig, ctx: BuildContext) -> bool:
    if cfg.grader.mode == "rules":
        return False
    return cfg.grader.mode == "llm" or ctx.backend == "openai"


@dataclass
class _Row:
    """One clause being graded: its examples, the best excerpt and the score so far."""

    clause: Clause
    good: list[str]
    bad: list[str]
    best: Excerpt | None = None
    score: int = 1
    rationale: str = "no text excerpt of the artifact traces this clause"
    grader: str = "rules"


def _llm_grade(rows: list[_Row], cfg: LlmConfig, ctx: BuildContext, target_name: str) -> None:
    """Replace the rules grades of `rows` by the model's, `grader.concurrency` at a time."""
    from concurrent.futures import ThreadPoolExecutor

    from specloom.llm.session import session_for

    client = session_for(ctx).client

    def ask(row: _Row) -> LlmVerdict | LlmError:
        try:
            return client.structured(
                grader_messages(row.clause, row.good, row.bad, row.best),
                LlmVerdict,
                target=target_name,
            )
        except LlmAuthError:
            raise
        except LlmError as exc:
            return exc

    with ThreadPoolExecutor(max_workers=max(1, cfg.grader.concurrency)) as pool:
        answers = list(pool.map(ask, rows))  # in order; re-raises an auth error
    for row, answer in zip(rows, answers, strict=True):
        if isinstance(answer, LlmVerdict):
            row.score, row.rationale = answer.score, answer.rationale
            row.grader = f"llm:{cfg.model}"
        else:
            row.rationale = f"{row.rationale} (LLM grader unavailable: {answer.message})"


def grade_artifacts(spec: Spec, target_name: str, root: Path, ctx: BuildContext) -> list[Grade]:
    """Grades for every clause the artifact under `root` covers, in the spec's clause order.

    The rules grader is the default; the LLM grades when `[tool.specloom.llm.grader] mode`
    is `llm`, or `auto` with `--backend openai`. An LLM failure (other than credentials)
    falls back to the rules grade for that clause, saying so in the rationale.
    """
    cfg = llm_config_from_settings(ctx.settings)
    covered = _covered(spec, target_name, root, ctx)
    excerpts = find_excerpts(
        _text_files(root, _not_graded(target_name)),
        [c.id for c in spec.clauses if c.id in covered],
        cfg.grader.excerpt_lines,
    )
    rows: list[_Row] = []
    for clause in spec.clauses:
        if clause.id not in covered:
            continue
        good, bad = _examples(spec, clause.id)
        row = _Row(clause, good, bad)
        for ex in excerpts.get(clause.id, []):
            s, r = rules_score(clause, ex.text, bad)
            if row.best is None or s > row.score:
                row.best, row.score, row.rationale = ex, s, r
        rows.append(row)
    if _use_llm(cfg, ctx):
        _llm_grade(
            [r for r in rows if r.clause.level.value in cfg.grader.llm_levels],
            cfg,
            ctx,
            target_name,
        )
    thresholds = cfg.grader.thresholds
    grades: list[Grade] = []
    for row in rows:
        threshold = thresholds.get(row.clause.level.value, 1)
        grades.append(
            Grade(
                target=target_name,
                clause=row.clause.id,
                level=row.clause.level.value,
                score=row.score,
                threshold=threshold,
                passed=row.score >= threshold,
                rationale=row.rationale,
                grader=row.grader,
                file=row.best.file if row.best else None,
                line=row.best.line if row.best else None,
            )
        )
    return grades


def review_artifacts(
    spec: Spec, target_name: str, root: Path, ctx: BuildContext
) -> tuple[list[Grade], list[Finding]]:
    """Grades plus their GRD001 findings at the configured severity: the pipeline's one call."""
    grades = grade_artifacts(spec, target_name, root, ctx)
    severity = llm_config_from_settings(ctx.settings).grader.severity
    return grades, grade_findings(grades, severity)


# -- reporting ----------------------------------------------------------------------------
def grade_findings(grades: list[Grade], severity: str = "warning") -> list[Finding]:
    """A GRD001 finding for each grade below its threshold (severity from the grader config)."""
    return [
        Finding(
            rule=GRADE_RULE,
            severity=Severity(severity),
            message=(
                f"{g.target}: clause {g.clause} ({g.level}) scored {g.score}/5, below "
                f"{g.threshold} ({g.grader}): {g.rationale}"
            ),
            file=g.file,
            line=g.line,
            clause=g.clause,
        )
        for g in grades
        if not g.passed
    ]


def grades_json(grades: list[Grade]) -> list[dict[str, Any]]:
    """Grades as plain dicts for report.json."""
    return [g.model_dump(mode="json") for g in grades]
