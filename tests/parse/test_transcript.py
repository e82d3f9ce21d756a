"""Transcripts: messages, comparisons, verdicts; lenient on malformed input."""

from __future__ import annotations

from specloom.parse.transcript import parse_transcript


def test_comparison_with_verdicts_and_notes() -> None:
    raw = (
        "<user>\nHi\n</user>\n<comparison>\n<assistant> <!-- GOOD: friendly -->\nHello\n"
        "</assistant>\n<assistant><!--BAD-->\nGo\n</assistant>\n</comparison>\n"
    )
    t = parse_transcript(raw, "f.md", 7)
    assert [(m.role, m.text, m.verdict, m.note) for m in t.messages] == [
        ("user", "Hi", None, None),
        ("assistant", "Hello", "GOOD", "friendly"),
        ("assistant", "Go", "BAD", None),
    ]
    assert t.pos.line == 7 and t.raw == raw
    # the raw text starts on the line after the fence (line 8): each message at its opening tag
    assert [(m.pos.file, m.pos.line) for m in t.messages] == [
        ("f.md", 8),
        ("f.md", 12),
        ("f.md", 15),
    ]


def test_messages_on_one_line_and_self_closing_tags() -> None:
    t = parse_transcript("<user>a</user><assistant>b</assistant>\n\n<tool />", "g.md", 3)
    assert [(m.role, m.pos.line) for m in t.messages] == [
        ("user", 4),
        ("assistant", 4),
        ("tool", 6),
    ]


def test_attributes_and_nested_elements() -> None:
    raw = (
        "<system>\n<settings>\nunder_18: true\n</settings>\n</system>\n"
        '<tool name="x">\nout\n</tool>'
    )
    t = parse_transcript(raw, "f.md", 1)
    assert [(m.role, m.text) for m in t.messages] == [
        ("system", "<settings>\nunder_18: true\n</settings>"),
        ("tool", "out"),
    ]


def test_same_name_nesting_is_counted() -> None:
    t = parse_transcript("<user><user>inner</user> outer</user>", "f.md", 1)
    assert [(m.role, m.text) for m in t.messages] == [("user", "<user>inner</user> outer")]


def test_malformed_keeps_what_was_read() -> None:
    t = parse_transcript("<user>\nok\n</user>\n<assistant>\nnever closed", "f.md", 1)
    assert [m.role for m in t.messages] == ["user"]
    assert parse_transcript("not xml at all", "f.md", 1).messages == []
    assert parse_transcript("<comparison><user>x", "f.md", 1).messages == []


def test_attributes_and_comparison_groups_are_kept() -> None:
    raw = (
        "<assistant recipient=\"functions.lookup\" end_turn='false'>\nlookup(1)\n</assistant>\n"
        '<tool name="lookup">\n42\n</tool>\n'
        "<comparison>\n<assistant> <!-- GOOD -->\nIt is 42.\n</assistant>\n"
        "<assistant> <!-- BAD -->\nNo idea.\n</assistant>\n</comparison>\n"
        "<user>\nAnd again?\n</user>\n"
        "<comparison>\n<assistant />\n<assistant> <!-- GOOD -->\n42 again.\n</assistant>\n"
        "</comparison>\n"
    )
    msgs = parse_transcript(raw, "f.md", 1).messages
    assert [(m.role, m.comparison) for m in msgs] == [
        ("assistant", None),
        ("tool", None),
        ("assistant", 0),
        ("assistant", 0),
        ("user", None),
        ("assistant", 1),
        ("assistant", 1),
    ]
    assert msgs[0].attrs == {"recipient": "functions.lookup", "end_turn": "false"}
    assert msgs[1].attrs == {"name": "lookup"}
    assert msgs[2].attrs == {} and msgs[2].verdict == "GOOD"
