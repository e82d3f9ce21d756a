"""Sections: ids and slugs, parents, inherited authority, bodies, section clauses."""

from __future__ import annotations

from specloom.model import Level
from specloom.parse import load_spec_text


def test_slugs_never_take_an_explicit_id() -> None:
    spec = load_spec_text("# Rules\n\n## Other {#rules}\n\n## Rules\n", "x/spec.md")
    assert [(s.id, s.explicit_id) for s in spec.sections] == [
        ("rules_1", False),
        ("rules", True),
        ("rules_2", False),
    ]
    assert [c.id for c in spec.clauses] == ["rules"]


def test_parents_authority_and_bodies() -> None:
    text = (
        "---\nspec: s\n---\n"  # 1-3
        "# Top {#top authority=root}\n"  # 4
        "\n"
        "Top text MUST hold.\n"  # 6
        "\n"
        "### Deep {#deep}\n"  # 8
        "Deep text[^d1].\n"  # 9
        "## Mid {#mid authority=user}\n"  # 10
        "\n\n"
        "Mid text.\n"  # 13
        "\n"
    )
    spec = load_spec_text(text, "x/spec.md")
    top, deep, mid = spec.sections
    assert (deep.parent, mid.parent) == ("top", "top")
    assert (top.body, top.body_line) == ("Top text MUST hold.", 6)
    assert (deep.body, deep.body_line) == ("Deep text[^d1].", 9)
    assert (mid.body, mid.body_line) == ("Mid text.", 13)
    clauses = {c.id: c for c in spec.clauses}
    assert [c.id for c in spec.clauses] == ["top", "deep", "d1", "mid"]
    assert (clauses["top"].level, clauses["top"].text) == (Level.MUST, "Top text MUST hold.")
    assert clauses["deep"].authority == "root" and clauses["d1"].authority == "root"
    assert clauses["mid"].authority == "user"
    assert clauses["d1"].section == "deep" and clauses["deep"].section == "top"


def test_headings_in_lists_and_quotes_are_not_sections() -> None:
    spec = load_spec_text("# A {#a}\n\n> # Quoted {#q}\n\n- # Listed {#l}\n", "x/spec.md")
    assert [s.id for s in spec.sections] == ["a"]
