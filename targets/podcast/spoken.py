"""What counts as saying a clause aloud, and what cannot be read aloud (POD002, POD013)."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache, lru_cache

from specloom.model import Clause, Level

MODALS: dict[Level, tuple[str, ...]] = {
    Level.MUST: ("must", "has to", "have to", "is required to", "are required to", "shall"),
    Level.MUST_NOT: (
        "must not",
        "must never",
        "mustn't",
        "may not",
        "shall not",
        "is not allowed to",
        "are not allowed to",
    ),
}
"""A spoken line says a clause's modal when it contains one of these (whole words)."""
MIN_CONTENT_SHARE = 0.5
"""A spoken line must contain at least this share of the clause's content words."""
_STOP = """a an and any are as at be been by can each for from has have if in into is it its
of on or so such than that the their them then there these they this to was were when which
who will with within without you your our we not no must should may shall required
recommended optional never also only"""
STOPWORDS = frozenset(re.findall(r"\S+", _STOP))
"""Words that carry no content of a clause (modal words are checked on their own)."""
_FOOTNOTE = re.compile(r"\[\^[^\]]+\]")
_CODE = re.compile(r"`+[^`]*`+")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_URL = re.compile(r"(?i)\b(?:https?://|www\.)\S+|<[a-z]+:[^>\s]+>")
_PATTERN = re.compile(r"\S*[\\^$*+?{}|]\S*|/\S+/")
"""A regular expression or glob written as a word (`^[a-z]+$`, `/v1/.*/`)."""
_PATTERN_CHARS = frozenset("\\^$*+?{}|/")
"""What _PATTERN needs in a text to match at all."""
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")

UNSPEAKABLE: list[tuple[str, re.Pattern[str]]] = [
    ("a URL", re.compile(r"(?i)\b(?:https?://|ftp://|www\.)\S+")),
    ("code markup", re.compile(r"`|</?[A-Za-z][^>]*>|[{}\\|^$]|::|->|=>|==|!=")),
    ("a regular expression", re.compile(r"\.\*|\.\+|\[[^\]\s]*-[^\]\s]*\]|\\[dws]")),
    ("an identifier with underscores", re.compile(r"\b\w+_\w+\b")),
    ("a call", re.compile(r"\b[A-Za-z_]\w*\(")),
]
"""What a TTS engine reads as noise: each kind, and how to find it in a line."""
_MARKUP_CHARS = frozenset("`<>{}\\|^$:=")
_NEEDS: list[Callable[[str], bool]] = [
    lambda t: "://" in t or "www." in t.lower(),
    lambda t: not _MARKUP_CHARS.isdisjoint(t),
    lambda t: ".*" in t or ".+" in t or "[" in t or "\\" in t,
    lambda t: "_" in t,
    lambda t: "(" in t,
]
"""Per UNSPEAKABLE pattern: a cheap test the text passes whenever the pattern can match."""


def words(text: str) -> list[str]:
    """Lower-case words of a text."""
    return list(_words(text))


@lru_cache(maxsize=16384)
def _words(text: str) -> tuple[str, ...]:
    """`words`, remembered: a line is read for its modal, then for its content words."""
    return tuple(w.lower().strip("'-") for w in _WORD.findall(text))


@lru_cache(maxsize=4096)
def content_words(clause_text: str) -> frozenset[str]:
    """The clause's content words: no code, URL, pattern, footnote tag, stop or modal word
    (remembered per text: the gate and the lint hook ask for each clause several times)."""
    # (each substitution only where the text holds a character its pattern needs)
    text = _FOOTNOTE.sub(" ", clause_text) if "[^" in clause_text else clause_text
    if "`" in text:
        text = _CODE.sub(" ", text)
    if "](" in text:
        text = _LINK.sub(lambda m: m.group(1), text)
    if "://" in text or "<" in text or "www." in text.lower():
        text = _URL.sub(" ", text)
    if not _PATTERN_CHARS.isdisjoint(text):
        text = _PATTERN.sub(" ", text)
    return frozenset(w for w in words(text) if len(w) > 2 and w not in STOPWORDS)


@cache
def _modal_pattern(level: Level) -> re.Pattern[str] | None:
    """One search for any of the level's modals as whole words (None: the level has none)."""
    modals = MODALS.get(level, ())
    if not modals:
        return None
    return re.compile(r"\b(?:" + "|".join(re.escape(m) for m in modals) + r")\b")


def says_modal(text: str, level: Level) -> bool:
    """The line contains the clause's modal keyword or a documented equivalent."""
    pattern = _modal_pattern(level)
    if pattern is None:
        return False
    low = " ".join(words(text.replace("’", "'")))
    return pattern.search(low) is not None


_SENTENCE = re.compile(r"(?<=[.!?])\s+")


def normative_text(clause: Clause) -> str:
    """What the clause obliges: a statement's sentence; for a section clause (its text is the
    whole section) only the sentences that carry a MUST or MUST NOT."""
    if clause.kind != "section":
        return clause.text
    kept = [x for x in _SENTENCE.split(clause.text) if re.search(r"\b(?:MUST|must)\b", x)]
    return " ".join(kept) or clause.text


def spoken_share(text: str, clause: Clause) -> float:
    """The share of the clause's content words that the line says (1.0 when it has none)."""
    want = content_words(normative_text(clause))
    if not want:
        return 1.0
    return len(want & set(words(text))) / len(want)


def says_clause(text: str, clause: Clause) -> bool:
    """The line says the clause: its modal and at least half its content words."""
    return says_modal(text, clause.level) and spoken_share(text, clause) >= MIN_CONTENT_SHARE


def unspeakable(text: str) -> list[str]:
    """What in a line a TTS engine would read as noise (empty when it is all speakable)."""
    found: list[str] = []
    for (what, pattern), needs in zip(UNSPEAKABLE, _NEEDS, strict=True):
        if not needs(text):
            continue  # (the pattern cannot match: most lines are plain words)
        m = pattern.search(text)
        if m is not None:
            found.append(f"{what} ({m.group(0)[:30]!r})")
    return found
