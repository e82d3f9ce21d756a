"""The Jinja environment of the docs target: StrictUndefined, escaping by named filters."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import jinja2

from ..templating import template_environment
from .markup import escape_text

TEMPLATES = Path(__file__).parent / "templates"


def yaml_str(value: object) -> str:
    """A YAML scalar: JSON strings are valid YAML and escape everything that matters."""
    return json.dumps(str(value), ensure_ascii=False)


def md_cell(value: object) -> str:
    """Text for a Markdown table cell: inert HTML and links, no cell breaks, one line."""
    return " ".join(escape_text(str(value)).replace("|", "\\|").split())


def md_inline(value: object) -> str:
    """Text for inline Markdown (link texts, list items): inert HTML, no stray brackets."""
    text = escape_text(str(value))
    return text.replace("[", "\\[").replace("]", "\\]").replace("\n", " ")


def count_of(n: int, noun: str) -> str:
    """`1 constant`, `2 constants`."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


@cache
def environment() -> jinja2.Environment:
    """One cached environment; templates get plain data, filters do the escaping."""
    return template_environment(
        TEMPLATES,
        {"yaml": yaml_str, "md_cell": md_cell, "md_inline": md_inline, "count_of": count_of},
    )


def render(template: str, **data: object) -> str:
    """Render `templates/<template>` with the given data."""
    return str(environment().get_template(template).render(**data))
