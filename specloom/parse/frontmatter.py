"""YAML front matter: split it off the Markdown and validate the keys specloom reads."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from specloom.errors import SpecError
from specloom.parse.yamlnodes import YamlDoc

SPEC_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
"""A spec id: lowercase letters, digits, `_` and `-`; no path characters."""

SEMVER = re.compile(
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
    r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$"
)
"""Semantic Versioning 2.0.0 (the regular expression from semver.org)."""

KNOWN_KEYS = ("spec", "title", "version", "status", "owners", "imports", "authority", "strict")


@dataclass
class FrontMatter:
    """The validated front matter, the file line of each key, and where the Markdown starts."""

    spec: str | None = None
    title: str | None = None
    version: str | None = None
    status: str | None = None
    owners: list[str] = field(default_factory=list)
    imports: list[str] = field(default_factory=list)
    authority: list[str] = field(default_factory=list)
    strict: bool = False
    meta: dict[str, Any] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    """File line of each key (1-based)."""
    body_start: int = 0
    """0-based index of the first Markdown line after the front matter."""


def split_front_matter(text: str, file: str) -> FrontMatter:
    """Read the front matter at the top of `text` (if any) and validate it."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        return FrontMatter()
    end = None
    for i in range(1, len(lines)):
        if lines[i].rstrip() in ("---", "..."):
            end = i
            break
    if end is None:
        raise SpecError(
            "the front matter starting here is not closed",
            file=file,
            line=1,
            hint="end the front matter with a line `---`",
        )
    doc = YamlDoc("\n".join(lines[1:end]), file, 2, "front matter")
    fm = FrontMatter(body_start=end + 1)
    if doc.root is None:
        return fm
    for key_node, value_node in doc.mapping(doc.root, "the front matter"):
        key = doc.scalar(key_node, "a front-matter key")
        fm.lines[key] = doc.line(key_node)
        _set_key(fm, doc, key, key_node, value_node)
    return fm


def _set_key(fm: FrontMatter, doc: YamlDoc, key: str, key_node: Any, node: Any) -> None:
    if key == "spec":
        value = doc.scalar(node, "`spec`")
        check_spec_id(value, doc.file, doc.line(node), "front matter `spec`")
        fm.spec = value
    elif key in ("title", "status"):
        setattr(fm, key, doc.scalar(node, f"`{key}`"))
    elif key == "version":
        version = doc.scalar(node, "`version`")
        if not SEMVER.match(version):
            raise doc.error(
                node,
                f"`version: {version}` is not a semantic version",
                'write MAJOR.MINOR.PATCH, quoted if needed: version: "1.2.0"',
            )
        fm.version = version
    elif key in ("owners", "authority"):
        setattr(fm, key, doc.names(node, f"`{key}`"))
    elif key == "imports":
        fm.imports = doc.names(node, "`imports`")
        for name in fm.imports:
            check_spec_id(name, doc.file, doc.line(node), "an import")
    elif key == "strict":
        value = doc.value(node)
        if not isinstance(value, bool):
            raise doc.error(node, "`strict` must be true or false", "write strict: true")
        fm.strict = value
    else:
        fm.meta[key] = doc.value(node)


def check_spec_id(value: str, file: str, line: int | None, what: str) -> None:
    """Raise a SpecError unless `value` is a valid spec id."""
    if not SPEC_ID.match(value):
        raise SpecError(
            f"{what} {value!r} is not a valid spec id (lowercase letters, digits, `_`, `-`; "
            "no path characters)",
            file=file,
            line=line,
            hint="use a slug such as `billing` (set it with `spec: <id>` in the front matter)",
        )
