"""Heading attribute lists (`{#id key=value .class}`) and slugs for headings without an id."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from specloom.errors import SpecError

_TRAILING = re.compile(r"\{([^{}]*)\}[ \t]*$")
_ATTR = re.compile(
    r"""\s*(?:#([^\s"'=}]+)|\.([^\s"'=}]+)|([A-Za-z_][\w.:-]*)=("[^"]*"|'[^']*'|[^\s"']+))"""
)
ID_PATTERN = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.:-]*$")
"""A section or clause id: letters, digits, `_`, `.`, `:` and `-`."""


@dataclass
class HeadingAttrs:
    """A heading's text without its attribute list, its explicit id and its other attributes."""

    title: str
    id: str | None = None
    attrs: dict[str, str] = field(default_factory=dict)


def parse_heading(text: str, file: str, line: int) -> HeadingAttrs:
    """Split `Title {#id key=value}` into the title, the id and the attributes."""
    match = _TRAILING.search(text)
    if match is None:
        return HeadingAttrs(text.strip())
    body = match.group(1).strip()
    if not body or (body[0] not in "#." and "=" not in body):
        return HeadingAttrs(text.strip())  # braces that are part of the title
    out = HeadingAttrs(text[: match.start()].strip())
    pos = 0
    classes: list[str] = []
    while pos < len(body):
        m = _ATTR.match(body, pos)
        if m is None or m.end() == pos:
            raise SpecError(
                f"cannot read the heading attribute list {{{body}}} at {body[pos:].strip()!r}",
                file=file,
                line=line,
                hint='write attributes as {#id key=value key2="two words"}',
            )
        ident, cls, key, value = m.groups()
        if ident is not None:
            if not ID_PATTERN.match(ident):
                raise SpecError(
                    f"the heading id {ident!r} has characters an id cannot have",
                    file=file,
                    line=line,
                    hint="use letters, digits, `_` and `-` in ids, e.g. {#follow_all}",
                )
            if out.id is not None:
                raise SpecError(
                    f"the heading has two ids: #{out.id} and #{ident}",
                    file=file,
                    line=line,
                    hint="keep one `#id` per heading",
                )
            out.id = ident
        elif cls is not None:
            classes.append(cls)
        else:
            out.attrs[key] = value[1:-1] if value[:1] in "\"'" else value
        pos = m.end()
        while pos < len(body) and body[pos].isspace():
            pos += 1
    if classes:
        out.attrs["class"] = " ".join(classes)
    return out


_SLUG_DROP = re.compile(r"[^\w\s-]")
_SLUG_SPACE = re.compile(r"[-\s]+")


def slugify(title: str) -> str:
    """The anchor MkDocs' toc extension would give `title` (lowercase words joined by `-`)."""
    plain = re.sub(r"\]\([^)]*\)|[`*_\[\]]", "", title)
    slug = _SLUG_SPACE.sub("-", _SLUG_DROP.sub("", plain).strip().lower())
    return slug or "section"
