"""The target's Jinja environment (StrictUndefined, escaping by named filters) and renderers."""

from __future__ import annotations

import functools
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from .script import Episode


def md_text(value: object) -> str:
    """Escape Markdown-significant characters in plain text, on one line."""
    out = " ".join(str(value).split())
    for ch in "\\`*_[]<>|#":
        out = out.replace(ch, "\\" + ch)
    return out


def rfc822(date: str) -> str:
    """`2026-01-31` -> `Sat, 31 Jan 2026 00:00:00 +0000` (RSS pubDate)."""
    return format_datetime(datetime.strptime(date, "%Y-%m-%d").replace(tzinfo=UTC))


@functools.cache
def environment() -> Environment:
    """The one cached environment of this target."""
    env = Environment(
        loader=PackageLoader("specloom.targets.podcast", "templates"),
        undefined=StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(md_text=md_text, rfc822=rfc822)
    return env


def render(template: str, **context: Any) -> bytes:
    """Render `templates/<template>.jinja` to UTF-8 bytes."""
    return environment().get_template(f"{template}.jinja").render(**context).encode()


def script_md(episode: Episode) -> bytes:
    """script.md: the episode as a readable script with clause ids."""
    names = {h.id: h.name for h in episode.hosts}
    return render("script.md", episode=episode, names=names)
