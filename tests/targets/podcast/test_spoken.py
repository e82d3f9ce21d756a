"""What counts as saying a clause (POD002) and what is unspeakable (POD013), and the speech
text the builder makes of code, URLs and patterns."""

from __future__ import annotations

import pytest
from specloom.targets.podcast.speech import speakable
from specloom.targets.podcast.spoken import (
    content_words,
    normative_text,
    says_clause,
    says_modal,
    unspeakable,
)

from specloom.model import Clause, Level, SourcePos

POS = SourcePos(file="spec.md", line=1)


def clause(text: str, level: Level = Level.MUST, kind: str = "statement") -> Clause:
    return Clause(id="c1", kind=kind, title="t", text=text, level=level, pos=POS)  # type: ignore[arg-type]


def test_content_words_leave_out_code_urls_patterns_and_stop_words() -> None:
    text = "An id MUST match `^inv_[a-z]+$` and the pattern ^[0-9]{3}$, see https://x.org/a[^b1]."
    assert content_words(text) == {"match", "pattern", "see"}


@pytest.mark.parametrize(
    ("line", "level", "said"),
    [
        ("An invoice must contain at least one line item.", Level.MUST, True),
        ("An invoice has to contain at least one line item.", Level.MUST, True),
        ("An invoice should contain at least one line item.", Level.MUST, False),
        ("An invoice must contain something.", Level.MUST, False),  # 1 of 3 content words
        ("A payment must not exceed the amount due.", Level.MUST_NOT, True),
        ("A payment may never exceed the amount due.", Level.MUST_NOT, False),
        ("A payment is not allowed to exceed the amount due.", Level.MUST_NOT, True),
    ],
)
def test_a_line_says_a_clause_with_its_modal_and_half_its_words(
    line: str, level: Level, said: bool
) -> None:
    text = (
        "An invoice MUST contain at least one line item."
        if level is Level.MUST
        else "A payment MUST NOT exceed the amount still due."
    )
    assert says_clause(line, clause(text, level)) is said


def test_must_not_is_not_said_by_must_alone() -> None:
    assert not says_modal("A payment must exceed the amount.", Level.MUST_NOT)
    assert says_modal("A payment mustn't exceed the amount.", Level.MUST_NOT)


def test_a_section_clause_is_judged_by_its_must_sentences() -> None:
    c = clause("Intro prose here. Each id MUST be unique. More prose.", kind="section")
    assert normative_text(c) == "Each id MUST be unique."


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("see https://example.com/x", "a URL"),
        ("see www.example.com", "a URL"),
        ("call `f`", "code markup"),
        ("ids like inv[0-9] here", "a regular expression"),
        ("anything .* goes", "a regular expression"),
        ("the create_invoice call", "an identifier with underscores"),
        ("then run main( now", "a call"),
        ("a {brace}", "code markup"),
    ],
)
def test_unspeakable_finds_what_tts_would_read_as_noise(text: str, kind: str) -> None:
    assert any(found.startswith(kind) for found in unspeakable(text)), unspeakable(text)


def test_plain_speech_is_speakable() -> None:
    assert unspeakable("An invoice must contain at least one line item, and so on.") == []


@pytest.mark.parametrize(
    ("markdown", "spoken"),
    [
        ("Use `create_invoice` here.", "Use create invoice here."),
        ("The `<user>` message wins.", "The user tag message wins."),
        ("Ids match `^inv_[a-z0-9]+$`.", "Ids match a pattern."),
        ("Run `x = y; z()`.", "Run a code snippet."),
        ("See https://example.com/spec for more.", "See a link to example dot com for more."),
        ("See [the spec](https://example.com/spec).", "See the spec."),
        ("Call the_function now.", "Call the function now."),
        ("~~old~~ and **bold**.", "old and bold."),
    ],
)
def test_speakable_describes_code_urls_and_patterns(markdown: str, spoken: str) -> None:
    assert speakable(markdown) == spoken
    assert unspeakable(speakable(markdown)) == []


def test_script_md_and_vtt_read_back_equal_the_script_even_for_awkward_text() -> None:
    from specloom.targets.podcast.assemble import Cue, Timeline
    from specloom.targets.podcast.forms import (
        SpokenLine,
        expected_lines,
        first_difference,
        script_md_lines,
        vtt_cues,
    )
    from specloom.targets.podcast.render import script_md
    from specloom.targets.podcast.script import Episode, Host, Line, Segment
    from specloom.targets.podcast.vtt import transcript_vtt

    awkward = "Two\n\nparagraphs, *stars*, [brackets] | pipes # and <tags> & --> arrows `x`"
    episode = Episode(
        spec="s",
        title="T",
        show="S",
        number=1,
        date="2026-01-01",
        hosts=[
            Host(id="a", name="A [x]", role="explainer"),
            Host(id="b", name="B", role="newcomer"),
        ],
        segments=[
            Segment(
                id="intro",
                title="Intro *1*",
                kind="intro",
                lines=[Line(speaker="a", text=awkward, clauses=["c1", "c2"])],
            ),
            Segment(
                id="outro", title="Outro", kind="outro", lines=[Line(speaker="b", text="Bye.")]
            ),
        ],
    )
    md = script_md_lines(script_md(episode).decode())
    assert first_difference(expected_lines(episode, by_title=True), md) is None
    timeline = Timeline(
        duration_ms=2000,
        segments=[("intro", 0, 1000), ("outro", 1000, 2000)],
        cues=[
            Cue("intro", "a", awkward, ["c1", "c2"], 0, 900),
            Cue("outro", "b", "Bye.", [], 1000, 1900),
        ],
    )
    cues = vtt_cues(transcript_vtt(episode, timeline).decode())
    got = [SpokenLine(c.segment, c.speaker, c.text, c.clauses) for c in cues]
    assert first_difference(expected_lines(episode), got) is None
    assert first_difference(expected_lines(episode), got[:1]) == "1 lines, script.json has 2"
