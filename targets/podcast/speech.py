"""Markdown to speakable plain text: no markup, no code, no footnote tags, short sentences."""

from __future__ import annotations

import re
from collections.abc import Callable

_FOOTNOTE = re.compile(r"\[\^[^\]]+\]")
_AUTO_LINK = re.compile(r"\[\?\]\(([^)#]*)#([^)\s]+)\)")
_BARE_ANCHOR = re.compile(r"\[#([^\]\s]+)\]")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_CODE = re.compile(r"`+([^`]*)`+")
_EMPHASIS = re.compile(r"(\*\*|__|~~|\*|(?<!\w)_)(\S(?:.*?\S)?)\1(?!\w)")
_TAG = re.compile(r"<!--.*?-->|</?[A-Za-z][^>]*>", re.S)
_ATTRS = re.compile(r"\s*\{#[^}]*\}")
_SPACE = re.compile(r"\s+")
_LEFTOVER = re.compile(r"`+|\[\^|\*+")
_SPACE_BEFORE_PUNCT = re.compile(r"\s+([,.;:!?])")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])")
_KEYWORD_STEMS = ("MUST", "SHALL", "SHOULD", "REQUIRED", "MAY", "OPTIONAL")
"""What _KEYWORDS needs in a text to match at all."""
_BULLET = re.compile(r"^([-*+]|\d+\.)\s+")
_KEYWORDS = re.compile(
    r"\b(MUST NOT|MUST|SHALL NOT|SHALL|SHOULD NOT|SHOULD|REQUIRED|MAY|OPTIONAL)\b"
)


def prose_lines(markdown: str) -> str:
    """The prose of a Markdown body: fenced blocks, admonitions, tables, headings dropped."""
    out: list[str] = []
    fence: str | None = None
    in_admonition = False
    for raw in markdown.splitlines():
        stripped = raw.strip()
        if fence is not None:
            if stripped.startswith(fence):
                fence = None
            continue
        if stripped.startswith(("```", "~~~")):
            fence = stripped[:3]
            continue
        if stripped.startswith(("!!!", "???")):
            in_admonition = True
            continue
        if in_admonition:
            if not stripped or raw.startswith((" ", "\t")):
                continue
            in_admonition = False
        if stripped.startswith(("#", "|", "<", "**Example**")):
            out.append("")
            continue
        bullet = stripped[:1] in ("-", "*", "+") or stripped[:1].isdigit()
        out.append(_BULLET.sub("", stripped) if bullet else stripped)
    return "\n".join(out)


def speakable(
    markdown: str, resolve: Callable[[str], str] | None = None, *, prose: bool = True
) -> str:
    """One line of text a TTS engine can read; `resolve` titles `[?](#id)` links."""
    # (each substitution is skipped when the text lacks a character its pattern needs:
    # most clause sentences are plain prose, and this runs for every clause said)
    text = (prose_lines(markdown) if prose else markdown).replace("\x00", "")
    if "[^" in text:
        text = _FOOTNOTE.sub("", text)
    if "[?](" in text:
        text = _AUTO_LINK.sub(
            lambda m: resolve(m.group(2)) if resolve else spoken_id(m.group(2)), text
        )
    if "](" in text:
        text = _LINK.sub(lambda m: m.group(1), text)
    if "[#" in text:
        text = _BARE_ANCHOR.sub(
            lambda m: resolve(m.group(1)) if resolve else spoken_id(m.group(1)), text
        )
    # code spans are described (`<user>` is "the user tag", a regex "a pattern"); HTML tags
    # and comments outside them are dropped
    spans: list[str] = []

    def _hold(m: re.Match[str]) -> str:
        spans.append(describe_code(m.group(1)))
        return f"\x00{len(spans) - 1}\x00"

    if "://" in text or "www." in text.lower():
        text = _URL.sub(lambda m: describe_url(m.group(0)), text)
    if "`" in text:
        text = _CODE.sub(_hold, text)
    if "<" in text:
        text = _TAG.sub(" ", text)
    if spans:
        text = _HELD.sub(lambda m: spans[int(m.group(1))], text)
    if "{#" in text:
        text = _ATTRS.sub("", text)
    if "*" in text or "_" in text or "~" in text:
        for _ in range(2):
            text = _EMPHASIS.sub(lambda m: m.group(2), text)
    if any(k in text for k in _KEYWORD_STEMS):
        text = _KEYWORDS.sub(lambda m: m.group(1).lower(), text)
    text = text.replace("---", ",").replace("—", ",").replace("...", ".")
    if "`" in text or "[^" in text or "*" in text:
        text = _LEFTOVER.sub(" ", text)  # unmatched backticks, footnote openers, asterisks
    if "_" in text:
        text = _SNAKE.sub(lambda m: spoken_id(m.group(0)), text)
    if "::" in text or not _NOISE_CHARS.isdisjoint(text):
        text = _NOISE.sub(" ", text)  # braces, pipes, backslashes: nothing a voice can say
    text = _SPACE.sub(" ", text).strip()
    return _SPACE_BEFORE_PUNCT.sub(r"\1", text)


