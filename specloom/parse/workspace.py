"""`load_workspace`: a folder of specs (or one spec) with imports resolved and ordered."""

from __future__ import annotations

import heapq
from pathlib import Path

from specloom.errors import SpecError
from specloom.gcpause import gc_paused
from specloom.model import Spec, Workspace
from specloom.parse.frontmatter import FrontMatter, split_front_matter
from specloom.parse.sandbox import configured_outside, reading_within, workspace_root
from specloom.parse.source import file_errors, read_source
from specloom.parse.spec import SPEC_FILE, SpecLocation, locate_spec, parse_spec


def load_workspace(path: Path, *, read_outside: list[Path] | None = None) -> Workspace:
    """Load a folder of specs, a spec folder or a spec file; resolve and order the imports.

    For a single spec, the specs it imports are looked up beside it (in its parent folder).
    Only files inside that workspace folder (or `read_outside`, by default the configured
    `[tool.specloom] read_outside`) are read, symlinks resolved.
    """
    with file_errors(path), gc_paused():
        allowed = configured_outside(path) if read_outside is None else read_outside
        with reading_within([workspace_root(path), *allowed]):
            return _load(path)


def _load(path: Path) -> Workspace:
    if not path.exists():
        raise SpecError(
            "no such file or folder",
            file=path.as_posix(),
            hint="check the path: give a spec folder, a spec .md file or a folder of specs",
        )
    if is_spec_path(path):
        return _single(path)
    found = discover_specs(path)
    if not found:
        raise SpecError(
            f"no specs in this folder (no sub-folder with {SPEC_FILE}, no .md file with "
            "`spec:` front matter)",
            file=path.as_posix(),
            hint=f"create <spec-id>/{SPEC_FILE} in it, or point at a spec file or spec folder",
        )
    parsed = [parse_spec(loc) for loc in found]
    return _assemble(path, parsed)


def is_spec_path(path: Path) -> bool:
    """True for a spec file or a spec folder (not a folder of specs)."""
    if path.is_file():
        return True
    name = path.name or path.resolve().name
    return (path / SPEC_FILE).is_file() or (path / f"{name}.md").is_file()


def discover_specs(folder: Path) -> list[SpecLocation]:
    """Sub-folders holding `spec.md`, and `.md` files whose front matter sets `spec:`."""
    out: list[SpecLocation] = []
    try:
        entries = sorted(folder.iterdir(), key=lambda p: p.name)
    except OSError as exc:
        raise SpecError(
            f"cannot list the folder: {exc.strerror or exc}",
            file=folder.as_posix(),
            hint="check the folder's permissions",
        ) from None
    for entry in entries:
        if entry.name.startswith("."):
            continue  # .git, editor files, hidden folders
        if (entry.is_dir() and (entry / SPEC_FILE).is_file()) or (
            entry.is_file() and entry.suffix == ".md" and _declares_spec(entry)
        ):
            out.append(locate_spec(entry))
    return out


def _declares_spec(path: Path) -> bool:
    src = read_source(path)
    return split_front_matter(src.text, src.path).spec is not None


def _single(path: Path) -> Workspace:
    loc = locate_spec(path)
    first = parse_spec(loc)
    parsed = [first]
    root = loc.file.parent.parent if loc.file.name == SPEC_FILE else loc.file.parent
    wanted = list(first[0].imports)
    seen = {first[0].id}
    siblings: dict[str, SpecLocation] | None = None
    while wanted:
        spec_id = wanted.pop(0)
        if spec_id in seen:
            continue
        seen.add(spec_id)
        one = _by_name(root, spec_id)
        if one is None:
            if siblings is None:
                siblings = _sibling_index(root)
            sib = siblings.get(spec_id)
            if sib is None:
                continue  # reported as a missing import by _assemble
            one = parse_spec(sib)
        parsed.append(one)
        wanted.extend(one[0].imports)
    return _assemble(path, parsed)


