"""`load_spec`: one spec file (plus its examples folder) into a `Spec`."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from specloom.errors import SpecError
from specloom.model import CrossRef, ExampleFile, SourcePos, Spec
from specloom.parse.blocks import parse_blocks
from specloom.parse.builder import SpecBuilder
from specloom.parse.examples import extract_examples
from specloom.parse.frontmatter import FrontMatter
from specloom.parse.inline import scan_inline
from specloom.parse.source import SourceFile, file_errors, read_source, source_of

SPEC_FILE = "spec.md"
EXAMPLES_DIR = "examples"


@dataclass(frozen=True)
class SpecLocation:
    """Where a spec lives: its Markdown file, its examples folder and its default id."""

    file: Path
    examples: Path
    default_id: str


def locate_spec(path: Path) -> SpecLocation:
    """A spec folder (with `spec.md`, or `<folder>.md`) or a single `.md` file."""
    if path.is_file():
        return SpecLocation(path, path.parent / EXAMPLES_DIR, path.stem)
    if path.is_dir():
        name = path.name or path.resolve().name
        for candidate in (path / SPEC_FILE, path / f"{name}.md"):
            if candidate.is_file():
                return SpecLocation(candidate, path / EXAMPLES_DIR, name)
        raise SpecError(
            f"the folder has no {SPEC_FILE} (nor {name}.md): it is not a spec",
            file=path.as_posix(),
            hint=f"point at a folder holding {SPEC_FILE}, a spec .md file or a folder of specs",
        )
    raise SpecError(
        "no such file or folder",
        file=path.as_posix(),
        hint="check the path; specloom reads a spec folder, a spec .md file or a folder of specs",
    )


def load_spec(path: Path) -> Spec:
    """Parse the spec at `path` (a spec folder or a single `.md` file); raise SpecError."""
    from specloom.parse.sandbox import configured_outside, reading_within, workspace_root

    with file_errors(path), reading_within([workspace_root(path), *configured_outside(path)]):
        return parse_spec(locate_spec(path))[0]


def parse_spec(loc: SpecLocation) -> tuple[Spec, FrontMatter]:
    """Parse a located spec; also return its front matter (with the line of each key)."""
    from specloom.parse.cache import cached_parse

    src = read_source(loc.file)
    sources = [read_source(p) for p in _example_paths(loc.examples)]
    examples_dir = loc.examples.as_posix() if loc.examples.is_dir() else None
    return cached_parse(
        src,
        sources,
        loc.default_id,
        examples_dir,
        lambda: _parse(src, sources, loc.default_id, examples_dir),
    )


def load_spec_text(
    data: str | bytes,
    path: str = SPEC_FILE,
    *,
    spec_id: str | None = None,
    examples: Mapping[str, str | bytes] | None = None,
) -> Spec:
    """Parse a spec held in memory (e.g. a file at a git ref) as if it were at `path`.

    `examples` maps examples file paths (`specs/billing/examples/bil1.md`) to their content;
    `spec_id` is the id to use when the front matter has none (default: from `path`).
    """
    src = source_of(data, path)
    sources = [source_of(v, k) for k, v in sorted((examples or {}).items(), key=_by_name)]
    p = PurePosixPath(path)
    default = spec_id or (p.parent.name if p.name == SPEC_FILE and p.parent.name else p.stem)
    examples_dir = sources[0].path.rsplit("/", 1)[0] if sources else None
    return _parse(src, sources, default, examples_dir)[0]


def _by_name(item: tuple[str, object]) -> str:
    return PurePosixPath(item[0]).name


def _parse(
    src: SourceFile, sources: list[SourceFile], default_id: str, examples_dir: str | None
) -> tuple[Spec, FrontMatter]:
    spec, fm = SpecBuilder(src).build(default_id)
    for ex_src in sources:
        ex_file, ex_refs = _parse_example_file(ex_src, _stem(ex_src.path))
        spec.example_files.append(ex_file)
        spec.refs.extend(ex_refs)
    spec.examples.extend(ex for f in spec.example_files for ex in f.examples)
    spec.examples_dir = examples_dir
    spec.hash = _hash(src, sources)
    return spec, fm


def _example_paths(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    # (os.scandir: an entry knows whether it is a file without a stat, symlinks followed
    # as Path.is_file follows them)
    with os.scandir(folder) as entries:
        names = sorted(
            e.name for e in entries if e.name.endswith(".md") and e.name[0] != "." and e.is_file()
        )
    return [folder / n for n in names]


def _name(path: str) -> str:
    """`PurePosixPath(path).name` of a file's POSIX path (without building a path object:
    5 us each, twice per examples file)."""
    return path.rsplit("/", 1)[-1]


def _stem(path: str) -> str:
    """`PurePosixPath(path).stem`, computed as pathlib computes it."""
    name = _name(path)
    i = name.rfind(".")
    return name[:i] if 0 < i < len(name) - 1 else name


def _hash(src: SourceFile, sources: list[SourceFile]) -> str:
    """sha256 over the spec file's bytes, then each examples file's name and bytes."""
    h = hashlib.sha256(src.data)
    for ex in sources:
        name = _name(ex.path)
        h.update(b"\0" + name.encode() + b"\0" + str(len(ex.data)).encode() + b"\0")
        h.update(ex.data)
    return h.hexdigest()


def _parse_example_file(src: SourceFile, clause_id: str) -> tuple[ExampleFile, list[CrossRef]]:
    """An examples file and the cross references in its prose."""
    lines = src.text.split("\n")
    tokens = parse_blocks(src.text)
    scan = extract_examples(tokens, lines, src.path, 0, lambda _line: clause_id, "file")
    refs: list[CrossRef] = []
    for tok in tokens:
        if tok.type == "inline" and tok.map is not None and "](" in tok.content:
            refs.extend(r for _, r in scan_inline(tok.content, src.path, tok.map[0] + 1).refs)
    example_file = ExampleFile(
        id=clause_id,
        path=src.path,
        examples=scan.examples,
        pos=SourcePos(file=src.path, line=1),
    )
    return example_file, refs
