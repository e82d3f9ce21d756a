"""Text and traceability rules (SL0xx) on IR built in Python: the edges of each rule."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from specloom.check.lint import lint_workspace
from specloom.check.suppress import parse_suppressions
from specloom.check.vague import VAGUE
from specloom.findings import Finding
from specloom.model import Clause, Level


def only(found: list[Finding], rule: str) -> list[Finding]:
    return [f for f in found if f.rule == rule]


def test_vague_words_match_whole_words_and_phrases() -> None:
    text = "Breakfast is fast, and/or quick, etc. Something as appropriate; some X."
    assert [m.group(0) for m in VAGUE.finditer(text)] == [
        "fast",
        "and/or",
        "etc.",
        "as appropriate",
        "some",
    ]
    assert not VAGUE.search("steadfast handsome user-friendlyish")
    assert [m.group(0) for m in VAGUE.finditer("A User-Friendly UI")] == ["User-Friendly"]


def test_lowercase_keywords_only_in_strict_specs(ir: Any) -> None:
    clauses = [ir.stmt("a1", "The tool must log and `may` is code.", Level.NONE)]
    strict = ir.spec("s", strict=True, clauses=clauses)
    assert [
        f.message.split("'")[1] for f in only(lint_workspace(ir.workspace(strict)), "SL002")
    ] == ["must"]
    loose = ir.spec("s", clauses=clauses)
    assert only(lint_workspace(ir.workspace(loose)), "SL002") == []


def test_no_keyword_skips_grouping_sections(ir: Any) -> None:
    group = Clause(id="g", kind="section", title="Group", text="Intro.", pos=ir.pos(1))
    leaf = Clause(
        id="leaf", kind="section", title="Leaf", text="Prose only.", section="g", pos=ir.pos(3)
    )
    tagged = ir.stmt("t1", "A thing is blue.", Level.NONE, section="leaf", line=4)
    ok = ir.stmt("t2", "A thing MUST be blue.", section="g", line=6)
    found = only(
        lint_workspace(ir.workspace(ir.spec("s", clauses=[group, leaf, tagged, ok]))), "SL003"
    )
    assert [f.clause for f in found] == ["t1"]  # g and leaf hold other clauses


def test_coverage_counts_qualified_names_from_other_specs(ir: Any) -> None:
    common = ir.spec(
        "common",
        clauses=[ir.stmt("c1", "Money MUST be whole."), ir.stmt("c2", "Codes MUST be upper case.")],
    )
    billing = ir.spec(
        "billing",
        imports=["common"],
        types=[ir.alias("Money", "int64", clauses=["common.c1", "common.zz", "nope.x", "b9"])],
    )
    found = lint_workspace(ir.workspace(common, billing))
    assert [f.clause for f in only(found, "SL011")] == ["c2"]
    assert sorted(f.clause or "" for f in only(found, "SL010")) == ["b9", "common.zz", "nope.x"]


def test_suppression_comment_parsing() -> None:
    s = parse_suppressions(
        [
            "text <!-- specloom-disable SL001, SL002 -->",
            "<!--specloom-disable-->",
            "x",
            "<!-- specloom-disable-file SL004 -->",
        ]
    )
    assert s.silences("SL001", 1) and s.silences("SL002", 2) and not s.silences("SL003", 1)
    assert s.silences("SL999", 3)  # no id: every rule, this line and the next
    assert not s.silences("SL001", 5) and s.silences("SL004", 99)


def test_sl008_never_suggests_a_path_outside_the_examples_folder(tmp_path: Path) -> None:
    from specloom.check.lint import lint_workspace
    from specloom.config import LintConfig
    from specloom.parse import load_workspace

    folder = tmp_path / "s"
    folder.mkdir()
    (folder / "spec.md").write_text(
        "---\nspec: s\n---\n\n# S {#s}\n\nA MUST hold[^../../etc/passwd]. B MUST hold[^a/b].\n"
        " C MUST hold[^ok1].\n",
        encoding="utf-8",
    )
    found = [f for f in lint_workspace(load_workspace(tmp_path), LintConfig()) if f.rule == "SL008"]
    by_clause = {f.clause: f.message for f in found}
    assert "write " in by_clause["ok1"] and "examples/ok1.md" in by_clause["ok1"]
    for bad in ("../../etc/passwd", "a/b"):
        assert bad in by_clause, by_clause
        assert "write " not in by_clause[bad] and "rename the tag" in by_clause[bad]
