"""Inline text: code spans, footnote eval tags, sentences, cross references, RFC 2119 keywords."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import cache

from specloom.model import CrossRef, Level, SourcePos

TAG = re.compile(r"\[\^([^\[\]\s]+)\]")
"""A footnote eval tag `[^8ep1]` (the Model Spec has no footnote definitions for them)."""

_BACKTICKS = re.compile(r"`+")
_LINK = re.compile(
    r"\[((?:[^\[\]]|\[[^\[\]]*\])*)\]\(\s*<?([^\s()<>]*)>?(?:\s+(?:\"[^\"]*\"|'[^']*'))?\s*\)"
)
# possessive quantifiers and the look-behind keep long runs of dots linear
_SENTENCE_END = re.compile(r"(?<![.!?])[.!?]++[\"'”’)\]*_]*+(?:\[\^[^\[\]\s]+\])*+(?=\s|$)")
_SPACE = re.compile(r"\s+")
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:|//")
"""A scheme (`https:`, `mailto:`, `data:`) or a network-path reference: not a local file."""
_NEWLINE = re.compile(r"\n")
_KEYWORD = re.compile(
    r"\b(?:must\s+not|mustn['’]t|must|required|shall\s+not|shan['’]t|shall|should\s+not"
    r"|shouldn['’]t|should|not\s+recommended|recommended|may|optional)\b",
    re.IGNORECASE,
)
_KEYWORD_LEVEL: dict[str, Level] = {
    "MUST": Level.MUST,
    "REQUIRED": Level.MUST,
    "SHALL": Level.MUST,
    "MUST NOT": Level.MUST_NOT,
    "MUSTN'T": Level.MUST_NOT,
    "SHALL NOT": Level.MUST_NOT,
    "SHAN'T": Level.MUST_NOT,
    "SHOULD": Level.SHOULD,
    "RECOMMENDED": Level.SHOULD,
    "SHOULD NOT": Level.SHOULD_NOT,
    "SHOULDN'T": Level.SHOULD_NOT,
    "NOT RECOMMENDED": Level.SHOULD_NOT,
    "MAY": Level.MAY,
    "OPTIONAL": Level.MAY,
}
_MARKUP = re.compile(r"!?\[((?:[^\[\]]|\[[^\[\]]*\])*)\]\([^()]*\)|[*_`]+|<[^<>\n]*>")
TITLE_WORDS = 8
"""A statement clause's title is the first TITLE_WORDS words of its sentence."""


def mask_code(text: str) -> str:
    """`text` with every code span's characters replaced by `x` (line breaks kept)."""
    runs = list(_BACKTICKS.finditer(text))
    if not runs:
        return text
    by_len: dict[int, list[int]] = {}
    for i, m in enumerate(runs):
        by_len.setdefault(len(m.group()), []).append(i)
    out = list(text)
    i = 0
    while i < len(runs):
        opening = runs[i]
        candidates = by_len[len(opening.group())]
        k = bisect.bisect_right(candidates, i)
        if k == len(candidates):
            i += 1
            continue
        closing = runs[candidates[k]]
        for j in range(opening.start(), closing.end()):
            if out[j] != "\n":
                out[j] = "x"
        i = candidates[k] + 1
    return "".join(out)


@dataclass
class Tag:
    """One eval tag in an inline: its id, its offsets and its file line."""

    id: str
    start: int
    end: int
    line: int


