"""The real OpenAI Model Spec (shared corpus) parses as-is; these numbers pin what it holds."""

from __future__ import annotations

from pathlib import Path

import pytest

from specloom.model import Level, Spec
from specloom.parse import load_spec, load_workspace


@pytest.fixture(scope="module")
def model_spec(model_spec_dir: Path) -> Spec:
    return load_spec(model_spec_dir / "model_spec.md")


def statements(spec: Spec) -> list[str]:
    return [c.id for c in spec.clauses if c.kind == "statement"]


def test_sections_and_section_clauses(model_spec: Spec) -> None:
    assert model_spec.id == "model_spec"
    assert len(model_spec.sections) == 80
    assert sum(s.explicit_id for s in model_spec.sections) == 80
    assert len([c for c in model_spec.clauses if c.kind == "section"]) == 80
    # the two `# functions`-like lines inside code fences are not headings
    assert all(s.title != "functions" for s in model_spec.sections)


def test_statement_clauses_are_the_eval_tags(model_spec: Spec) -> None:
    ids = statements(model_spec)
    assert len(ids) == 116
    assert len(set(ids)) == 116


def test_examples_files_and_traceability_gaps(model_spec: Spec) -> None:
    files = {f.id for f in model_spec.example_files}
    assert len(files) == 114
    tagged = set(statements(model_spec))
    # the real gaps of the 2025-12-18 release, in both directions
    assert sorted(files - tagged) == ["91ld", "lds1"]
    assert sorted(tagged - files) == ["d0pu", "h82a", "rse0", "t5q0"]


def test_examples_and_transcripts(model_spec: Spec) -> None:
    inline = [e for e in model_spec.examples if e.source == "inline"]
    from_files = [e for e in model_spec.examples if e.source == "file"]
    assert (len(inline), len(from_files)) == (183, 272)
    assert all(e.transcript is not None for e in model_spec.examples)
    verdicts = [
        m.verdict for e in model_spec.examples if e.transcript for m in e.transcript.messages
    ]
    assert (verdicts.count("GOOD"), verdicts.count("BAD")) == (193, 196)


def test_first_comparison_example(model_spec: Spec) -> None:
    ex = next(e for e in model_spec.examples if e.pos.line == 205)
    assert ex.title.startswith("root/developer conflict: request that goes against")
    assert ex.clause == "follow_all_applicable_instructions"
    assert ex.transcript is not None
    roles = [(m.role, m.verdict) for m in ex.transcript.messages]
    assert roles == [
        ("developer", None),
        ("user", None),
        ("assistant", "BAD"),
        ("assistant", "GOOD"),
    ]
    assert ex.transcript.messages[3].text.startswith("Sorry --- I can’t provide")
    assert ex.transcript.pos.line == 207
    # model_spec.md lines 208 `<developer>`, 211 `<user>`, 215 `<assistant> <!-- BAD -->`, 220
    assert [m.pos.line for m in ex.transcript.messages] == [208, 211, 215, 220]
    assert {m.pos.file for m in ex.transcript.messages} == {ex.transcript.pos.file}


def test_every_transcript_message_points_at_its_opening_tag(model_spec: Spec) -> None:
    files: dict[str, list[str]] = {}
    checked = 0
    for ex in model_spec.examples:
        assert ex.transcript is not None
        for m in ex.transcript.messages:
            assert m.pos.file == ex.transcript.pos.file
            if m.pos.file not in files:
                files[m.pos.file] = Path(m.pos.file).read_text(encoding="utf-8").splitlines()
            assert f"<{m.role}" in files[m.pos.file][m.pos.line - 1], (m.pos, m.role)
            checked += 1
    assert (len(files), checked) == (115, 981)


def test_cross_references(model_spec: Spec) -> None:
    # 110 `](#...)` links in the file; the one inside a transcript's BAD note is not prose
    assert len(model_spec.refs) == 109
    auto = [r for r in model_spec.refs if r.text is None]
    assert len(auto) == 65  # of 66 `[?](#...)` in the file, one is in that transcript note
    a9sq = model_spec.clause("a9sq")
    assert a9sq is not None
    assert [(r.target, r.text, r.pos.line) for r in a9sq.refs] == [("seek_truth", None, 372)]


