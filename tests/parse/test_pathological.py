"""Pathological input stays linear: long runs that would make naive regexes quadratic."""

from __future__ import annotations

import time

import pytest

from specloom.errors import SpecError
from specloom.parse import load_spec_text

N = 100_000
CASES = {
    "unclosed tags": "[^a" * (N // 3),
    "dots": "." * N + "[^x].",
    "closers": "a." + ")" * N + "[^x].",
    "link openers": "](" * (N // 2) + "[^x].",
    "angle brackets": "<a " * (N // 3) + "[^x].",
    "brackets": "[" * N,
    "backticks": "`a ``b ```c " * (N // 12),
    "heading spaces": "# T" + " " * N + "x",
    "heading braces": "# T" + " {" * (N // 2),
    "keyword spaces": ("must" + " " * 1000) * (N // 1000) + "[^x].",
    "many sentences": "A thing MUST hold[^x]. " * (N // 25),
    "transcript tags": "**Example**: x\n\n~~~xml\n" + "<user><!-- GOOD " * (N // 16) + "\n~~~\n",
    "deep lists": "".join("  " * i + "- x\n" for i in range(300)),
    "deep quotes": ">" * N + " x",
}


@pytest.mark.parametrize("name", list(CASES))
def test_finishes_quickly(name: str) -> None:
    start = time.monotonic()
    spec = load_spec_text("# H {#h}\n\n" + CASES[name], "p/spec.md")
    assert spec.id == "p"
    assert time.monotonic() - start < 10  # linear work is well under a second here


def test_many_tags_in_one_sentence_are_refused_quickly() -> None:
    start = time.monotonic()
    with pytest.raises(SpecError, match="one sentence holds 50000 eval tags") as exc:
        load_spec_text("# H\n\nx." + "[^a]" * 50_000 + " y", "p/spec.md")
    assert exc.value.line == 3
    assert time.monotonic() - start < 10


def test_sixteen_tags_in_one_sentence_are_fine() -> None:
    spec = load_spec_text("# H\n\nAll of these MUST hold" + "[^a]" * 16 + ".", "p/spec.md")
    assert len([c for c in spec.clauses if c.kind == "statement"]) == 16
