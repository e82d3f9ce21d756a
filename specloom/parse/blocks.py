"""The Markdown block parser (markdown-it-py, CommonMark + tables + admonitions), built once."""

from __future__ import annotations

from functools import cache

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.admon import admon_plugin

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
    return _parser().parse(text)


def fence_lang(token: Token) -> str:
    """The first word of a fence's info string (`xml`, `specloom`...), lowercased."""
    info = token.info.strip()
    return info.split(maxsplit=1)[0].lower() if info else ""
