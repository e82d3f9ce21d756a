"""The target's Jinja environment (StrictUndefined, escaping by named filters) and renderers."""

from __future__ import annotations

import functools
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from specloom.model import Spec, Workspace

from .builder import episode_date, episode_number
from .config import PodcastConfig
from .script import Episode


def xml_text(value: object) -> str:
    """Escape for XML text and attribute values."""
    return (
        str(value)
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
    )


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
    env.filters.update(xml=xml_text, md_text=md_text, rfc822=rfc822)
    return env


def render(template: str, **context: Any) -> bytes:
    """Render `templates/<template>.jinja` to UTF-8 bytes."""
    return environment().get_template(f"{template}.jinja").render(**context).encode()


def script_md(episode: Episode) -> bytes:
    """script.md: the episode as a readable script with clause ids."""
    names = {h.id: h.name for h in episode.hosts}
    return render("script.md", episode=episode, names=names)


def feed_xml(
    spec: Spec, episode: Episode, mp3_size: int, workspace: Workspace, config: PodcastConfig
) -> bytes:
    """feed.xml: one item per spec of the workspace (see docs/targets-podcast.md)."""
    order = workspace.order or sorted(workspace.specs)
    if spec.id not in workspace.specs:
        order = [*order, spec.id]
    items = []
    for spec_id in order:
        other = spec if spec_id == spec.id else workspace.specs[spec_id]
        base = config.feed_base_url.rstrip("/") + "/" if config.feed_base_url else "../../"
        items.append(
            {
                "spec": other.id,
                "title": other.title,
                "version": other.version,
                "date": episode_date(other, config),
                "number": episode_number(other, order),
                "url": f"{base}{other.id}/podcast/episode.mp3",
                "length": mp3_size if other.id == spec.id else 0,
            }
        )
    latest = max(str(i["date"]) for i in items)
    return render(
        "feed.xml",
        show=config.show,
        items=items,
        episode=episode,
        latest=latest,
        link=config.feed_base_url or "./",
    )
