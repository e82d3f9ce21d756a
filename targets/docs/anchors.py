"""What each clause anchor on the published site says: DOC002 (where it is) and DOC010
(its level badge and the sentence it stands in), item by item against the IR."""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from specloom.findings import Finding, Severity
from specloom.model import Clause, Level, Spec

from .plan import HOME_PAGE, SitePlan, footnote_refs, html_path
from .scan import SiteScan


def _err(rule: str, message: str, file: str, clause: str | None = None) -> Finding:
    return Finding(rule=rule, severity=Severity.ERROR, message=message, file=file, clause=clause)


# -- DOC002: where each anchor is ---------------------------------------------------------------


def tagged_in(spec: Spec) -> dict[str, str]:
    """Statement clause id -> the section whose text first tags it (`[^id]`), from the IR."""
    statements = {c.id for c in spec.clauses if c.kind == "statement"}
    out: dict[str, str] = {}
    for s in spec.sections:
        for cid in footnote_refs(s.body):
            if cid in statements:
                out.setdefault(cid, s.id)
    return out


def check_placement(spec: Spec, plan: SitePlan, scan: SiteScan, rule: str) -> list[Finding]:
    """Every clause anchor is on the page the plan gives it and, for a statement, under the
    heading of the section whose text tags it (per-item traceability of the docs sections)."""
    sections = {s.id for s in spec.sections}
    clauses = {c.id for c in spec.clauses}
    home = {s.id for s in plan.home_sections}
    owner = tagged_in(spec)
    out: list[Finding] = []
    for rel, page in scan.pages.items():
        if rel == "404.html":
            continue
        current: str | None = None
        for ev in page.events:
            if ev.kind == "heading" and ev.value in sections:
                current = ev.value
            if ev.kind not in ("heading", "clause") or ev.value not in clauses:
                continue
            cid = ev.value
            want = plan.page_of(cid)
            if want is not None and html_path(want) != rel:
                out.append(
                    _err(
                        rule,
                        f"clause {cid} is anchored on {rel}, the spec puts it on {html_path(want)}",
                        f"site/{rel}",
                        cid,
                    )
                )
            elif ev.kind == "clause" and cid in owner and current != owner[cid]:
                if want == HOME_PAGE and owner[cid] in home and current in home:
                    continue
                out.append(
                    _err(
                        rule,
                        f"clause {cid} is anchored under section {current!r}; the spec "
                        f"tags it in section {owner[cid]!r}",
                        f"site/{rel}",
                        cid,
                    )
                )
    return out


# -- DOC010: what each anchor says ----------------------------------------------------------------

SENTENCE_SHARE = 0.8
"""Share of a statement's words that the block holding its anchor must contain."""
_REF = re.compile(r"\[\^[^\]]+\]|\[\?\]\([^)]*\)")
_LINK_URL = re.compile(r"\]\([^)]*\)")
_TOKEN = re.compile(r"[a-z0-9]+")


def _tokens(text: str) -> list[str]:
    """Lower-case words; `shouldn't` reads as `should not` (the parser's keyword too)."""
    return _TOKEN.findall(text.lower().replace("n't", " not").replace("n\u2019t", " not"))


def sentence_problem(clause: Clause, block: str, offset: int) -> str | None:
    """Why the text around a statement's anchor does not say it (None when it does).

    The spec's sentence (footnote tags, link targets and auto-titled references left out)
    is looked for in a window of its own length (plus three words) that holds the anchor or
    ends at it: the window matching most of its word sequence, in order. That window must
    have at least SENTENCE_SHARE of its words and the clause's level keyword, so a MUST in
    the next sentence does not count.
    """
    want_tokens = _tokens(_LINK_URL.sub("]", _REF.sub(" ", clause.text)))
    want = {w for w in want_tokens if len(w) > 2}
    tokens = _tokens(block)
    at = len(_tokens(block[:offset]))
    size = len(want_tokens) + 3
    best: tuple[float, list[str], set[int]] = (-1.0, [], set())
    for start in range(max(0, at - size), at + 1):
        window = tokens[start : start + size]
        # in order: a window shifted into the next sentence matches less of the sequence
        matcher = SequenceMatcher(None, want_tokens, window, autojunk=False)
        ratio = matcher.ratio()
        if ratio > best[0]:
            aligned = {b.a + k for b in matcher.get_matching_blocks() for k in range(b.size)}
            best = (ratio, window, aligned)
    _, window, aligned = best
    share = len(want & set(window)) / len(want) if want else 1.0
    if share < SENTENCE_SHARE:
        return f"has {share:.0%} of the sentence's words"
    if clause.level is not Level.NONE:
        modal = clause.level.value.lower().split()
        spots = [i for i in range(len(want_tokens)) if want_tokens[i : i + len(modal)] == modal]
        # the spec's own keyword must line up with the same word on the page (a MUST in
        # the next sentence does not stand in for it)
        said = any(all(i + k in aligned for k in range(len(modal))) for i in spots)
        if not spots:
            said = any(window[i : i + len(modal)] == modal for i in range(len(window)))
        if not said:
            return f"does not say {clause.level.value}"
    return None


def check_clause_text(spec: Spec, plan: SitePlan, scan: SiteScan, rule: str) -> list[Finding]:
    """Each clause's anchor shows its level badge (none for a clause without a keyword), and
    the paragraph (or list item...) holding a statement's anchor says its level keyword and
    at least SENTENCE_SHARE of its sentence's words."""
    clauses = {c.id: c for c in reversed(spec.clauses)}  # the first clause of an id wins
    out: list[Finding] = []
    for rel, page in scan.pages.items():
        events = page.events
        for i, ev in enumerate(events):
            if ev.kind not in ("clause", "heading") or ev.value not in clauses:
                continue
            clause = clauses[ev.value]
            if ev.kind == "heading" and clause.kind != "section":
                continue
            badge = None
            for later in events[i + 1 :]:
                if later.kind in ("clause", "heading"):
                    break
                if later.kind == "badge":
                    badge = later.value
                    break
            shown = badge or ""
            want = "" if clause.level is Level.NONE else clause.level.value
            problem = None
            if shown != want:
                problem = f"shows the level {shown or 'none'!r}, the spec gives {want or 'none'!r}"
            elif ev.kind == "clause" and clause.kind == "statement":
                block, offset = page.said.get(clause.id, ("", 0))
                why = sentence_problem(clause, block, offset)
                problem = f"stands in text that {why}" if why else None
            if problem:
                out.append(_err(rule, f"clause {clause.id} {problem}", f"site/{rel}", clause.id))
    return out
