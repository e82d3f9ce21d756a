"""YAML with line numbers: compose a node tree, read scalars and plain values from it."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

import yaml

from specloom.errors import SpecError

_Base: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):  # type: ignore[valid-type,misc]
    """The C loader, with the tag of each plain scalar remembered: the resolver (Python,
    a regular expression per scalar) answers the same for the same (kind, value, implicit)
    because the safe loader has no path resolvers, and specs repeat most scalars."""

    _tags: ClassVar[dict[tuple[Any, ...], str]] = {}

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        key = (kind, value, implicit)
        tag = self._tags.get(key)
        if tag is None:
            tag = super().resolve(kind, value, implicit)
            if len(self._tags) > 50_000:
                self._tags.clear()
            self._tags[key] = tag
        return tag


class YamlDoc:
    """One YAML document: its root node, plus the file and the file line of its first line."""

    def __init__(self, text: str, file: str, first_line: int, what: str) -> None:
        self.file = file
        self.first_line = first_line
        self.what = what
        self._loader = _Loader(text)
        try:
            self.root: yaml.Node | None = self._loader.get_single_node()
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = first_line + mark.line if mark is not None else first_line
            problem = exc.problem or exc.context or "invalid YAML"
            raise SpecError(
                f"invalid YAML in the {what}: {problem}",
                file=file,
                line=line,
                hint="fix the YAML syntax (indentation, quoting, `key: value` pairs)",
            ) from None
        except yaml.YAMLError as exc:
            raise SpecError(
                f"invalid YAML in the {what}: {exc}",
                file=file,
                line=first_line,
                hint="fix the YAML syntax",
            ) from None
        except RecursionError:
            raise SpecError(
                f"the YAML in the {what} is nested too deeply",
                file=file,
                line=first_line,
                hint="flatten the YAML",
            ) from None

    def line(self, node: yaml.Node) -> int:
        """The file line (1-based) where `node` starts."""
        return self.first_line + node.start_mark.line

    def error(self, node: yaml.Node, message: str, hint: str) -> SpecError:
        """A SpecError at `node`."""
        return SpecError(message, file=self.file, line=self.line(node), hint=hint)

    def value(self, node: yaml.Node) -> Any:
        """The plain Python value of `node` (dates as ISO strings, keys as strings)."""
        try:
            raw = self._loader.construct_object(node, deep=True)
        except yaml.YAMLError as exc:
            raise self.error(node, f"invalid YAML value: {exc}", "fix the value") from None
        except RecursionError:
            raise self.error(node, "the YAML value is nested too deeply", "flatten it") from None
        try:
            out = plain(raw)
        except RecursionError:
            raise self.error(node, "the YAML value is nested too deeply", "flatten it") from None
        except CyclicValueError:
            raise self.error(
                node, "the YAML value refers to itself through an alias", "remove the alias"
            ) from None
        if expanded_size(out, {}) > MAX_VALUE_NODES:
            raise self.error(
                node,
                f"the YAML value expands to more than {MAX_VALUE_NODES} items",
                "write the value out without nested aliases",
            )
        return out

    def scalar(self, node: yaml.Node, what: str) -> str:
        """The text of a scalar node as written (`yes` stays `yes`); an error otherwise."""
        if not isinstance(node, yaml.ScalarNode):
            raise self.error(node, f"{what} must be a single value", f"write {what} as plain text")
        return str(node.value).strip()

    def mapping(self, node: yaml.Node, what: str) -> list[tuple[yaml.Node, yaml.Node]]:
        """The (key, value) node pairs of a mapping; `~`/empty is an empty mapping."""
        if is_null(node):
            return []
        if not isinstance(node, yaml.MappingNode):
            raise self.error(
                node, f"{what} must be a mapping (`key: value` lines)", f"write {what} as a mapping"
            )
        return list(node.value)

    def names(self, node: yaml.Node, what: str) -> list[str]:
        """A list of names (`[a, b]`), or a single name; `~` is an empty list."""
        if is_null(node):
            return []
        if isinstance(node, yaml.ScalarNode):
            return [self.scalar(node, what)]
        if not isinstance(node, yaml.SequenceNode):
            raise self.error(node, f"{what} must be a list of names", f"write {what} as [a, b]")
        return [self.scalar(item, f"each item of {what}") for item in node.value]


def is_null(node: yaml.Node) -> bool:
    """True for `~`, `null` and an empty value."""
    return isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null"


class CyclicValueError(ValueError):
    """A YAML value refers to itself through an alias."""


def plain(value: Any, _memo: dict[int, Any] | None = None) -> Any:
    """`value` made JSON-friendly: dates as ISO text, mapping keys as text, bytes as text.

    Shared (aliased) parts are converted once, so `&a`/`*a` bombs do not blow up; a value
    that contains itself raises CyclicValueError.
    """
    memo: dict[int, Any] = {} if _memo is None else _memo
    if isinstance(value, dict | list | tuple | set):
        key = id(value)
        if key in memo:
            if memo[key] is _IN_PROGRESS:
                raise CyclicValueError("the value contains itself")
            return memo[key]
        memo[key] = _IN_PROGRESS
        out: Any
        if isinstance(value, dict):
            out = {str(k): plain(v, memo) for k, v in value.items()}
        else:
            out = [plain(v, memo) for v in value]
        memo[key] = out
        return out
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return value


_IN_PROGRESS = object()

MAX_VALUE_NODES = 100_000
"""Largest value (items once aliases are expanded) a YAML block may hold."""


def expanded_size(value: Any, memo: dict[int, int]) -> int:
    """How many items `value` has once shared parts are counted every time they occur."""
    if isinstance(value, dict | list):
        key = id(value)
        if key not in memo:
            items = value.values() if isinstance(value, dict) else value
            memo[key] = 1 + sum(expanded_size(v, memo) for v in items)
        return memo[key]
    return 1