@dataclass
class InlineText:
    """One block's inline Markdown source, scanned once."""

    content: str
    file: str
    first_line: int
    masked: str = ""
    """`content` with code spans, tags and link destinations blanked (for keyword search)."""
    prose: str = ""
    """`content` with code spans and link destinations blanked (for sentence ends)."""
    tags: list[Tag] = field(default_factory=list)
    refs: list[tuple[int, CrossRef]] = field(default_factory=list)
    _ends: list[int] | None = None
    _breaks: list[int] | None = None

    def line_at(self, offset: int) -> int:
        """File line of a character offset in `content`."""
        if self._breaks is None:
            self._breaks = [m.start() for m in _NEWLINE.finditer(self.content)]
        return self.first_line + bisect.bisect_left(self._breaks, offset)

    def sentence(self, offset: int) -> tuple[int, int]:
        """Start and end offsets of the sentence holding `offset`."""
        if self._ends is None:
            ends = []
            for m in _SENTENCE_END.finditer(self.prose):
                rest = self.prose[m.end() : m.end() + 40].lstrip()
                if not rest or not rest[0].islower():
                    ends.append(m.end())
            self._ends = ends
        k = bisect.bisect_right(self._ends, offset)
        start = self._ends[k - 1] if k > 0 else 0
        end = self._ends[k] if k < len(self._ends) else len(self.content)
        return start, end

    def text(self, start: int, end: int) -> str:
        """The source between two offsets, eval tags removed, white space collapsed."""
        parts = []
        pos = start
        k = bisect.bisect_left(self.tags, start, key=_start_of)
        while k < len(self.tags) and self.tags[k].end <= end:
            tag = self.tags[k]
            parts.append(self.content[pos : tag.start])
            pos = tag.end
            k += 1
        parts.append(self.content[pos:end])
        return _SPACE.sub(" ", "".join(parts)).strip()

    def keywords(self, start: int, end: int) -> list[str]:
        """Normative keywords between two offsets, as written (outside code spans).

        Uppercase keywords always; lowercase modal verbs (`must`, `should not`, `may`...)
        too; lowercase adjectives (`required`, `optional`...) are ordinary prose.
        """
        out = []
        for m in _KEYWORD.finditer(self.masked, start, end):
            word = " ".join(m.group().split())
            if word == word.upper() or is_modal(word):
                out.append(word)
        return out

    def refs_between(self, start: int, end: int) -> list[CrossRef]:
        """Cross references whose link starts between two offsets."""
        k = bisect.bisect_left(self.refs, start, key=_offset_of)
        out = []
        while k < len(self.refs) and self.refs[k][0] < end:
            out.append(self.refs[k][1])
            k += 1
        return out


def _start_of(tag: Tag) -> int:
    return tag.start


def _offset_of(item: tuple[int, CrossRef]) -> int:
    return item[0]


def scan_inline(content: str, file: str, first_line: int) -> InlineText:
    """Find the eval tags and cross references of one inline block."""
    out = InlineText(content, file, first_line)
    code_masked = mask_code(content)
    blank = list(code_masked)
    for m in _LINK.finditer(code_masked):
        href = m.group(2)
        if m.start() and code_masked[m.start() - 1] == "!":  # an image: only a local file
            if not href or href.startswith("#"):
                continue
        else:
            blank[m.start(2) : m.end(2)] = " " * (m.end(2) - m.start(2))
        ref = _cross_ref(content[m.start(1) : m.end(1)], href, file, out.line_at(m.start()))
        if ref is not None:
            out.refs.append((m.start(), ref))
    out.prose = "".join(blank)
    for m in TAG.finditer(code_masked):
        out.tags.append(Tag(m.group(1), m.start(), m.end(), out.line_at(m.start())))
        blank[m.start() : m.end()] = " " * (m.end() - m.start())
    out.masked = "".join(blank)
    return out


def _cross_ref(text: str, href: str, file: str, line: int) -> CrossRef | None:
    """A link to an anchor (`#id`), to a spec file (`../x/spec.md#id`), or to any other
    local file (kept so that lint can say the docs cannot publish it); None for a URL."""
    if _URL.match(href):
        return None
    spec_file, _, anchor = href.partition("#")
    if not anchor and not spec_file:
        return None
    label = _SPACE.sub(" ", text).strip()
    return CrossRef(
        target=anchor,
        spec_file=spec_file or None,
        text=None if label == "?" else label,
        pos=SourcePos(file=file, line=line),
    )


_ADJECTIVES = frozenset({"REQUIRED", "RECOMMENDED", "NOT RECOMMENDED", "OPTIONAL"})


@cache
def is_modal(keyword: str) -> bool:
    """True for the modal-verb keywords (MUST, SHALL, SHOULD, MAY and their negations)."""
    return " ".join(keyword.split()).upper() not in _ADJECTIVES


@cache
def keyword_level(keyword: str) -> Level:
    """The level one keyword stands for (`must not` -> MUST NOT)."""
    return _KEYWORD_LEVEL[" ".join(keyword.split()).replace("’", "'").upper()]


_RANK = {level: level.rank for level in Level}


def strongest_level(keywords: list[str], strict: bool) -> Level:
    """The strongest level among `keywords`; a strict spec counts only uppercase ones."""
    best = Level.NONE
    for kw in keywords:
        if kw != kw.upper() and (strict or not is_modal(kw)):
            continue
        level = keyword_level(kw)
        if _RANK[level] > _RANK[best]:
            best = level
    return best


def plain_words(markdown: str) -> str:
    """Markdown inline source reduced to its words (link text kept, markup dropped)."""
    return _SPACE.sub(" ", _MARKUP.sub(lambda m: m.group(1) or "", markdown)).strip()


def short_title(text: str) -> str:
    """The first TITLE_WORDS words of a sentence, markup dropped."""
    words = plain_words(TAG.sub("", text)).split(" ")
    return " ".join(words[:TITLE_WORDS])