_URL = re.compile(r"(?i)\b(?:https?://|ftp://|www\.)[^\s)>\]]+")
_HELD = re.compile(r"\x00(\d+)\x00")
_SNAKE = re.compile(r"\b[A-Za-z]\w*_\w+\b")
_NOISE = re.compile(r"[{}\\|^$<>]|::|->|=>")
_NOISE_CHARS = frozenset("{}\\|^$<>")
"""The characters _NOISE needs (besides `::`): `->` and `=>` hold `>`."""
_IDENT = re.compile(r"^[A-Za-z_][\w.]*$")
_TAG_NAME = re.compile(r"^</?([A-Za-z][\w-]*)/?>$")
_REGEX = re.compile(r"[\\^$*+?{}\[\]|]")


def describe_url(url: str) -> str:
    """A URL as words: `https://example.com/x` -> `a link to example dot com`."""
    host = re.sub(r"(?i)^(?:https?://|ftp://)?(?:www\.)?", "", url).split("/", 1)[0]
    host = re.sub(r"[^\w.-]", "", host).rstrip(".")
    return f"a link to {host.replace('.', ' dot ')}" if host else "a link"


def describe_code(code: str) -> str:
    """A code span as words: a name is read as words, anything else is described."""
    code = code.strip()
    tag = _TAG_NAME.match(code)
    if tag:
        return f"{spoken_id(tag.group(1))} tag"
    if _IDENT.match(code):
        return spoken_id(code.replace(".", " "))
    if _URL.match(code):
        return describe_url(code)
    if _REGEX.search(code):
        return "a pattern"
    return "a code snippet"


def first_sentences(text: str, max_words: int) -> str:
    """Whole sentences from the start, up to `max_words` words (the first one cut if longer)."""
    out: list[str] = []
    count = 0
    for sentence in _SENTENCE_END.split(text.strip()):
        words = sentence.split()
        if not words:
            continue
        if count + len(words) > max_words:
            if not out:
                cut = " ".join(words[:max_words]).rstrip(",;:")
                out.append(cut + ", and so on.")
            break
        out.append(sentence)
        count += len(words)
    return " ".join(out)


def spoken_id(anchor: str) -> str:
    """An id read aloud: `chain_of_command` -> `chain of command`."""
    return anchor.replace("_", " ").replace("-", " ")


def number_words(n: int) -> str:
    """Small numbers as words (TTS engines read them better in running text)."""
    names = [
        "zero",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
    ]
    return names[n] if 0 <= n < len(names) else str(n)


def plural(n: int, word: str) -> str:
    """`3 rules`, `one rule`."""
    return f"{number_words(n)} {word}{'' if n == 1 else 's'}"
