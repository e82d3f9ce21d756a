"""Where everything lives in a spec's docs site: pages, the anchors on each, and their URLs."""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field

from specloom.model import Clause, Example, Section, Spec

_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")

API_PAGE = "api.md"
TRACE_PAGE = "traceability.md"
CHANGELOG_PAGE = "changelog.md"
TUTORIAL_PAGE = "tutorial/index.md"
EXAMPLES_INDEX = "examples/index.md"
HOME_PAGE = "index.md"
RESERVED = {
    "index",
    "api",
    "traceability",
    "changelog",
    "tutorial",
    "examples",
    "assets",
    "search",
    "stylesheets",
    "javascripts",
    "404",
    "sitemap",
}


def file_slug(text: str) -> str:
    """A file-name-safe slug (ids come from spec authors: never trust them as paths)."""
    slug = _UNSAFE.sub("-", text).strip(".-") or "page"
    return slug[:80]


@dataclass
class Page:
    """One Markdown page of the site holding a top-level section and its sub-sections."""

    path: str
    title: str
    sections: list[Section] = field(default_factory=list)
    shift: int = 0
    """Subtracted from a section's depth to get its heading level on this page."""


@dataclass
class SitePlan:
    """The pages of one spec's site and which page holds each anchor (section or clause id)."""

    spec: Spec
    home_sections: list[Section] = field(default_factory=list)
    """Sections rendered on the home page (the spec's root section, when it has one)."""
    pages: list[Page] = field(default_factory=list)
    anchor_page: dict[str, str] = field(default_factory=dict)
    example_pages: dict[str, str] = field(default_factory=dict)
    """Clause id -> its examples page (one per clause with any example, file or inline)."""
    examples: dict[str, list[Example]] = field(default_factory=dict)
    """Clause id -> its examples: the inline ones in document order, then its examples file's."""
    orphans: list[str] = field(default_factory=list)
    """Clauses outside every section's text (before the first heading): on the home page."""

    def __post_init__(self) -> None:
        self._clauses: dict[str, Clause] = {}
        for c in self.spec.clauses:
            self._clauses.setdefault(c.id, c)
        self._sections: dict[str, Section] = {}
        for s in self.spec.sections:
            self._sections.setdefault(s.id, s)

    def clause(self, clause_id: str) -> Clause | None:
        """The clause with this id (the first one, like `Spec.clause`), by a dict lookup."""
        return self._clauses.get(clause_id)

    def page_of(self, anchor: str) -> str | None:
        """The page (docs-relative .md path) holding this anchor, or None when it has none."""
        return self.anchor_page.get(anchor)

    def title_of(self, anchor: str) -> str:
        """A human title for an anchor: the section heading or the clause title."""
        section = self._sections.get(anchor)
        if section is not None:
            return section.title
        clause = self.clause(anchor)
        return clause.title if clause else anchor


_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
_FOOTNOTE = re.compile(r"\[\^([^\]\s]+)\]")


def footnote_refs(body: str) -> list[str]:
    """`[^id]` references outside fenced code, in order."""
    out: list[str] = []
    fence: str | None = None
    for line in body.split("\n"):
        m = _FENCE.match(line)
        if m:
            mark = m.group(1)
            if fence is None:
                fence = mark
            elif mark[0] == fence[0] and len(mark) >= len(fence):
                fence = None
            continue
        if fence is None:
            out += _FOOTNOTE.findall(line)
    return out


def html_path(md_path: str) -> str:
    """The built page for a Markdown page (`use_directory_urls: false`)."""
    return md_path[: -len(".md")] + ".html" if md_path.endswith(".md") else md_path


def rel_url(from_page: str, to_page: str, anchor: str | None = None, *, built: bool) -> str:
    """A relative link from one page to another (`built`: to the .html file, else to .md)."""
    target = html_path(to_page) if built else to_page
    if to_page == from_page:
        rel = "" if anchor else posixpath.basename(target)
    else:
        rel = posixpath.relpath(target, posixpath.dirname(from_page) or ".")
    return f"{rel}#{anchor}" if anchor else rel


def _top_sections(spec: Spec) -> tuple[list[Section], list[Section]]:
    """(home sections, page roots): a lone first root section becomes the home page."""
    if not spec.sections:
        return [], []
    min_depth = min(s.depth for s in spec.sections)
    roots = [s for s in spec.sections if s.depth == min_depth]
    if len(roots) == 1 and spec.sections[0] is roots[0]:
        root = roots[0]
        children = [s for s in spec.sections if s.parent == root.id]
        if children:
            return [root], children
    return [], roots


def plan_site(spec: Spec) -> SitePlan:
    """Split a spec into pages: one per top-level section, examples pages, fixed pages."""
    plan = SitePlan(spec=spec)
    home, roots = _top_sections(spec)
    plan.home_sections = home
    for s in home:
        plan.anchor_page[s.id] = HOME_PAGE
    used: set[str] = set(RESERVED)
    # By identity: a bad spec may repeat a section id (lint reports it; the site still builds).
    root_ids = {id(r) for r in roots}
    home_ids = {id(h) for h in home}
    owner: dict[int, Page] = {}
    current: Page | None = None
    for s in spec.sections:
        if id(s) in home_ids:
            continue
        if id(s) in root_ids:
            slug = file_slug(s.id)
            base, n = slug, 2
            while slug.lower() in used:
                slug, n = f"{base}-{n}", n + 1
            used.add(slug.lower())
            current = Page(path=f"{slug}.md", title=s.title, shift=s.depth - 1)
            plan.pages.append(current)
        if current is None:  # sections before the first root (deeper headings first)
            current = Page(path="preamble.md", title="Preamble", shift=s.depth - 1)
            plan.pages.append(current)
        current.sections.append(s)
        owner[id(s)] = current
        plan.anchor_page.setdefault(s.id, current.path)
    # A statement clause's anchor is where its first `[^id]` is rendered (document order).
    statements = {c.id for c in spec.clauses if c.kind == "statement"}
    for s in spec.sections:
        page = owner[id(s)].path if id(s) in owner else HOME_PAGE
        for cid in footnote_refs(s.body):
            if cid in statements:
                plan.anchor_page.setdefault(cid, page)
    for c in spec.clauses:
        if c.id in plan.anchor_page:
            continue
        if c.section and c.section in plan.anchor_page:
            plan.anchor_page[c.id] = plan.anchor_page[c.section]
        else:  # text before the first heading: listed on the home page
            plan.anchor_page[c.id] = HOME_PAGE
            plan.orphans.append(c.id)
    plan.examples = examples_by_clause(spec)
    taken = {"index"}
    for cid in sorted(plan.examples):
        slug = file_slug(cid)
        base, n = slug, 2
        while slug.lower() in taken:
            slug, n = f"{base}-{n}", n + 1
        taken.add(slug.lower())
        plan.example_pages[cid] = f"examples/{slug}.md"
    return plan


def examples_by_clause(spec: Spec) -> dict[str, list[Example]]:
    """Every clause with examples: inline ones (clause = enclosing section), then file ones.

    An examples file whose id is no clause still gets its page (the lint reports it); an
    inline example outside every section has no clause and no page.
    """
    out: dict[str, list[Example]] = {}
    for ex in spec.examples:
        if ex.source == "inline" and ex.clause:
            out.setdefault(ex.clause, []).append(ex)
    for ef in sorted(spec.example_files, key=lambda e: e.id):
        out.setdefault(ef.id, []).extend(ef.examples)
    return out
