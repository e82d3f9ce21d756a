"""`plain_paragraphs` builds exactly the tokens markdown-it gives, or declines."""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st

from specloom.parse.blocks import _parser, parse_blocks, plain_paragraphs

# lines that start with anything a block rule looks at, and plain prose
STARTS = [*"#>-+*_=|~`<[!?:0123456789 \t\x0c\u00a0ab", "**", "**a", "** ", "***", "    "]
REST = st.text(alphabet=st.sampled_from(list("ab *-|:`#>[]()!?.\t \\\u00a0")), max_size=12)
LINE = st.one_of(st.just(""), st.builds(lambda s, r: s + r, st.sampled_from(STARTS), REST))


@given(st.lists(LINE, max_size=8), st.booleans())
@example(["**Example**: counter 5", "", "A counter of 5", "stays below 12."], True)
@example(["a  ", "b \t", "", ""], True)
@example(["para", "---"], True)  # a setext heading
@example(["a | b", "--- | ---"], False)  # a table
@example(["**a**", "** *"], True)  # a thematic break after a paragraph
def test_plain_paragraphs_are_what_markdown_it_gives(lines: list[str], newline: bool) -> None:
    text = "\n".join(lines) + ("\n" if newline else "")
    fast = plain_paragraphs(text)
    if fast is not None:
        assert fast == _parser().parse(text)
    assert parse_blocks(text) == _parser().parse(text)


def test_examples_files_take_the_plain_path() -> None:
    text = "**Example**: an id\n\nIt has one,\nand [a link](#x).\n"
    tokens = plain_paragraphs(text)
    assert (
        tokens is not None
        and [t.type for t in tokens]
        == [
            "paragraph_open",
            "inline",
            "paragraph_close",
        ]
        * 2
    )
    assert plain_paragraphs("**Example**: x\n\n```xml\n<user>hi</user>\n```\n") is None
    assert plain_paragraphs("# Title\n") is None
