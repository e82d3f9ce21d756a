"""Jinja set-up shared by the code and docs targets: StrictUndefined, named escape filters."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import jinja2


def template_environment(
    folder: Path, filters: Mapping[str, Callable[..., Any]]
) -> jinja2.Environment:
    """An environment over `folder`: no autoescape (each value is escaped by a named filter)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(folder)),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
    )
    env.filters.update(filters)
    return env


def md_line(text: object) -> str:
    """Text for one line of Markdown (a generated package's README): no newlines, inert HTML."""
    return " ".join(str(text).split()).replace("<", "&lt;")
