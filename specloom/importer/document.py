"""Reading an OpenAPI 3.0/3.1 document (JSON or YAML) and resolving its local `$ref`s."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

from specloom.errors import SpecError

Json = dict[str, Any]
MAX_DOCUMENT_BYTES = 64 * 1024 * 1024
"""Real service APIs reach 13 MB (GitHub's REST description); a spec file stays at 10 MiB."""
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_BOOL = "tag:yaml.org,2002:bool"


class _Loader(yaml.SafeLoader):
    """YAML 1.1 without the date and `yes`/`no` surprises: keys and values stay as written."""


# a copy: the resolver table is a class attribute shared with yaml.SafeLoader
_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in rules if tag not in (_TIMESTAMP, _BOOL)]
    for first, rules in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    _BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def load_document(path: Path) -> Json:
    """The parsed document; a SpecError (exit 2, file and line) for anything else."""
    file = str(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise SpecError(
            f"cannot read {file}: {exc.strerror}", file=file, hint="check the path"
        ) from None
    if size > MAX_DOCUMENT_BYTES:
        raise SpecError(
            f"{file} is larger than {MAX_DOCUMENT_BYTES // 1048576} MiB",
            file=file,
            hint="split the document",
        )
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SpecError(
            f"{file} is not UTF-8 ({exc.reason})", file=file, hint="save it as UTF-8"
        ) from None
    data: Any
    if text.lstrip().startswith("{"):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise SpecError(
                f"{file} is not valid JSON: {exc.msg}",
                file=file,
                line=exc.lineno,
                hint="fix the JSON",
            ) from None
    else:
        try:
            data = yaml.load(text, Loader=_Loader)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            raise SpecError(
                f"{file} is not valid YAML: {getattr(exc, 'problem', exc)}",
                file=file,
                line=mark.line + 1 if mark is not None else None,
                hint="fix the YAML",
            ) from None
        except RecursionError:
            raise SpecError(f"{file} is nested too deeply", file=file, hint="simplify it") from None
    if not isinstance(data, dict):
        raise SpecError(
            f"{file} is not an OpenAPI document (not a mapping)",
            file=file,
            hint="give an OpenAPI 3.0 or 3.1 document",
        )
    version = str(data.get("openapi", ""))
    if not (version.startswith("3.0") or version.startswith("3.1")):
        found = (
            f"openapi: {version}"
            if version
            else ("swagger: " + str(data["swagger"]) if "swagger" in data else "no `openapi` key")
        )
        raise SpecError(
            f"{file} is not an OpenAPI 3.0 or 3.1 document ({found})",
            file=file,
            hint="convert Swagger 2.0 documents to OpenAPI 3 first",
        )
    return data


class Refs:
    """Resolves local JSON-pointer references (`#/components/schemas/Pet`)."""

    def __init__(self, doc: Json) -> None:
        self.doc = doc
        self.external: set[str] = set()
        """References to other documents: not imported (reported)."""

    def resolve(self, node: Any, depth: int = 0) -> Any:
        """Follow `$ref` chains (a `$ref` to another file or a dangling one gives `{}`)."""
        while isinstance(node, dict) and isinstance(node.get("$ref"), str) and depth < 64:
            ref = node["$ref"]
            target = self.lookup(ref)
            if target is None:
                return {}
            node = target
            depth += 1
        return node

    def lookup(self, ref: str) -> Any:
        """The node a local reference points at, or None (recorded as external/dangling)."""
        if not ref.startswith("#"):
            self.external.add(ref)
            return None
        node: Any = self.doc
        for raw in ref[1:].split("/")[1:] if ref != "#" else []:
            part = raw.replace("~1", "/").replace("~0", "~")
            from urllib.parse import unquote

            part = unquote(part)
            if isinstance(node, dict) and part in node:
                node = node[part]
            elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
                node = node[int(part)]
            else:
                self.external.add(ref)
                return None
        return node


def schema_name(ref: str) -> str | None:
    """`Pet` for `#/components/schemas/Pet`, else None."""
    prefix = "#/components/schemas/"
    if ref.startswith(prefix) and "/" not in ref[len(prefix) :]:
        return ref[len(prefix) :].replace("~1", "/").replace("~0", "~")
    return None
