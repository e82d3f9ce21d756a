"""Script validation, speech text and text chunking of the podcast target (no audio)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from specloom.targets.podcast.builder import build_episode, major_sections
from specloom.targets.podcast.config import PodcastConfig
from specloom.targets.podcast.script import ScriptError, validate_script
from specloom.targets.podcast.speech import first_sentences, speakable
from specloom.targets.podcast.tts import OPENAI_INPUT_LIMIT, chunk_text

from specloom.model import Clause, Level, Section, SourcePos, Spec


def _pos(line: int) -> SourcePos:
    return SourcePos(file="spec.md", line=line)


def small_spec() -> Spec:
    """Two sections, three tagged clauses (two MUST, one SHOULD)."""
    sections = [
        Section(id="top", explicit_id=True, title="Top", depth=1, body="A tiny spec.", pos=_pos(1)),
        Section(
            id="a",
            explicit_id=True,
            title="Part A",
            depth=2,
            parent="top",
            body="Things MUST work[^m1].",
            pos=_pos(3),
        ),
        Section(
            id="b",
            explicit_id=True,
            title="Part B",
            depth=2,
            parent="top",
            body="Things SHOULD be nice[^s1]. Errors MUST NOT leak[^m2].",
            pos=_pos(5),
        ),
    ]
    clauses = [
        Clause(
            id="m1",
            kind="statement",
            title="Things",
            text="Things MUST work[^m1].",
            level=Level.MUST,
            section="a",
            pos=_pos(3),
        ),
        Clause(
            id="s1",
            kind="statement",
            title="Things",
            text="Things SHOULD be nice[^s1].",
            level=Level.SHOULD,
            section="b",
            pos=_pos(5),
        ),
        Clause(
            id="m2",
            kind="statement",
            title="Errors",
            text="Errors MUST NOT leak[^m2].",
            level=Level.MUST_NOT,
            section="b",
            pos=_pos(5),
        ),
    ]
    return Spec(
        id="tiny",
        title="Tiny",
        version="1.0.0",
        path="spec.md",
        hash="0",
        sections=sections,
        clauses=clauses,
    )


@pytest.fixture
def good() -> dict[str, Any]:
    episode = build_episode(small_spec(), PodcastConfig(), ["tiny"])
    return json.loads(episode.model_dump_json())


def test_template_script_is_valid_and_covers_every_must_clause(good: dict[str, Any]) -> None:
    episode = validate_script(good, small_spec())
    assert [s.kind for s in episode.segments] == ["intro", "section", "section", "recap", "outro"]
    assert {"m1", "m2", "s1"} <= episode.clause_ids()
    assert {line.speaker for s in episode.segments for line in s.lines} == {"a", "b"}


def test_template_script_is_deterministic() -> None:
    one = build_episode(small_spec(), PodcastConfig(), ["tiny"]).model_dump_json()
    two = build_episode(small_spec(), PodcastConfig(), ["tiny"]).model_dump_json()
    assert one == two


def test_major_sections_skip_a_single_title_heading() -> None:
    assert [s.id for s in major_sections(small_spec())] == ["a", "b"]


def _break(data: dict[str, Any], how: str) -> dict[str, Any]:
    segs = data["segments"]
    if how == "empty line":
        segs[1]["lines"][0]["text"] = "  "
    elif how == "unknown speaker":
        segs[1]["lines"][0]["speaker"] = "narrator"
    elif how == "no segments":
        data["segments"] = []
    elif how == "missing recap":
        data["segments"] = [s for s in segs if s["kind"] != "recap"]
    elif how == "missing outro":
        data["segments"] = segs[:-1]
    elif how == "segment without lines":
        segs[2]["lines"] = []
    elif how == "unknown clause":
        segs[1]["lines"][0]["clauses"] = ["nope"]
    elif how == "missing MUST clause":
        for s in segs:
            for line in s["lines"]:
                line["clauses"] = [c for c in line["clauses"] if c != "m2"]
    elif how == "wrong shape":
        data["segments"] = "intro, outro"
    elif how == "extra key":
        data["audio"] = "x.mp3"
    elif how == "one host":
        data["hosts"] = data["hosts"][:1]
    return data


@pytest.mark.parametrize(
    ("how", "reason"),
    [
        ("empty line", "empty text"),
        ("unknown speaker", "unknown speaker 'narrator'"),
        ("no segments", "no segments"),
        ("missing recap", "no recap segment"),
        ("missing outro", "the last segment must be the outro"),
        ("segment without lines", "has no lines"),
        ("unknown clause", "unknown clause ids ['nope']"),
        ("missing MUST clause", "MUST clauses not in the script: ['m2']"),
        ("wrong shape", "segments"),
        ("extra key", "audio"),
        ("one host", "exactly one explainer and one newcomer"),
    ],
)
def test_malformed_scripts_are_rejected_with_the_reason(
    good: dict[str, Any], how: str, reason: str
) -> None:
    with pytest.raises(ScriptError) as info:
        validate_script(_break(good, how), small_spec(), source="llm-answer.json")
    assert reason in str(info.value)
    assert "llm-answer.json" in str(info.value)


def test_malformed_json_text_is_rejected() -> None:
    with pytest.raises(ScriptError, match="malformed podcast script"):
        validate_script('{"spec": "tiny", "segments": [', small_spec())


def test_speakable_strips_markup() -> None:
    md = (
        "An invoice MUST have a `draft` status[^bil5]. See [?](#invoices) and "
        "[the rules](other.md#money), **really**.\n\n```yaml\nx: 1\n```\n"
        '!!! note "Scope"\n    Hidden admonition.\n'
    )
    text = speakable(md, lambda anchor: {"invoices": "Invoices"}[anchor])
    assert text == "An invoice must have a draft status. See Invoices and the rules, really."


def test_first_sentences_caps_words() -> None:
    text = "One two three. Four five six seven. Eight."
    assert first_sentences(text, 7) == "One two three. Four five six seven."
    assert first_sentences("a b c d e f", 3) == "a b c, and so on."


def test_chunk_text_respects_the_openai_limit() -> None:
    sentence = "This sentence is about forty characters. "
    text = sentence * 300 + "x" * 5000
    pieces = chunk_text(text)
    assert all(0 < len(p) <= OPENAI_INPUT_LIMIT for p in pieces)
    assert "".join(p.replace(" ", "") for p in pieces) == text.replace(" ", "")


@given(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=3000),
    st.integers(min_value=20, max_value=500),
)
@settings(max_examples=200, deadline=None)
def test_chunk_text_never_exceeds_the_limit_or_loses_words(text: str, limit: int) -> None:
    pieces = chunk_text(text, limit)
    assert all(0 < len(p) <= limit for p in pieces)
    assert "".join("".join(p.split()) for p in pieces) == "".join(text.split())


@given(st.text(max_size=400))
@settings(max_examples=200, deadline=None)
def test_speakable_leaves_no_markup(md: str) -> None:
    text = speakable(md)
    assert "[^" not in text and "`" not in text and "\n" not in text


def test_a_must_clause_without_example_names_the_interface_items_carrying_it() -> None:
    from specloom.model import Operation

    spec = small_spec()
    spec.operations.append(Operation(name="run_things", clauses=["m1"], pos=_pos(9)))
    episode = build_episode(spec, PodcastConfig(), ["tiny"])
    lines = [line.text for s in episode.segments for line in s.lines if line.clauses == ["m1"]]
    assert any("carried by run things" in text for text in lines)


def test_code_spans_survive_as_words_and_tags_do_not() -> None:
    assert speakable("The `<user>` message <b>wins</b> <!-- hidden -->.") == (
        "The user tag message wins."
    )


def test_a_spec_without_sections_still_makes_a_valid_episode() -> None:
    spec = Spec(id="bare", title="Bare <one> & only", path="bare.md", hash="0")
    episode = validate_script(build_episode(spec, PodcastConfig(), ["bare"]), spec)
    assert [s.kind for s in episode.segments] == ["intro", "recap", "outro"]
    assert "no sections" in episode.segments[0].lines[-1].text