@pytest.mark.parametrize(
    ("clause_id", "line", "level", "authority", "section", "text_start"),
    [
        ("8ep1", 173, Level.MUST, None, "chain_of_command", "Above all else, the assistant must"),
        ("m12p", 181, Level.NONE, "root", "follow_all_applicable_instructions", "This includes"),
        ("a9sq", 372, Level.MAY, "root", "letter_and_spirit", "Instead, it may politely"),
        ("1398", 922, Level.MUST_NOT, "root", "avoid_targeted_political_manipulation", "The "),
        ("f0mi", 641, Level.SHOULD, "root", "assume_best_intentions", "If a request is"),
        ("i271", 4251, Level.SHOULD, "guideline", "be_thorough_but_efficient", "The assistant"),
    ],
)
def test_exact_clauses(
    model_spec: Spec,
    clause_id: str,
    line: int,
    level: Level,
    authority: str | None,
    section: str,
    text_start: str,
) -> None:
    c = model_spec.clause(clause_id)
    assert c is not None
    assert (c.pos.line, c.level, c.authority, c.section) == (line, level, authority, section)
    assert c.text.startswith(text_start)
    assert "[^" not in c.text


def test_two_tags_in_one_sentence_share_it(model_spec: Spec) -> None:
    m12p, d32l = model_spec.clause("m12p"), model_spec.clause("d32l")
    assert m12p is not None and d32l is not None
    assert m12p.text == d32l.text
    assert m12p.text.endswith("or a later instruction at the same authority.")


def test_authority_inheritance(model_spec: Spec) -> None:
    teen = model_spec.clause("prioritize_teen_safety")
    assert teen is not None
    assert teen.attrs == {"authority": "root", "tags": "under_18"}
    assert teen.authority == "root"
    # a statement under a `#### ... {#id authority=root}` heading
    c4mb = model_spec.clause("c4mb")
    assert c4mb is not None
    assert (c4mb.section, c4mb.authority) == ("sexual_content_involving_minors", "root")
    # `# Stay in bounds {#stay_in_bounds}` has no authority; its child sets `system`
    comply = model_spec.clause("comply_with_laws")
    assert comply is not None and comply.authority == "system"
    assert model_spec.clause("stay_in_bounds") is not None
    assert model_spec.clause("stay_in_bounds").authority is None  # type: ignore[union-attr]


def test_admonitions(model_spec: Spec) -> None:
    admonitions = [a for s in model_spec.sections for a in s.admonitions]
    assert len(admonitions) == 28
    assert {a.kind for a in admonitions} == {"meta"}
    assert admonitions[0].pos.line == 25
    assert admonitions[0].title == "Commentary"


def test_folder_form_and_workspace_form_agree(model_spec_dir: Path, model_spec: Spec) -> None:
    by_folder = load_spec(model_spec_dir)
    assert by_folder.path == model_spec.path
    assert by_folder.hash == model_spec.hash
    ws = load_workspace(model_spec_dir)
    assert ws.order == ["model_spec"]


def test_previous_release_parses(model_spec_dir: Path) -> None:
    old = load_spec(model_spec_dir.parent / "model_spec_history/2025-10-27/model_spec.md")
    assert sum(s.explicit_id for s in old.sections) == len(old.sections) == 78
    assert len(set(statements(old))) == len(statements(old)) == 118
    assert len(old.examples) == 181 and old.example_files == []


def test_prose_after_examples_stays_in_the_section(model_spec: Spec) -> None:
    # every Model Spec example is a title and a transcript; what follows is section prose
    assert all(e.body == "" for e in model_spec.examples)
    section = model_spec.clause("assume_best_intentions")
    assert section is not None
    assert "If a request is ambiguous and some reasonable interpretations" in section.text
    assert "[^" not in section.text
