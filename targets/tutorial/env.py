"""The Jinja environment of the tutorial target: StrictUndefined, escaping by named filters."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import jinja2

from ..templating import template_environment

TEMPLATES = Path(__file__).parent / "templates"


def md_text(value: object) -> str:
    """Spec text in Markdown prose: raw HTML and script links made inert, one line."""
    from ..docs.markup import escape_text

    return " ".join(escape_text(str(value)).split())


def md_cell(value: object) -> str:
    """Text for a table cell: inert HTML, escaped pipes, one line."""
    return md_text(value).replace("|", "\\|")


@cache
def environment() -> jinja2.Environment:
    """One cached environment; templates get plain data, filters do the escaping."""
    return template_environment(TEMPLATES, {"md_text": md_text, "md_cell": md_cell})


def render(template: str, **data: object) -> str:
    """Render `templates/<template>`."""
    return str(environment().get_template(template).render(**data))
