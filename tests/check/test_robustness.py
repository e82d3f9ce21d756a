"""Lint and diff never crash: random Markdown through the real parser, the real corpus."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from specloom.check.diff import diff_specs
from specloom.check.lint import lint_workspace
from specloom.errors import SpecloomError
from specloom.findings import Finding
from specloom.parse import load_spec, load_workspace

PIECES = [
    "# Title {#t}\n",
    "## Sub {#s authority=root}\n",
    "## Sub {#s}\n",
    "### Plain\n",
    "A thing MUST work[^a1]. ",
    "Things MUST NOT work[^a2]. ",
    "It should be fast. ",
    "TODO ",
    "??? ",
    "[NEEDS CLARIFICATION: x] ",
    "[?](#t) ",
    "[x](#nope) ",
    "[y](other.md#z) ",
    "<!-- specloom-disable SL001 -->\n",
    "\n",
    "\n\n",
    "```specloom\ntypes:\n  A:\n    fields:\n      b: A\n      c: list<Nope>\n```\n",
    "```specloom\nconstants:\n  K: {type: int64, value: 9007199254740993}\n```\n",
    "```specloom\noperations:\n  go: {params: {x: A?}, errors: [E]}\n```\n",
    "~~~xml\n<user>TODO</user>\n~~~\n",
    '!!! note "n"\n    body must\n',
    "---\nstrict: true\n---\n",
]


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PIECES) | st.text(max_size=40), max_size=25))
def test_lint_of_random_markdown_never_crashes(parts: list[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        spec_dir = Path(tmp) / "fuzz"
        (spec_dir / "examples").mkdir(parents=True)
        (spec_dir / "spec.md").write_text("".join(parts), encoding="utf-8")
        (spec_dir / "examples" / "a1.md").write_text("**Example**: x\n", encoding="utf-8")
        try:
            ws = load_workspace(spec_dir)
        except SpecloomError:
            return  # the parser refused it cleanly; nothing to lint
        findings = lint_workspace(ws)
        assert all(isinstance(f, Finding) and f.rule.startswith("SL") for f in findings)
        assert all(f.line is None or f.line >= 1 for f in findings)


def test_diff_of_two_model_spec_releases(model_spec_dir: Path) -> None:
    old_file = model_spec_dir.parent / "model_spec_history" / "2025-10-27" / "model_spec.md"
    d = diff_specs(load_spec(old_file), load_spec(model_spec_dir))
    removed = sorted(c.subject for c in d.changes if c.kind == "clause" and c.action == "removed")
    # the two clauses whose examples files are orphans in the new release (SL009)
    assert removed == ["91ld", "lds1"]
    assert d.required.value == "major" and not d.ok  # neither file has a version
    assert d.problem is not None and "missing or not semver" in d.problem
