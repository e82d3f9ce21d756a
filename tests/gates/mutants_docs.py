"""Mutants of the docs target (gates DOC001-DOC009): the published site is what is checked."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from harness import Mutant, MutationContext


def _edit(page: str, old: str, new: str, count: int = 1) -> Callable[[MutationContext], None]:
    """Replace text in one published page of the site (the text must be there)."""

    def mutate(ctx: MutationContext) -> None:
        path = ctx.root / "site" / page
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {page}"
        path.write_text(text.replace(old, new, count), encoding="utf-8")

    return mutate


def _delete(page: str) -> Callable[[MutationContext], None]:
    def mutate(ctx: MutationContext) -> None:
        (ctx.root / "site" / page).unlink()

    return mutate


def _drop_from_search(ctx: MutationContext) -> None:
    path = ctx.root / "site" / "search" / "search_index.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["docs"] = [d for d in data["docs"] if not d["location"].startswith("payments.html")]
    path.write_text(json.dumps(data), encoding="utf-8")


# -- generator mutants -------------------------------------------------------------------------


def _good_styled_bad(ctx: MutationContext) -> None:
    from specloom.targets.docs import markup

    real = markup._message_html

    def message_html(role: str, attrs: str, verdict: str, note: str, text: str) -> str:
        swapped = {"GOOD": "BAD", "BAD": "GOOD"}.get(verdict, verdict)
        return real(role, attrs, swapped, note, text)

    ctx.monkeypatch.setattr(markup, "_message_html", message_html)


def _anchor_twice(ctx: MutationContext) -> None:
    from specloom.targets.docs.markup import Renderer

    real = Renderer.clause_anchor

    def clause_anchor(self: Renderer, clause_id: str, written: str) -> str:
        first = real(self, clause_id, written)
        return first + first if clause_id == "bil3" else first

    ctx.monkeypatch.setattr(Renderer, "clause_anchor", clause_anchor)


def _examples_cut(ctx: MutationContext) -> None:
    from specloom.targets.docs.pages import PageWriter

    real = PageWriter.examples_page

    def examples_page(self: PageWriter, clause_id: str) -> str:
        examples = self.plan.examples[clause_id]
        self.plan.examples[clause_id] = examples[:1]
        try:
            return real(self, clause_id)
        finally:
            self.plan.examples[clause_id] = examples

    ctx.monkeypatch.setattr(PageWriter, "examples_page", examples_page)


def _tabs_swapped(ctx: MutationContext) -> None:
    from specloom.targets.docs import api

    real = api.render

    def render(template: str, **context: Any) -> str:
        for group in context.get("groups", []):
            for entry in group["entries"]:
                entry["tabs"] = [
                    {**tab, "code": other["code"]}
                    for tab, other in zip(entry["tabs"], reversed(entry["tabs"]), strict=True)
                ]
        return real(template, **context)

    ctx.monkeypatch.setattr(api, "render", render)


def _script_in_home_page(ctx: MutationContext) -> None:
    from specloom.targets.docs.pages import PageWriter

    real = PageWriter.home_page

    def home_page(self: PageWriter, *args: Any, **kwargs: Any) -> str:
        return real(self, *args, **kwargs) + "\n\n<script>fetch('/track')</script>\n"

    ctx.monkeypatch.setattr(PageWriter, "home_page", home_page)


def _badge_weakened(ctx: MutationContext) -> None:
    from specloom.targets.docs import markup

    from specloom.model import Level

    real = markup.badge

    def badge(level: Level) -> str:
        return real(Level.SHOULD if level is Level.MUST else level)

    ctx.monkeypatch.setattr(markup, "badge", badge)


def _cross_spec_link_off(ctx: MutationContext) -> None:
    from specloom.targets.docs.markup import Renderer

    real = Renderer.cross_spec_link

    def cross_spec_link(self: Renderer, file_part: str, anchor: str) -> str | None:
        url = real(self, file_part, anchor)
        return url.replace("#", "#x-", 1) if url else url  # the other site has no such id

    ctx.monkeypatch.setattr(Renderer, "cross_spec_link", cross_spec_link)


def _no_search_plugin(ctx: MutationContext) -> None:
    from specloom.targets.docs import target

    real = target.render

    def render(template: str, **context: Any) -> str:
        text = real(template, **context)
        return text.replace("plugins:\n  - search\n", "plugins: []\n")

    ctx.monkeypatch.setattr(target, "render", render)


MUTANTS: list[Mutant] = [
    Mutant(
        id="docs-published-example-given-step-dropped",
        target="docs",
        gate="DOC009",
        kind="published",
        spec="counters",
        mutate=_edit("examples/cnt5.html", "<li><code>increment(id: $c.id, by: 4)</code></li>", ""),
        why="an example page that skips one of the steps the example runs",
    ),
    Mutant(
        id="docs-generator-cross-spec-anchor-wrong",
        target="docs",
        gate="DOC003",
        kind="generator",
        mutate=_cross_spec_link_off,
        why="a link to another spec's site naming an anchor that site does not have",
    ),
    Mutant(
        id="docs-generator-search-plugin-dropped",
        target="docs",
        gate="DOC005",
        kind="generator",
        mutate=_no_search_plugin,
        why="a site built without its search index",
    ),
    Mutant(
        id="docs-generator-must-badge-shown-as-should",
        target="docs",
        gate="DOC010",
        kind="generator",
        mutate=_badge_weakened,
        why="a clause's level badge weaker than the spec's keyword",
    ),
    Mutant(
        id="docs-published-must-written-as-should",
        target="docs",
        gate="DOC010",
        kind="published",
        mutate=_edit("payments.html", "A payment MUST be in", "A payment SHOULD be in"),
        why="a sentence on the page weaker than the spec",
    ),
    Mutant(
        id="docs-generator-good-styled-bad",
        target="docs",
        gate="DOC008",
        kind="generator",
        mutate=_good_styled_bad,
        why="a transcript shown with the opposite verdict",
    ),
    Mutant(
        id="docs-generator-clause-anchor-repeated",
        target="docs",
        gate="DOC002",
        kind="generator",
        mutate=_anchor_twice,
        why="a clause anchor written twice",
    ),
    Mutant(
        id="docs-generator-examples-page-cut",
        target="docs",
        gate="DOC009",
        kind="generator",
        mutate=_examples_cut,
        why="an examples page that shows only its first example",
    ),
    Mutant(
        id="docs-generator-api-tabs-swapped",
        target="docs",
        gate="DOC006",
        kind="generator",
        mutate=_tabs_swapped,
        why="the TypeScript tab showing the Rust signature and back",
    ),
    Mutant(
        id="docs-generator-template-adds-script",
        target="docs",
        gate="DOC004",
        kind="generator",
        mutate=_script_in_home_page,
        why="a page template that writes a live script",
    ),
    Mutant(
        id="docs-published-anchor-removed",
        target="docs",
        gate="DOC002",
        kind="published",
        mutate=_edit("invoices.html", ' id="bil1"', ""),
        why="a published page that lost a clause anchor",
    ),
    Mutant(
        id="docs-published-bad-shown-as-good",
        target="docs",
        gate="DOC008",
        kind="published",
        mutate=_edit("examples/bil6.html", "sl-role-response sl-bad", "sl-role-response sl-good"),
        why="a BAD answer styled as GOOD",
    ),
    Mutant(
        id="docs-published-examples-page-deleted",
        target="docs",
        gate="DOC009",
        kind="published",
        mutate=_delete("examples/bil6.html"),
        why="an examples page missing from the site",
    ),
    Mutant(
        id="docs-published-inline-script-in-head",
        target="docs",
        gate="DOC004",
        kind="published",
        mutate=_edit("index.html", "</head>", "<script>document.cookie</script></head>"),
        why="a script outside the page content (head, navigation)",
    ),
    Mutant(
        id="docs-published-handler-on-nav",
        target="docs",
        gate="DOC004",
        kind="published",
        mutate=_edit("payments.html", "<nav ", '<nav onmouseover="alert(1)" '),
        why="an inline event handler in the theme's markup",
    ),
    Mutant(
        id="docs-published-cross-reference-broken",
        target="docs",
        gate="DOC003",
        kind="published",
        mutate=_edit("api.html", 'href="invoices.html#bil2"', 'href="invoices.html#bil99"'),
        why="a cross reference to an anchor that is not there",
    ),
    Mutant(
        id="docs-published-api-type-changed",
        target="docs",
        gate="DOC006",
        kind="published",
        mutate=_edit(
            "api.html", '<span class="kt">number</span>', '<span class="kt">string</span>'
        ),
        why="an API page whose signature differs from the stubs",
    ),
    Mutant(
        id="docs-published-page-not-searchable",
        target="docs",
        gate="DOC005",
        kind="published",
        mutate=_drop_from_search,
        why="a page the search index does not know",
    ),
]
