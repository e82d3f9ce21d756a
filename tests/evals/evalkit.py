"""Shared pieces of the eval tests: a CLI runner, the fake models, the project config."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from specloom.cli.main import main

REPO = Path(__file__).resolve().parents[2]
DESK = REPO / "tests" / "fixtures" / "evals" / "desk"
KEY = "sk-specloom-EVAL-KEY-0123456789abcdef"
NEUTRAL = "I can help with printer questions."

PYPROJECT = """
[tool.specloom]
specs = "specs"

[tool.specloom.llm]
model = "grader-model"
max_retries = 2
backoff_base = 0.01
backoff_max = 0.05
timeout = 1.0
"""


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        main(args)
    out, err = capsys.readouterr()
    code = exc.value.code
    return (code if isinstance(code, int) else 1), out, err


def references(suite: Path) -> dict[str, dict[str, Any]]:
    """Case id -> its GOOD and BAD texts and its last input message."""
    out = {}
    for line in (suite / "cases.jsonl").read_text(encoding="utf-8").splitlines():
        c = json.loads(line)
        out[c["id"]] = {
            "good": [r["content"] for r in c["good"]],
            "bad": [r["content"] for r in c["bad"]],
            "messages": c["messages"],
        }
    return out


def models(suite: Path) -> dict[str, Any]:
    """`good-model` answers with the GOOD reference, `bad-model` with the BAD one (each
    answers something neutral when its reference list is empty); `grader-model` passes an
    answer unless it is one of the case's BAD references."""
    cases = references(suite)

    def case_of(messages: list[dict[str, Any]]) -> dict[str, Any]:
        return next(c for c in cases.values() if c["messages"] == messages)

    def answer(kind: str) -> Any:
        def respond(body: dict[str, Any]) -> str:
            refs = case_of(body["messages"])[kind]
            return refs[0] if refs else NEUTRAL

        return respond

    def grade(body: dict[str, Any]) -> dict[str, Any]:
        text = body["messages"][-1]["content"]
        said = re.search(r"<answer>\n(.*)\n</answer>\Z", text, re.S)
        assert said is not None
        rubric = text.split("<rubric>\n")[1].split("\n</rubric>")[0]
        blocks = rubric.split("\n\nA ")[1:]
        bads = [b.split(":\n", 1)[1] for b in blocks if b.startswith("BAD reference answer")]
        bad = said.group(1) in {b.split("\n\nThe answer passes")[0] for b in bads}
        return {
            "verdict": "fail" if bad else "pass",
            "score": 1 if bad else 5,
            "closer_to": "bad" if bad else "good",
            "reason": "Matches a BAD reference." if bad else "Complies with the clause.",
        }

    return {"good-model": answer("good"), "bad-model": answer("bad"), "grader-model": grade}


def report_of(out: str) -> dict[str, Any]:
    folder = re.search(r"report: (.*)/report\.md", out)
    assert folder is not None, out
    return json.loads((Path(folder.group(1)) / "report.json").read_text(encoding="utf-8"))
