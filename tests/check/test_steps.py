"""`given` steps: lint checks each step like a call, and references through the types."""

from __future__ import annotations

from pathlib import Path

import pytest
from specloom.targets.values import ValueBuilder

from specloom.check.lint import lint_workspace
from specloom.config import LintConfig
from specloom.errors import SpecError
from specloom.parse import load_workspace
from specloom.references import BadReference, Reference, parse_reference

SPEC = """---
spec: shelf
title: Shelf
---

# Shelf {#shelf}

A shelf MUST keep its books[^s1].

```specloom
types:
  Book:
    clauses: [s1]
    fields:
      id: string
      title: string
      pages: int32
      tags: list<Tag>
      note: string?
  Tag:
    clauses: [s1]
    fields:
      label: string
operations:
  add_book:
    clauses: [s1]
    params: {title: string, pages: int32, tags: list<Tag>}
    returns: Book
    errors: [Full]
  get_book:
    clauses: [s1]
    params: {id: string}
    returns: Book
    errors: [Missing]
  count_pages:
    clauses: [s1]
    params: {pages: int32}
    returns: int32
  clear:
    clauses: [s1]
errors:
  Full:
    clauses: [s1]
  Missing:
    clauses: [s1]
```

**Example**: steps

```specloom-example
{body}
```
"""

ADD = '  - call: add_book\n    with: {title: "Dune", pages: 412, tags: [{label: sf}]}\n'
GOOD = (
    f"given:\n{ADD}    as: book\n"
    "  - call: count_pages\n    with: {pages: $book.pages}\n    expect: 412\n"
    "call: get_book\nwith: {id: $book.id}\n"
    'expect: {id: $book.id, title: $$Dune, tags: [{label: "$book.tags[0].label"}]}'
)

BAD: dict[str, tuple[str, str, int]] = {
    # case: (body, message part, 0-based index of the step it points at; -1 the call)
    "step calls an unknown operation": (
        "given:\n  - call: shelve\ncall: clear",
        "given step 1: `shelve` is not an operation",
        0,
    ),
    "step has an unknown parameter": (
        "given:\n  - call: get_book\n    with: {id: x, colour: red}\ncall: clear",
        "given step 1: with: `get_book` has no parameter `colour`",
        0,
    ),
    "step value of the wrong type": (
        'given:\n  - call: count_pages\n    with: {pages: "many"}\ncall: clear',
        "given step 1: with.pages: 'many' is not an int32",
        0,
    ),
    "step expects an error its operation does not declare": (
        "given:\n  - call: get_book\n    with: {id: x}\n    expect: {error: Full}\ncall: clear",
        "given step 1: expect: `get_book` does not declare the error `Full`",
        0,
    ),
    "reference to a name never bound": (
        "call: get_book\nwith: {id: $book.id}",
        "`$book.id` names no earlier result",
        -1,
    ),
    "reference to a name bound later": (
        f"given:\n  - call: get_book\n    with: {{id: $book.id}}\n{ADD}    as: book\ncall: clear",
        "given step 1: with.id: `$book.id` names no earlier result",
        0,
    ),
    "reference to a missing field": (
        f"given:\n{ADD}    as: book\ncall: get_book\nwith: {{id: $book.isbn}}",
        "`Book` has no field `isbn`",
        -1,
    ),
    "reference of the wrong type": (
        f"given:\n{ADD}    as: book\ncall: get_book\nwith: {{id: $book.pages}}",
        "`$book.pages` is a int32, but a string is needed here",
        -1,
    ),
    "reference followed through a list": (
        f'given:\n{ADD}    as: book\ncall: count_pages\nwith: {{pages: "$book.tags[0].label"}}',
        "`$book.tags[0].label` is a string, but a int32 is needed here",
        -1,
    ),
    "index on a record": (
        f'given:\n{ADD}    as: book\ncall: get_book\nwith: {{id: "$book[0]"}}',
        "is a Book, not a list",
        -1,
    ),
    "past an optional field": (
        f"given:\n{ADD}    as: book\ncall: get_book\nwith: {{id: $book.note.x}}",
        "is optional",
        -1,
    ),
    "optional into a required slot": (
        f"given:\n{ADD}    as: book\ncall: get_book\nwith: {{id: $book.note}}",
        "may be absent",
        -1,
    ),
    "malformed reference": (
        f"given:\n{ADD}    as: book\ncall: get_book\nwith: {{id: $book..id}}",
        "is not a reference",
        -1,
    ),
    "as on an operation that returns nothing": (
        "given:\n  - call: clear\n    as: nothing\ncall: clear",
        "given step 1: `clear` returns nothing: drop `as: nothing`",
        0,
    ),
}


def _root(tmp_path: Path, body: str) -> Path:
    (tmp_path / "shelf").mkdir()
    (tmp_path / "shelf" / "spec.md").write_text(SPEC.replace("{body}", body), encoding="utf-8")
    return tmp_path


def _sl012(root: Path) -> list[tuple[int | None, str]]:
    found = lint_workspace(load_workspace(root), LintConfig())
    return [(f.line, f.message) for f in found if f.rule == "SL012"]


def _step_lines(root: Path) -> list[int]:
    """File lines of each `- call:` step, then of the example's fence (the call itself)."""
    text = (root / "shelf" / "spec.md").read_text(encoding="utf-8").splitlines()
    steps = [n for n, line in enumerate(text, 1) if line.startswith("  - call:")]
    return [*steps, text.index("```specloom-example") + 1]


def test_good_steps_lint_clean_and_build_with_typed_references(tmp_path: Path) -> None:
    root = _root(tmp_path, GOOD)
    assert _sl012(root) == []
    ws = load_workspace(root)
    (case,) = ValueBuilder(ws.specs["shelf"], ws).cases()
    assert [s.op.name for s in case.given] == ["add_book", "count_pages"]
    assert case.given[0].bind == "book" and case.given[1].checks


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_bad_step_is_a_lint_error_at_its_line(tmp_path: Path, case: str) -> None:
    body, expected, index = BAD[case]
    root = _root(tmp_path, body)
    found = _sl012(root)
    assert any(expected in msg for _, msg in found), found
    line = _step_lines(root)[index]
    assert [ln for ln, msg in found if expected in msg] == [line]
    ws = load_workspace(root)  # the build refuses the same example at the same line
    with pytest.raises(SpecError) as info:
        ValueBuilder(ws.specs["shelf"], ws).cases()
    assert info.value.line == line


def test_a_step_expecting_an_error_cannot_bind(tmp_path: Path) -> None:
    body = "given:\n  - call: get_book\n    with: {id: x}\n    expect: {error: Missing}\n"
    body += "    as: b\ncall: clear"
    with pytest.raises(SpecError) as info:
        load_workspace(_root(tmp_path, body))
    assert "cannot bind `as: b`" in info.value.message
    assert info.value.line is not None and info.value.hint


def test_reference_syntax() -> None:
    assert parse_reference("$c") == Reference("c", (), "$c")
    assert parse_reference("$c.items[2].id") == Reference("c", ("items", 2, "id"), "$c.items[2].id")
    assert parse_reference("$$5 off") == "$5 off"
    assert parse_reference("plain") is None and parse_reference(3) is None
    for bad in ["$", "$1x", "$c.", "$c[x]", "$c id"]:
        with pytest.raises(BadReference):
            parse_reference(bad)
