"""Reading a published eval suite (`cases.jsonl`) and choosing which cases a run takes."""

from __future__ import annotations

import hashlib
import json
import random
from pathlib import Path

from pydantic import ValidationError

from specloom.errors import SpecloomError
from specloom.evals.case import EvalCase

CASES = "cases.jsonl"


def locate(path: Path) -> Path:
    """The `cases.jsonl` of `path`: the file itself, an evals folder, or `output/<spec>`."""
    for candidate in (path, path / CASES, path / "evals" / CASES):
        if candidate.is_file():
            return candidate
    raise SpecloomError(
        f"no eval suite at {path}",
        file=str(path),
        hint="pass output/<spec>/evals (or its cases.jsonl); build it with "
        "`specloom build <spec> --target evals`",
    )


def load_cases(path: Path) -> tuple[Path, list[EvalCase]]:
    """Every case of the suite, validated; a bad line is an error naming file:line."""
    file = locate(path)
    cases: list[EvalCase] = []
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SpecloomError(f"cannot read the suite: {exc}", file=str(file)) from None
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            cases.append(EvalCase.model_validate(json.loads(line)))
        except (ValueError, ValidationError) as exc:
            first = str(exc).splitlines()[0]
            raise SpecloomError(
                f"not an eval case (format specloom-eval-case/1): {first}",
                file=str(file),
                line=n,
                hint="rebuild the suite with `specloom build <spec> --target evals --force`",
            ) from None
    if not cases:
        raise SpecloomError(
            "the suite holds no case",
            file=str(file),
            hint="its spec has no example with an assistant reply marked GOOD or BAD; see "
            "coverage.json next to it",
        )
    return file, cases


def select(
    cases: list[EvalCase], *, max_cases: int | None, sample: int | None, seed: int
) -> list[EvalCase]:
    """`sample` cases drawn with `seed` (kept in suite order), then at most `max_cases`."""
    chosen = cases
    if sample is not None and sample < len(cases):
        picked = set(random.Random(seed).sample(range(len(cases)), sample))
        chosen = [c for i, c in enumerate(cases) if i in picked]
    if max_cases is not None:
        chosen = chosen[:max_cases]
    return chosen


def suite_digest(cases: list[EvalCase]) -> str:
    """sha256 of the chosen cases' ids and contents (names a run, detects a changed suite)."""
    h = hashlib.sha256()
    for c in cases:
        h.update(c.model_dump_json().encode("utf-8"))
    return h.hexdigest()
