"""The Markdown pages of a spec's site: home, section pages, examples pages, navigation."""

from __future__ import annotations

import html
import re

from specloom.model import Clause, Example, Level, Section, Spec, Workspace

from .env import md_inline, render
from .markup import Renderer, badge, heading, render_transcript
from .overview import Overview
from .plan import EXAMPLES_INDEX, Page, SitePlan, rel_url

_FIRST_PARA = re.compile(r"\n\s*\n")
_FOOTNOTE = re.compile(r"\[\^[^\]]+\]")


class PageWriter:
    """Renders every page of one spec; clause anchors are shared so each appears once."""

    def __init__(self, spec: Spec, plan: SitePlan, workspace: Workspace | None) -> None:
        self.spec = spec
        self.plan = plan
        self.workspace = workspace
        self.anchored: set[str] = set()
        self._plans: dict[str, SitePlan] = {}

    def renderer(self, page: str) -> Renderer:
        """A renderer for one page, sharing the anchor registry and the other specs' plans."""
        return Renderer(self.spec, self.plan, self.workspace, page, self.anchored, self._plans)

    # -- spec text ------------------------------------------------------------------------
    def section_blocks(self, sections: list[Section], shift: int, page: str) -> list[str]:
        """Headings (id = section id), badges and transformed bodies of some sections."""
        r = self.renderer(page)
        blocks: list[str] = []
        for s in sections:
            blocks.append(heading(s.title, s.id, s.depth - shift, r.inline))
            meta: list[str] = []
            clause = self.plan.clause(s.id)
            if clause is not None and clause.kind == "section":
                meta.append(badge(clause.level))
                meta.append(self._examples_link(s.id, page))
            authority = s.attrs.get("authority")
            if authority:
                meta.append(
                    f'<span class="sl-authority">authority: {html.escape(authority)}</span>'
                )
            if any(meta):
                blocks.append(
                    '<p class="sl-section-meta">' + " ".join(m for m in meta if m) + "</p>"
                )
            if s.body.strip():
                blocks.append(r.body(s.body.strip("\n")))
        return blocks

    def _examples_link(self, clause_id: str, page: str) -> str:
        """A section clause's link to its examples page (statements link from their anchor)."""
        target = self.plan.example_pages.get(clause_id)
        if target is None:
            return ""
        n = len(self.plan.examples[clause_id])
        href = html.escape(rel_url(page, target, built=True))
        label = f"{n} example{'s' if n != 1 else ''}"
        return (
            f'<a class="sl-eval sl-examples-link" href="{href}" '
            f'title="Examples of {html.escape(clause_id)}">{label}</a>'
        )

    def section_page(self, page: Page) -> str:
        """One page per top-level section, its sub-sections under it."""
        return render(
            "docs/page.md.jinja", blocks=self.section_blocks(page.sections, page.shift, page.path)
        )

    def home_page(self, has_api: bool, has_tutorial: bool, overview: Overview | None = None) -> str:
        """The spec's summary, metadata and contents (and the LLM overview, when there is one)."""
        spec = self.spec
        if self.plan.home_sections:
            blocks = self.section_blocks(
                self.plan.home_sections, self.plan.home_sections[0].depth - 1, "index.md"
            )
            title, summary = blocks[0], "\n\n".join(blocks[1:])
        else:
            title = f"# {md_inline(spec.title)} {{#sl-home}}"
            summary = self._summary()
        if overview is not None:
            summary = self._overview(overview) + "\n\n" + summary
        if self.plan.orphans:
            r = self.renderer("index.md")
            items = []
            for cid in self.plan.orphans:
                clause = self.plan.clause(cid)
                if clause is not None:
                    text = clause.text if f"[^{cid}]" in clause.text else f"{clause.text}[^{cid}]"
                    items.append(f"- {r.inline(text)}")
            summary += "\n\n## Preamble {#sl-preamble}\n\n" + "\n".join(items)
        counts = {
            "clauses": len(spec.clauses),
            "must": sum(c.level in (Level.MUST, Level.MUST_NOT) for c in spec.clauses),
            "should": sum(c.level in (Level.SHOULD, Level.SHOULD_NOT) for c in spec.clauses),
            "may": sum(c.level is Level.MAY for c in spec.clauses),
            "types": len(spec.types),
            "operations": len(spec.operations),
            "errors": len(spec.errors),
            "constants": len(spec.constants),
        }
        r = self.renderer("index.md")
        imports = [(i, r.cross_spec_link(f"{i}.md", "")) for i in spec.imports]
        return render(
            "docs/index.md.jinja",
            title=title.removeprefix("# "),
            spec=spec,
            summary=summary,
            counts=counts,
            pages=self.plan.pages,
            imports=imports,
            has_api=has_api,
            has_tutorial=has_tutorial,
        )

    def _overview(self, overview: Overview) -> str:
        """The LLM overview as inert Markdown, with links to the clauses it discusses."""
        parts = ["## Overview {#sl-overview}", ""]
        parts += [md_inline(" ".join(p.split())) + "\n" for p in overview.paragraphs]
        links = []
        for cid in dict.fromkeys(overview.clauses):
            page = self.plan.page_of(cid)
            if page is not None:
                links.append(f"[{md_inline(cid)}]({rel_url('index.md', page, cid, built=False)})")
        if links:
            parts.append("Clauses discussed: " + ", ".join(links) + "\n")
        parts.append(
            '<p class="sl-llm-note">This overview was written by a language model from the '
            "spec; the spec text is authoritative.</p>"
        )
        return "\n".join(parts)

    def _summary(self) -> str:
        summary = self.spec.meta.get("summary") or self.spec.meta.get("description")
        if isinstance(summary, str) and summary.strip():
            return self.renderer("index.md").inline(summary.strip())
        for s in self.spec.sections:
            text = s.body.strip()
            if text and not text.startswith(("```", "~~~", "!!!", "|", "<")):
                first = _FIRST_PARA.split(text, maxsplit=1)[0]
                # Only link-free prose: anchors belong to the section pages.
                return self.renderer("index.md").inline(_FOOTNOTE.sub("", first))
        return ""

    # -- examples -------------------------------------------------------------------------
    def examples_page(self, clause_id: str) -> str:
        """All examples of one clause (inline and from its examples file), linked to the clause."""
        page = self.plan.example_pages[clause_id]
        r = self.renderer(page)
        clause = self.plan.clause(clause_id)
        back = self.plan.page_of(clause_id)
        intro = ""
        if clause is not None:
            intro = f"{badge(clause.level)} {self._clause_summary(clause, r)}".strip()
        if back is not None:
            link = rel_url(page, back, clause_id, built=False)
            intro += f"\n\n[Back to clause {md_inline(clause_id)}]({link})"
        items = []
        for n, ex in enumerate(self.plan.examples[clause_id], start=1):
            items.append(
                {
                    "title": md_inline(ex.title) or f"Example {n}",
                    "anchor": f"example-{n}",
                    "source": self._example_source(ex, page, r),
                    "body": self._example_body(ex, r),
                }
            )
        return render(
            "docs/examples.md.jinja", clause_id=md_inline(clause_id), intro=intro, examples=items
        )

    def _clause_summary(self, clause: Clause, r: Renderer) -> str:
        """A statement's sentence, or a section clause's heading (its prose is on its page)."""
        text = clause.title if clause.kind == "section" else clause.text
        return r.inline(_FOOTNOTE.sub("", text))

    def _example_source(self, ex: Example, page: str, r: Renderer) -> str:
        """Where an example is written: inline in a section of the spec, or its examples file."""
        if ex.source == "file":
            return ""
        where = "the spec text"
        target = self.plan.page_of(ex.clause) if ex.clause else None
        if ex.clause and target is not None:
            title = r.inline(self.plan.title_of(ex.clause))
            where = f"[{title}]({rel_url(page, target, ex.clause, built=False)})"
        return f'<p class="sl-example-source" markdown="1">Inline in {where}</p>'

    def _example_body(self, ex: Example, r: Renderer) -> str:
        parts = [r.body(ex.body.strip("\n"))] if ex.body.strip() else []
        if ex.transcript is not None and "~~~" not in ex.body and "```xml" not in ex.body:
            raw = ex.transcript.raw.strip("\n")
            lines = raw.split("\n")
            if lines and lines[0].startswith(("~~~", "```")):
                lines = lines[1:-1] if len(lines) > 1 else []
            rendered = render_transcript("\n".join(lines), r.message_body)
            parts.append(rendered or r.fenced("", "~~~", "xml", lines))
        if ex.structured is not None and "specloom-example" not in ex.body:
            import yaml

            from ..steps_text import sequence

            if ex.structured.given:
                parts.append(sequence(ex.structured))
            data: dict[str, object] = {}
            if ex.structured.given:
                data["given"] = [
                    {
                        "call": s.call,
                        "with": s.with_,
                        **({"as": s.as_} if s.as_ else {}),
                        **(
                            {"expect": {"error": s.expect_error} if s.expect_error else s.expect}
                            if s.checks
                            else {}
                        ),
                    }
                    for s in ex.structured.given
                ]
            data |= {"call": ex.structured.call, "with": ex.structured.with_}
            data["expect"] = (
                {"error": ex.structured.expect_error}
                if ex.structured.expect_error
                else ex.structured.expect
            )
            text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True).rstrip("\n")
            parts.append(r.fenced("", "```", "yaml", text.split("\n")))
        return "\n\n".join(parts)

    def examples_index(self) -> str:
        """examples/index.md: every examples page, with its clause."""
        rows = []
        r = self.renderer(EXAMPLES_INDEX)
        files = {ef.id for ef in self.spec.example_files}
        for cid in sorted(self.plan.example_pages, key=natural_key):
            clause = self.plan.clause(cid)
            text = self._clause_summary(clause, r) if clause else ""
            examples = self.plan.examples[cid]
            inline = sum(ex.source == "inline" for ex in examples)
            source = (["spec text"] if inline else []) + (["file"] if cid in files else [])
            rows.append(
                {
                    "id": cid,
                    "page": rel_url(EXAMPLES_INDEX, self.plan.example_pages[cid], built=False),
                    "badge": badge(clause.level) if clause else "",
                    "count": len(examples),
                    "source": " + ".join(source),
                    "text": " ".join(text.split()).replace("|", "\\|"),
                }
            )
        return render("docs/examples_index.md.jinja", spec_id=self.spec.id, rows=rows)


def natural_key(text: str) -> list[tuple[int, int | str]]:
    """Sort `bil2` before `bil10`."""
    return [(0, int(t)) if t.isdigit() else (1, t) for t in re.split(r"(\d+)", text) if t]
