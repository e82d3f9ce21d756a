"""The tutorial's content: set-up, one step per operation, implement-it, MUST clauses and cases.

The language-neutral plan comes from `lesson.py`; each language (`languages/`) renders its
own set-up, files and calls. The template lays them out; `readback.py` reads them back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from specloom.model import Clause, Spec, Workspace
from specloom.target import BuildContext

from .env import md_text, render
from .languages import Language, SourceFile, languages
from .lesson import Lesson, OperationStep, build_lesson
from .narrative import llm_narrative

_FOOTNOTE = re.compile(r"\[\^[^\]]+\]")
_LINK = re.compile(r"\[(?P<text>[^\]]*)\]\((?P<url>[^)#\s]*)#?(?P<target>[^)\s]*)\)")
FENCE = "```"
TUTORIAL_PAGE = "tutorial/index.md"
"""Where the docs site puts the tutorial (its links are relative to it)."""
STEP_ANCHOR = "step-"
DATA_ANCHOR = "step-data-types"


@dataclass
class CodeBlock:
    """A code block as the template writes it: its fence language and its text."""

    fence: str
    text: str


@dataclass
class LanguageView:
    """One language's part of the tutorial, as plain data for the template."""

    name: str
    title: str
    setup: str
    files: list[CodeBlock]
    run: str
    passing: str
    plugs_in: str
    factory_path: str = ""


@dataclass
class StepView:
    """One operation step: what it does, its clauses and cases, and its calls per language."""

    op: str
    anchor: str
    doc: str
    clauses: list[Clause]
    cases: list[str]
    calls: list[tuple[str, CodeBlock]]
    """(language title, code block) per language."""
    members: list[tuple[str, str]]
    """(language title, the operation's name there)."""
    narrative: str = ""


@dataclass
class Guide:
    """The whole tutorial of one spec."""

    spec: Spec
    lesson: Lesson
    steps: list[StepView]
    languages: list[LanguageView]
    data_clauses: list[Clause] = field(default_factory=list)
    data_blocks: list[tuple[str, CodeBlock]] = field(default_factory=list)


def code(lang: Language, f: SourceFile) -> CodeBlock:
    """A project file as a code block: its path on the first line."""
    return CodeBlock(lang.fence, f"{lang.file_mark}{f.path}\n{f.code}")


def _step_view(step: OperationStep, langs: list[Language]) -> StepView:
    return StepView(
        op=step.op.name,
        anchor=STEP_ANCHOR + step.op.name,
        doc=step.op.doc or "",
        clauses=step.clauses,
        cases=step.cases,
        calls=[(lang.title, code(lang, lang.call(step))) for lang in langs],
        members=[(lang.title, lang.member(step.op)) for lang in langs],
    )


def build_guide(spec: Spec, workspace: Workspace | None, ctx: BuildContext | None = None) -> Guide:
    """The tutorial's content for every language."""
    lesson = build_lesson(spec, workspace)
    langs = languages(spec, workspace, ctx)
    views = []
    for lang in langs:
        files = [lang.factory(lesson), lang.test_module()] if spec.operations else []
        views.append(
            LanguageView(
                name=lang.name,
                title=lang.title,
                setup=lang.setup(),
                files=[code(lang, f) for f in files],
                run=lang.run_cases(),
                passing=lang.passing_line("<case>"),
                plugs_in=lang.where_it_plugs_in(),
                factory_path=files[0].path if files else "",
            )
        )
    data = [(lang.title, code(lang, lang.values(lesson))) for lang in langs]
    return Guide(
        spec=spec,
        lesson=lesson,
        steps=[_step_view(s, langs) for s in lesson.steps],
        languages=views,
        data_clauses=lesson.data_clauses,
        data_blocks=data if lesson.data_values else [],
    )


def one_line(c: Clause) -> str:
    """A clause's text on one line, without footnote markers or links (the tutorial's page
    is not the spec's: its relative links would not resolve)."""
    text = _FOOTNOTE.sub("", c.text or c.title)
    text = _LINK.sub(lambda m: m["target"] if m["text"] == "?" else m["text"], text)
    text = " ".join(text.split())
    return text if len(text) <= 160 else text[:157] + "..."


def tutorial_markdown(
    spec: Spec, workspace: Workspace | None, *, site: bool = False, ctx: BuildContext | None = None
) -> str:
    """The tutorial as Markdown (`site`: links point into the docs site instead of the spec).

    With `ctx` on the openai backend, an LLM narrative (prose only) is woven in when it
    passes its gate; the code is always the template's.
    """
    from ..docs.plan import plan_site, rel_url

    guide = build_guide(spec, workspace, ctx)
    narrative = llm_narrative(ctx, spec)
    intro = ""
    if narrative is not None:
        intro = md_text(narrative.intro)
        notes = {n.operation: n.text for n in narrative.steps}
        for step in guide.steps:
            step.narrative = notes.get(step.op, "")
    plan = plan_site(spec)

    def clause_link(c: Clause) -> str:
        page = plan.page_of(c.id)
        if page is None:
            return f"`{c.id}`"
        if site:
            return f"[{c.id}]({rel_url(TUTORIAL_PAGE, page, c.id, built=False)})"
        return f"[{c.id}](../docs/site/{rel_url('index.md', page, c.id, built=True)})"

    data: dict[str, Any] = {
        "guide": guide,
        "intro": intro,
        "spec": spec,
        "fence": FENCE,
        "site": site,
        "clause_link": clause_link,
        "clause_text": one_line,
        "data_anchor": DATA_ANCHOR,
    }
    return render("tutorial.md.jinja", **data)
