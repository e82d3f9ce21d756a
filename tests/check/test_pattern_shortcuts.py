"""The speed shortcuts of the lint path answer what the plain patterns answer.

Issue 14 (session 4) made the hot patterns cheaper: a look-ahead on the first letter in
front of the case-insensitive keyword patterns, and substring tests that skip a pattern
when the text lacks a character it needs (the podcast's speakable text, its unspeakable
and content-word checks, the rules' footnote and clarification handling). Each shortcut is
held here against the pattern or function without it, over text made of the characters
the patterns care about (plus the Unicode letters Python's case-insensitive matching
folds: long s, Kelvin sign, dotted and dotless i)."""

from __future__ import annotations

import re

from hypothesis import example, given
from hypothesis import strategies as st
from specloom.targets.podcast import speech, spoken

from specloom.check import conflicts, keywords, text
from specloom.parse import inline

WORDS = [
    *["must", "MUST NOT", "mustn't", "shall", "shan’t", "Should  not", "should", "may"],
    *["not recommended", "REQUIRED", "Optional", "never", "ſhall", "xmust", "must_", "K"],
    *["İ", "ı", "TODO", "[^c1]", "[?](#a)", "[t](#b)", "[#c]", "`x`", "<b>", "{#d}"],
    *["**", "__", "~~", "_a_", "a_b", "http://x.y", "WWW.z", "ftp://q", "->", "=>", "::"],
    *["==", "!=", ".*", ".+", "[a-z]", "\\d", "f(", "^", "$", "|", "\\", "/v1/", "???"],
    *["[NEEDS CLARIFICATION: x]", " ", "\n", "\t", ".", ",", "—", "---", "...", "’"],
]
TEXT = st.lists(
    st.one_of(st.sampled_from(WORDS), st.text(alphabet="abMSnorx _-*`[]()#.", max_size=4)),
    max_size=14,
).map("".join)

PLAIN_KEYWORD = re.compile(
    r"\b(?:must\s+not|mustn['’]t|must|required|shall\s+not|shan['’]t|shall|should\s+not"
    r"|shouldn['’]t|should|not\s+recommended|recommended|may|optional)\b",
    re.IGNORECASE,
)
PLAIN_LOWER = re.compile(r"\b(must not|must|shall not|shall|should not|should|may)\b", re.I)
PLAIN_ANY = re.compile(r"\b(must|shall)( not| never)?\b", re.IGNORECASE)


def _spans(pattern: re.Pattern[str], s: str) -> list[tuple[tuple[int, int], tuple[object, ...]]]:
    return [(m.span(), m.groups()) for m in pattern.finditer(s)]


@given(TEXT)
@example("A ſhall b; K must_ MUST  NOT x")
def test_keyword_look_aheads_change_no_match(s: str) -> None:
    assert _spans(inline._KEYWORD, s) == _spans(PLAIN_KEYWORD, s)
    assert _spans(keywords.LOWER_KEYWORD, s) == _spans(PLAIN_LOWER, s)
    assert _spans(conflicts._ANY, s) == _spans(PLAIN_ANY, s)


def _speakable_plain(markdown: str, prose: bool) -> str:
    """`speech.speakable` as it was before the shortcuts (every substitution runs)."""
    s = speech
    t = (s.prose_lines(markdown) if prose else markdown).replace("\x00", "")
    t = s._FOOTNOTE.sub("", t)
    t = s._AUTO_LINK.sub(lambda m: s.spoken_id(m.group(2)), t)
    t = s._LINK.sub(lambda m: m.group(1), t)
    t = s._BARE_ANCHOR.sub(lambda m: s.spoken_id(m.group(1)), t)
    spans: list[str] = []

    def hold(m: re.Match[str]) -> str:
        spans.append(s.describe_code(m.group(1)))
        return f"\x00{len(spans) - 1}\x00"

    t = s._URL.sub(lambda m: s.describe_url(m.group(0)), t)
    t = s._TAG.sub(" ", s._CODE.sub(hold, t))
    t = re.sub(r"\x00(\d+)\x00", lambda m: spans[int(m.group(1))], t)
    t = s._ATTRS.sub("", t)
    for _ in range(2):
        t = s._EMPHASIS.sub(lambda m: m.group(2), t)
    t = s._KEYWORDS.sub(lambda m: m.group(1).lower(), t)
    t = t.replace("---", ",").replace("—", ",").replace("...", ".")
    t = s._LEFTOVER.sub(" ", t)
    t = s._SNAKE.sub(lambda m: s.spoken_id(m.group(0)), t)
    t = s._NOISE.sub(" ", t)
    t = s._SPACE.sub(" ", t).strip()
    return s._SPACE_BEFORE_PUNCT.sub(r"\1", t)


@given(TEXT, st.booleans())
@example("- a_b `x` [^c1] **MUST** see [t](#b) at http://x.y", True)
@example("12. K ~~x~~ -> y", True)
def test_speakable_shortcuts_change_nothing(s: str, prose: bool) -> None:
    assert speech.speakable(s, prose=prose) == _speakable_plain(s, prose)


@given(TEXT)
@example("call f( at WWW.z with .* and a_b: `x` == y")
def test_unspeakable_shortcuts_change_nothing(s: str) -> None:
    plain = []
    for what, pattern in spoken.UNSPEAKABLE:
        m = pattern.search(s)
        if m is not None:
            plain.append(f"{what} ({m.group(0)[:30]!r})")
    assert spoken.unspeakable(s) == plain


@given(TEXT)
@example("match ^[a-z]+$ [^c1] `x` [t](#b) <mailto:a> /v1/ see")
def test_content_words_shortcuts_change_nothing(s: str) -> None:
    t = spoken._FOOTNOTE.sub(" ", s)
    t = spoken._CODE.sub(" ", t)
    t = spoken._LINK.sub(lambda m: m.group(1), t)
    t = spoken._URL.sub(" ", t)
    t = spoken._PATTERN.sub(" ", t)
    want = {w for w in spoken.words(t) if len(w) > 2 and w not in spoken.STOPWORDS}
    assert spoken.content_words(s) == want


@given(TEXT)
@example("It is fast[^c1] [NEEDS CLARIFICATION: how fast?] TODO")
def test_rule_text_shortcuts_change_nothing(s: str) -> None:
    plain = text._SPACE.sub(" ", text._FOOTNOTE.sub("", text.CLARIFICATION.sub(" ", s))).strip()
    assert text._rule_text(s) == plain
