"""`given` steps in `specloom-example` blocks: parsed with their lines, bad ones refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from specloom.errors import SpecError
from specloom.parse.examples import parse_structured

GOOD = """given:
  - call: create_counter
    with: {name: "clicks"}
    as: c
  - call: increment
    with: {id: $c.id}
    expect: {value: 1}
  - call: increment
    with: {id: $c.id, by: 0}
    expect: {error: InvalidStep}
call: read
with: {id: $c.id}
expect: {value: 2}
"""


def test_steps_are_parsed_in_order_with_their_lines() -> None:
    st = parse_structured(GOOD, "specs/x/examples/c1.md", 10)
    assert [(s.call, s.as_, s.checks, s.expect_error, s.pos.line) for s in st.given] == [
        ("create_counter", "c", False, None, 12),
        ("increment", None, True, None, 15),
        ("increment", None, True, "InvalidStep", 18),
    ]
    assert st.given[1].with_ == {"id": "$c.id"} and st.given[1].expect == {"value": 1}
    assert st.call == "read" and st.expect == {"value": 2}
    dumped = json.loads(st.model_dump_json(by_alias=True))
    assert dumped["given"][0]["as"] == "c" and dumped["given"][0]["with"] == {"name": "clicks"}


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("given: {call: a}\ncall: b", 11, "`given` must be a list of steps"),
        ("given:\n  - with: {x: 1}\ncall: b", 12, "a `given` step has no `call`"),
        ("given:\n  - call: a\n    then: b\ncall: b", 13, "unknown key 'then' in a `given` step"),
        ("given:\n  - call: a\n    as: 1x\ncall: b", 13, "`as: 1x` is not a plain name"),
        (
            "given:\n  - call: a\n    expect: {error: E}\n    as: r\ncall: b",
            14,
            "expects the error E and cannot bind `as: r`",
        ),
    ],
)
def test_bad_steps_are_spec_errors_at_their_line(text: str, line: int, message: str) -> None:
    with pytest.raises(SpecError) as info:
        parse_structured(text, "specs/x/examples/c1.md", 10)
    assert info.value.line == line and message in info.value.message
    assert info.value.hint


def test_specloom_ir_shows_the_steps(repo_root: Path) -> None:
    from specloom.parse import load_workspace

    ws = load_workspace(repo_root / "specs")
    ex = next(e for e in ws.specs["counters"].examples if e.clause == "cnt6")
    assert ex.structured is not None
    data = json.loads(ex.model_dump_json(by_alias=True))
    assert [s["call"] for s in data["structured"]["given"]] == [
        "create_counter",
        "increment",
        "increment",
    ]
    assert data["structured"]["expect"] == {"value": "$last.value", "name": "$last.name"}
