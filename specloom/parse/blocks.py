"""The Markdown block parser (markdown-it-py, CommonMark + tables + admonitions), built once."""

from __future__ import annotations

from functools import cache

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.admon import admon_plugin

try:  # markdown-it-py 4 trims a paragraph's content with the CommonMark whitespace set
    from markdown_it.common.utils import mdTrim as _trim
except ImportError:  # markdown-it-py 3 (our lowest) trims it with str.strip

    def _trim(string: str) -> str:
        return string.strip()


MAX_NESTING = 40
"""Deeper block nesting (lists in quotes in lists...) is read as plain text."""


@cache
def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"maxNesting": MAX_NESTING}).use(admon_plugin).enable("table")
    # specloom reads inline source itself (tags, sentences, links): skip inline tokenising.
    md.disable(["inline", "text_join"], ignoreInvalid=True)
    return md


def parse_blocks(text: str) -> list[Token]:
    """Block tokens of `text`; every block token has `.map` (0-based [first, end) lines)."""
    plain = plain_paragraphs(text)
    return plain if plain is not None else _parser().parse(text)


_NOT_PLAIN = frozenset("#>-+*_=|~`<[!?:0123456789 \t")
"""First characters of a line that may start (or interrupt with) another kind of block:
headings, quotes, lists, thematic breaks, setext underlines, tables and their delimiter
rows, fences, HTML, link reference definitions, admonitions (`!!!`, `???`), ordered lists,
indented code and lazy continuations."""


def plain_paragraphs(text: str) -> list[Token] | None:
    """The tokens markdown-it gives for text made only of paragraphs, built without it;
    None for any other text (then markdown-it parses it).

    A line qualifies when it is blank (spaces and tabs only) or starts with a character no
    block rule starts with; `**` followed by a letter or digit (bold, as in `**Example**:`)
    is allowed, `*` otherwise is a list item or a thematic break. Examples files are most
    often only this (a title paragraph and prose): markdown-it's fixed cost per document
    was a third of reading one (tests/parse/test_blocks_plain.py checks the equivalence).
    """
    if "\r" in text or "\0" in text:
        return None  # (markdown-it normalises them first)
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    tokens: list[Token] = []
    start: int | None = None
    for i, line in enumerate([*lines, ""]):
        if line.strip(" \t") == "":
            if start is not None:
                _paragraph(tokens, lines, start, i)
                start = None
            continue
        first = line[0]
        if first in _NOT_PLAIN and not (first == "*" and line[1:2] == "*" and line[2:3].isalnum()):
            return None
        if start is None:
            start = i
    return tokens


def _paragraph(tokens: list[Token], lines: list[str], start: int, end: int) -> None:
    opening = Token("paragraph_open", "p", 1, map=[start, end], level=0, block=True)
    inline = Token(
        "inline",
        "",
        0,
        map=[start, end],
        level=1,
        content=_trim("\n".join(lines[start:end])),
        block=True,
        children=[],
    )
    closing = Token("paragraph_close", "p", -1, level=0, block=True)
    tokens += [opening, inline, closing]


def fence_lang(token: Token) -> str:
    """The first word of a fence's info string (`xml`, `specloom`...), lowercased."""
    info = token.info.strip()
    return info.split(maxsplit=1)[0].lower() if info else ""
