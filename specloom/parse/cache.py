"""Parsed specs cached by content: `<cache>/parse/<spec path>.json`, one entry per spec.

Parsing is a pure function of a spec file's bytes, its examples files (names and bytes),
the paths as given, the default id, and the parser: specloom's version, the bytes of its
parse package and IR models, and the versions of markdown-it, its plugins, PyYAML and
pydantic. The key is a sha256 over all of those; the files are still read and checked by
`read_source` (sandbox, size, encoding) on every load, only the parse is skipped. The
entry is the IR as JSON, read back with pydantic's validating JSON reader (never pickle: a
cache folder is no place to load code from). An unreadable, stale or invalid entry is a
miss; a cache that cannot be written is no cache.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import asdict
from functools import cache
from pathlib import Path

from specloom.model import FieldDef, Spec, TypeRef
from specloom.parse.frontmatter import FrontMatter
from specloom.parse.source import SourceFile

FOLDER = "parse"
MIN_BYTES = 64 * 1024
"""Specs smaller than this (with their examples) are parsed, not looked up: reading and
validating the entry costs about what parsing them does."""

_DIR: ContextVar[Path | None] = ContextVar("specloom_parse_cache", default=None)

Parsed = tuple[Spec, FrontMatter]


@contextmanager
def parse_cache(folder: Path | None) -> Iterator[None]:
    """Use `<folder>/parse/` for the loads inside the block (None: no cache)."""
    token = _DIR.set(folder / FOLDER if folder is not None else None)
    try:
        yield
    finally:
        _DIR.reset(token)


@cache
def parser_digest() -> str:
    """specloom's version, the parser's and the IR's source bytes, the libraries' versions."""
    import markdown_it
    import mdit_py_plugins
    import pydantic
    import yaml

    import specloom.model
    from specloom import __version__

    h = hashlib.sha256(__version__.encode())
    for lib in (markdown_it, mdit_py_plugins, yaml):
        h.update(f"\0{lib.__name__} {getattr(lib, '__version__', '?')}".encode())
    h.update(f"\0pydantic {pydantic.VERSION}".encode())
    here = Path(__file__).parent
    for f in [*sorted(here.glob("*.py")), Path(specloom.model.__file__ or "")]:
        h.update(f"\0{f.name}\0".encode() + f.read_bytes())
    return h.hexdigest()


def _key(src: SourceFile, sources: list[SourceFile], default_id: str, where: str | None) -> str:
    h = hashlib.sha256(parser_digest().encode())
    h.update(json.dumps([src.path, default_id, where]).encode())
    for f in [src, *sources]:
        h.update(f"\0{f.path}\0{len(f.data)}\0".encode())
        h.update(f.data)
    return h.hexdigest()


def cached_parse(
    src: SourceFile,
    sources: list[SourceFile],
    default_id: str,
    examples_dir: str | None,
    parse: Callable[[], Parsed],
) -> Parsed:
    """`parse()`, or its result from the cache when the key matches."""
    folder = _DIR.get()
    size = len(src.data) + sum(len(s.data) for s in sources)
    if folder is None or size < MIN_BYTES:
        return parse()
    key = _key(src, sources, default_id, examples_dir)
    entry = folder / (hashlib.sha256(src.path.encode()).hexdigest()[:32] + ".json")
    found = _read(entry, key)
    if found is not None:
        return found
    parsed = parse()
    _write(entry, key, parsed)
    return parsed


def _read(entry: Path, key: str) -> Parsed | None:
    try:
        raw = entry.read_bytes()
    except OSError:
        return None
    head, _, body = raw.partition(b"\n")
    if head != key.encode():
        return None
    try:
        fm_line, _, spec_json = body.partition(b"\n")
        fm = FrontMatter(**json.loads(fm_line))
        spec = Spec.model_validate_json(spec_json)
    except (ValueError, TypeError):  # (pydantic's ValidationError is a ValueError)
        return None
    _share_type_refs(spec)
    return spec, fm


def _share_type_refs(spec: Spec) -> None:
    """One TypeRef object per type expression, as parsing gives (`parse_type` is cached):
    a read-back spec would otherwise hold hundreds of thousands of equal copies."""
    from specloom.parse.typeexpr import parse_type

    def same(ref: TypeRef) -> TypeRef:
        try:
            shared = parse_type(ref.text)
        except ValueError:
            return ref
        return shared if shared == ref else ref

    def fields(items: list[FieldDef]) -> None:
        for f in items:
            f.__dict__["type"] = same(f.type)  # (the value, as pydantic stores it)

    for t in spec.types:
        fields(t.fields)
        if t.alias is not None:
            t.__dict__["alias"] = same(t.alias)
        for v in t.variants:
            v.__dict__["type"] = same(v.type)
    for op in spec.operations:
        fields(op.params)
        if op.returns is not None:
            op.__dict__["returns"] = same(op.returns)
    for e in spec.errors:
        fields(e.fields)
    for c in spec.constants:
        c.__dict__["type"] = same(c.type)


def _write(entry: Path, key: str, parsed: Parsed) -> None:
    spec, fm = parsed
    if not _json_exact(spec, fm):
        return
    try:
        data = b"\n".join(
            [
                key.encode(),
                json.dumps(asdict(fm)).encode(),
                spec.model_dump_json(exclude_defaults=True).encode(),
            ]
        )
    except ValueError:  # (a value JSON cannot hold: no entry)
        return
    tmp = entry.with_name(f".{entry.name}.tmp-{os.getpid()}")
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)
        with os.fdopen(os.open(tmp, flags, 0o644), "wb") as fh:
            fh.write(data)
        os.replace(tmp, entry)
    except OSError:
        tmp.unlink(missing_ok=True)


def _json_exact(spec: Spec, fm: FrontMatter) -> bool:
    """False when a YAML value would not come back from JSON as it was (a non-finite
    float: pydantic writes it as null)."""
    values: list[object] = [spec.meta, fm.meta, *(c.value for c in spec.constants)]
    for ex in spec.examples:
        if ex.structured is not None:
            values += [ex.structured.with_, ex.structured.expect]
            values += [v for st in ex.structured.given for v in (st.with_, st.expect)]
    return all(_finite(v) for v in values)


def _finite(value: object) -> bool:
    if isinstance(value, float):
        return value == value and value not in (float("inf"), float("-inf"))
    if isinstance(value, dict):
        return all(_finite(v) for v in value.values())
    if isinstance(value, list):
        return all(_finite(v) for v in value)
    return True