def _by_name(root: Path, spec_id: str) -> tuple[Spec, FrontMatter] | None:
    """The spec `<root>/<id>/spec.md` or `<root>/<id>.md`, if it exists and has that id."""
    for candidate in (root / spec_id / SPEC_FILE, root / f"{spec_id}.md"):
        if candidate.is_file():
            found = parse_spec(
                locate_spec(candidate.parent if candidate.name == SPEC_FILE else candidate)
            )
            if found[0].id == spec_id:
                return found
    return None


def _sibling_index(root: Path) -> dict[str, SpecLocation]:
    """Specs beside a single spec, by id; siblings that cannot be read are left out here
    (loading the whole folder as a workspace reports them)."""
    out: dict[str, SpecLocation] = {}
    if not root.is_dir():
        return out
    for entry in sorted(root.iterdir(), key=lambda p: p.name):
        if entry.name.startswith("."):
            continue
        try:
            is_folder_spec = entry.is_dir() and (entry / SPEC_FILE).is_file()
            if not (is_folder_spec or (entry.is_file() and entry.suffix == ".md")):
                continue
            loc = locate_spec(entry)
            src = read_source(loc.file)
            spec_id = split_front_matter(src.text, src.path).spec
        except SpecError:
            continue
        if spec_id is None and loc.file.name == SPEC_FILE:
            spec_id = loc.default_id
        if spec_id is not None:
            out.setdefault(spec_id, loc)
    return out


def _assemble(root: Path, parsed: list[tuple[Spec, FrontMatter]]) -> Workspace:
    specs: dict[str, Spec] = {}
    fms: dict[str, FrontMatter] = {}
    for spec, fm in parsed:
        if spec.id in specs:
            other = specs[spec.id]
            raise SpecError(
                f"two specs have the id {spec.id!r}: {other.path} and {spec.path}",
                file=spec.path,
                line=fm.lines.get("spec"),
                hint="give each spec its own `spec:` id in the front matter",
            )
        specs[spec.id] = spec
        fms[spec.id] = fm
    # an import of a spec not in the workspace is the lint finding SL104, reported with the
    # rest (the importing spec is blocked), not an error that hides every other finding
    order = _topological(specs, fms)
    return Workspace(root=root.as_posix(), specs={k: specs[k] for k in sorted(specs)}, order=order)


def _topological(specs: dict[str, Spec], fms: dict[str, FrontMatter]) -> list[str]:
    """Dependencies first, ties by id; an import cycle is a SpecError."""
    waiting = {sid: len(set(s.imports) & set(specs)) for sid, s in specs.items()}
    users: dict[str, list[str]] = {sid: [] for sid in specs}
    for sid, s in specs.items():
        for dep in set(s.imports) & set(specs):
            users[dep].append(sid)
    ready = [sid for sid, n in waiting.items() if n == 0]
    heapq.heapify(ready)
    order: list[str] = []
    while ready:
        sid = heapq.heappop(ready)
        order.append(sid)
        for user in users[sid]:
            waiting[user] -= 1
            if waiting[user] == 0:
                heapq.heappush(ready, user)
    if len(order) < len(specs):
        cycle = _find_cycle({sid for sid in specs if sid not in order}, specs)
        first = specs[cycle[0]]
        raise SpecError(
            f"import cycle: {' -> '.join([*cycle, cycle[0]])}",
            file=first.path,
            line=fms[first.id].lines.get("imports"),
            hint="remove one of these imports; move shared types into a spec both import",
        )
    return order


def _find_cycle(left: set[str], specs: dict[str, Spec]) -> list[str]:
    start = min(left)
    path = [start]
    seen = {start: 0}
    cur = start
    while True:
        nxt = min(d for d in specs[cur].imports if d in left)
        if nxt in seen:
            return path[seen[nxt] :]
        seen[nxt] = len(path)
        path.append(nxt)
        cur = nxt
