"""Inline scanning: code spans, eval tags, sentences, keywords and levels, cross references."""

from __future__ import annotations

import pytest

from specloom.model import Level
from specloom.parse.inline import mask_code, scan_inline, short_title, strongest_level


def sentences(content: str) -> list[tuple[str, str, int]]:
    text = scan_inline(content, "f.md", 10)
    return [(t.id, text.text(*text.sentence(t.start)), t.line) for t in text.tags]


def test_mask_code_keeps_length_and_line_breaks() -> None:
    src = "a `b [^x]` c ``d ` e`` f `unclosed"
    masked = mask_code(src)
    assert len(masked) == len(src)
    assert "[^x]" not in masked and "d ` e" not in masked
    assert masked.endswith("`unclosed")
    assert mask_code("`a\nb`") == "xx\nxx"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("One[^a]. Two[^b].", [("a", "One."), ("b", "Two.")]),
        ("One.[^a] Two.", [("a", "One.")]),
        ('He said "stop."[^a] Then left.', [("a", 'He said "stop."')]),
        ("Use e.g. this[^a]. Next.", [("a", "Use e.g. this.")]),
        (
            "YAML[^a], JSON[^b] are data.",
            [("a", "YAML, JSON are data."), ("b", "YAML, JSON are data.")],
        ),
        ("No end[^a]", [("a", "No end")]),
        ("Call `f()`. Done[^a].", [("a", "Done.")]),
        ("Call `f(). Done` now[^a].", [("a", "Call `f(). Done` now.")]),
        ("Ask (see [?](#x))[^a]. More.", [("a", "Ask (see [?](#x)).")]),
        ("Go to [a.b](https://x.org/a.b). Then[^a].", [("a", "Then.")]),
    ],
)
def test_sentence_of_each_tag(content: str, expected: list[tuple[str, str]]) -> None:
    assert [(i, s) for i, s, _ in sentences(content)] == expected


def test_tag_line_is_the_line_of_the_tag() -> None:
    assert [line for _, _, line in sentences("First line\nsecond[^a] and\nthird[^b].")] == [11, 12]


def test_code_spans_hide_tags_and_keywords() -> None:
    text = scan_inline("Write `MUST [^x]` literally[^a].", "f.md", 1)
    assert [t.id for t in text.tags] == ["a"]
    assert text.keywords(0, len(text.content)) == []


@pytest.mark.parametrize(
    ("content", "keywords", "lenient", "strict"),
    [
        ("It MUST NOT fail.", ["MUST NOT"], Level.MUST_NOT, Level.MUST_NOT),
        ("It must not fail.", ["must not"], Level.MUST_NOT, Level.NONE),
        ("It MAY and SHOULD.", ["MAY", "SHOULD"], Level.SHOULD, Level.SHOULD),
        ("It shouldn't.", ["shouldn't"], Level.SHOULD_NOT, Level.NONE),
        ("It is REQUIRED.", ["REQUIRED"], Level.MUST, Level.MUST),
        ("Unless required to.", [], Level.NONE, Level.NONE),
        ("NOT RECOMMENDED here.", ["NOT RECOMMENDED"], Level.SHOULD_NOT, Level.SHOULD_NOT),
        ("It is OPTIONAL.", ["OPTIONAL"], Level.MAY, Level.MAY),
        ("Never do it; dismay.", [], Level.NONE, Level.NONE),
        ("May it be", ["May"], Level.MAY, Level.NONE),
        ("must\nnot break", ["must not"], Level.MUST_NOT, Level.NONE),
        ("A MUST and a MUST NOT.", ["MUST", "MUST NOT"], Level.MUST, Level.MUST),
    ],
)
def test_keywords_and_levels(
    content: str, keywords: list[str], lenient: Level, strict: Level
) -> None:
    text = scan_inline(content, "f.md", 1)
    found = text.keywords(0, len(content))
    assert found == keywords
    assert strongest_level(found, strict=False) is lenient
    assert strongest_level(found, strict=True) is strict


def test_cross_reference_forms() -> None:
    text = scan_inline(
        "[?](#a) [t](#b) [m](../c/spec.md#c) [w](https://x/#d) ![i](#e) [n](#) [p](page.md)"
        " ![l](logo.png) ![u](https://x/l.png) [d](data:text/plain,x) [h](//x/y.md)",
        "f.md",
        3,
    )
    refs = [(r.target, r.spec_file, r.text, r.pos.line) for _, r in text.refs]
    assert refs == [
        ("a", None, None, 3),
        ("b", None, "t", 3),
        ("c", "../c/spec.md", "m", 3),
        ("", "page.md", "p", 3),  # a file without an anchor: SL007 or SL016 judge it
        ("", "logo.png", "l", 3),  # an image of a local file (SL016)
    ]


def test_short_title_drops_markup() -> None:
    assert short_title(
        "The **assistant** must [follow](#x) `all` the rules of this long spec."
    ) == ("The assistant must follow all the rules of")
