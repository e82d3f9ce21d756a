"""The no-op fast path: answer "nothing to do" before importing the parser, the models or
any target, from a stamp the last build left when nothing was left to do.

A local build whose every (spec, target) the full freshness check (`plan.is_fresh`) finds
fresh afterwards writes `<cache>/noop/<request key>.json`: a fingerprint of everything that
check and the check step read, taken *before* the build parsed anything, plus the rows,
reports and output a no-op build would print and write. The next build with the same
request (folder, paths, options, config file) recomputes the fingerprint:

- `environment`: specloom's version, the Python executable and version, the mtime of every
  `sys.path` folder (installing or removing any distribution, a plugin target or a library
  the parser uses, changes it), and a sha256 of the `PATH` and every `SPECLOOM_*`,
  `OPENAI_*` and `PREFECT_*` variable (a digest only: they hold API keys);
- `external`: the bytes of each file a target reads outside the spec tree for its input
  hash (`Target.external_inputs`: an eval run's report, the tsc package's package.json); a
  target that cannot name them (a tool missing) gets the request no stamp;
- `config`: the config file's path and bytes;
- `code`: the bytes of every file of the specloom package and of the built-in targets
  (generators, templates, the parser, the checks), and of each plugin target's files;
- `inputs`: every file and folder under the spec roots (symlinks followed, their targets
  recorded), with its bytes, hidden entries left out as the parser leaves them out;
- `outputs`, taken with the output locks held: the output root's entries, each spec
  folder's entries with the bytes of its files (the manifests), and each published target
  folder hashed again against its manifest record, as the full check does.

Only when every part is equal are the stored rows the answer (the reports are rewritten
when they differ from a no-op build's). Anything else, or anything unreadable, returns
None and the full build runs. This module uses the standard library and filelock only.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from specloom._version import __version__
from specloom.configfile import find_config_file
from specloom.pipeline.treehash import current_folder, hash_tree

FORMAT = 2
STAMP_DIR = "noop"
MANIFEST = "manifest.json"
REPORTS = ("report.json", "report.md")
LOCK_NAME = ".lock"
MAX_FILES = 20_000
"""A spec tree with more files than this gets no stamp (its walk would cost more than it
saves); its builds take the full path."""
ENV_PREFIXES = ("SPECLOOM_", "OPENAI_", "PREFECT_")

Json = dict[str, Any]


@dataclass(frozen=True)
class Request:
    """A build request as the command line gave it: what the stamp is looked up by."""

    cwd: str
    paths: list[str]
    output: str | None
    cache_dir: str | None
    targets: list[str] | None
    backend: str | None
    strict: bool
    config_file: str | None

    def key(self) -> str:
        """sha256 of the request (the stamp's file name)."""
        blob = json.dumps(asdict(self), sort_keys=True).encode()
        return hashlib.sha256(blob).hexdigest()[:32]

    def stamp_file(self) -> Path:
        """`<cache>/noop/<key>.json`, the cache found as `resolve_request` finds it."""
        if self.cache_dir is not None:
            cache = Path(self.cache_dir)
        elif self.config_file is not None:
            cache = Path(self.config_file).parent / ".specloom-cache"
        else:
            cache = Path(self.cwd) / ".specloom-cache"
        return cache / STAMP_DIR / f"{self.key()}.json"


def request_of(
    paths: list[Path],
    output: Path | None,
    cache_dir: Path | None,
    targets: list[str] | None,
    backend: str | None,
    strict: bool,
) -> Request:
    """The request of `specloom build PATHS -o OUTPUT --cache-dir C -t T --backend B`."""
    cwd = Path.cwd()
    cfg = find_config_file(paths[0] if paths else cwd)
    return Request(
        cwd=str(cwd),
        paths=[str(p) for p in paths],
        output=None if output is None else str(output),
        cache_dir=None if cache_dir is None else str(cache_dir),
        targets=list(targets) if targets else None,
        backend=backend,
        strict=strict,
        config_file=None if cfg is None else str(cfg),
    )


# -- the parts of the fingerprint ----------------------------------------------------------


def environment() -> Json:
    """What the process runs on: versions, installed distributions, relevant variables."""
    folders: dict[str, int] = {}
    for entry in sys.path[1:]:  # [0] is the script's folder: `python -m` and the script differ
        try:
            folders[entry] = os.stat(entry or ".").st_mtime_ns
        except OSError:
            folders[entry] = -1
    env = {k: v for k, v in sorted(os.environ.items()) if k == "PATH" or k.startswith(ENV_PREFIXES)}
    # only a digest: the variables hold secrets (OPENAI_API_KEY) that must not reach the cache
    env_digest = hashlib.sha256(json.dumps(env, sort_keys=True).encode()).hexdigest()
    return {
        "specloom": __version__,
        "python": [sys.executable, sys.version],
        "sys_path": folders,
        "env": env_digest,
    }


def external(paths: list[str]) -> dict[str, str]:
    """sha256 of each file the targets read outside the spec tree (`Target.external_inputs`)."""
    return {p: file_digest(Path(p)) for p in sorted(paths)}


def file_digest(path: Path) -> str:
    """sha256 of a file's bytes, or `-` when it cannot be read."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return "-"


def builtin_code_roots() -> list[str]:
    """The folders of the specloom package and of its built-in targets."""
    import importlib.util

    import specloom

    roots = list(specloom.__path__)
    found = importlib.util.find_spec("specloom.targets")
    if found is not None and found.submodule_search_locations:
        roots += list(found.submodule_search_locations)
    real = sorted({Path(r).resolve() for r in roots})
    # in a wheel install the targets live inside the package folder: hash them once
    return [str(r) for r in real if not any(o != r and o in r.parents for o in real)]


def code(roots: list[str]) -> str:
    """One sha256 over every file under `roots` (a folder, or a single file), names and
    bytes; `__pycache__` and hidden entries left out."""
    h = hashlib.sha256()
    for root in roots:
        base = Path(root)
        h.update(f"\0root {root}\0".encode())
        if base.is_file():
            h.update(file_digest(base).encode())
            continue
        for dirpath, dirnames, filenames in os.walk(base):
            dirnames[:] = sorted(d for d in dirnames if d != "__pycache__" and d[0] != ".")
            for name in sorted(filenames):
                if name[0] == "." or name.endswith((".pyc", ".pyo")):
                    continue
                p = Path(dirpath) / name
                h.update(f"\0{p.relative_to(base).as_posix()}\0{file_digest(p)}".encode())
    return h.hexdigest()


def inputs(roots: list[str], outside: list[str]) -> str | None:
    """One sha256 over every entry under the spec `roots`, following symlinks (each link's
    target recorded), with file bytes; hidden entries are left out, as the parser never
    reads them. None when a root holds one of the `outside` folders (the output or the
    cache: their files change with every build), a symlink loop, or too many files."""
    h = hashlib.sha256()
    stop = {os.path.realpath(p) for p in outside}
    count = 0
    for root in roots:
        base = Path(root)
        h.update(f"\0root {root} {os.path.realpath(base)}\0".encode())
        if not base.is_dir():
            h.update(f"file {file_digest(base)}".encode() if base.is_file() else b"missing")
            continue
        seen: set[str] = set()
        for dirpath, dirnames, filenames in os.walk(base, followlinks=True):
            real = os.path.realpath(dirpath)
            if real in stop or real in seen:
                return None
            seen.add(real)
            dirnames[:] = sorted(d for d in dirnames if d[0] != ".")
            rel = Path(dirpath).relative_to(base).as_posix()
            for name in dirnames:
                p = Path(dirpath) / name
                link = os.path.realpath(p) if p.is_symlink() else ""
                h.update(f"\0dir {rel}/{name} {link}".encode())
            for name in sorted(filenames):
                if name[0] == ".":
                    continue
                count += 1
                if count > MAX_FILES:
                    return None
                p = Path(dirpath) / name
                link = os.path.realpath(p) if p.is_symlink() else ""
                h.update(f"\0file {rel}/{name} {link} {file_digest(p)}".encode())
    return h.hexdigest()


def _entries(folder: Path, skip_bytes: tuple[str, ...] = ()) -> list[str] | None:
    """A folder's entries: name, kind, a symlink's target, a regular file's sha256."""
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return None
    out = []
    for name in names:
        p = folder / name
        if p.is_symlink():
            out.append(f"{name} -> {os.readlink(p)}")
        elif p.is_dir():
            out.append(f"{name}/")
        elif name in skip_bytes:
            continue  # written again below when it differs (or is missing)
        else:
            out.append(f"{name} {file_digest(p)}")
    return out


def outputs(output: Path, spec_ids: list[str]) -> Json:
    """The output root's entries and each spec folder's (not the reports: a no-op build
    writes them again). Call with the output locks held."""
    spec_dirs = {sid: _entries(output / sid, REPORTS) for sid in spec_ids}
    kinds = {sid: (output / sid).is_symlink() for sid in spec_ids}
    return {"root": _entries(output), "specs": spec_dirs, "links": kinds}


def published_intact(spec_dir: Path, manifest: Json, targets: list[str]) -> bool:
    """Each target's symlink names its recorded folder, which holds exactly the recorded
    files (the same test as `plan.is_fresh`, on the manifest's JSON)."""
    recs = manifest.get("targets", {})
    for t in targets:
        rec = recs.get(t)
        if not isinstance(rec, dict) or current_folder(spec_dir, t) != rec.get("folder"):
            return False
        if hash_tree(spec_dir / str(rec["folder"])) != rec.get("files"):
            return False
    return True


# -- the lock, and writing what a no-op build writes ------------------------------------------


@contextmanager
def _locked(spec_dirs: list[Path]) -> Iterator[bool]:
    """Hold every spec folder's build lock without waiting; False when one is busy,
    missing or not ours (the full build then waits, or says what is wrong)."""
    from filelock import FileLock, Timeout

    with ExitStack() as stack:
        for d in sorted(set(spec_dirs)):
            lock_file = d / LOCK_NAME
            if d.is_symlink() or not d.is_dir() or lock_file.is_symlink():
                yield False
                return
            lock = FileLock(str(lock_file))
            try:
                lock.acquire(timeout=0)
            except (Timeout, OSError):
                yield False
                return
            stack.callback(lock.release)
        yield True


def _write_if_changed(path: Path, data: bytes) -> bool:
    """Atomically replace `path` with `data` unless it holds them already; False on error."""
    try:
        if path.is_file() and not path.is_symlink() and path.read_bytes() == data:
            return True
        tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
        if tmp.is_symlink() or tmp.exists():
            tmp.unlink()
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
        with os.fdopen(os.open(tmp, flags, 0o644), "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError:
        return False
    return True


# -- the two sides: begin/record during a build, replay before one ----------------------------


def begin(req: Request, roots: list[Path], output: Path, cache: Path) -> Json | None:
    """The fingerprint of a build's inputs, taken before it reads them (so an edit made
    while it runs is seen by the next build); None when this build cannot get a stamp."""
    spec_tree = inputs([str(r) for r in roots], [str(output), str(cache)])
    if spec_tree is None:
        return None
    cfg = req.config_file
    return {
        "environment": environment(),
        "config": [cfg, file_digest(Path(cfg)) if cfg else None],
        "builtin_code": code(builtin_code_roots()),
        "input_roots": [str(r) for r in roots],
        "inputs": spec_tree,
    }


def record(
    req: Request,
    started: Json,
    plugin_roots: list[str],
    output: Path,
    published: dict[str, list[str]],
    result: Json,
    table: list[list[str]],
    reports: dict[str, dict[str, str]],
    external_paths: list[str] | None = None,
) -> None:
    """Write the stamp (call with the output locks held, after the manifests and reports
    were written). `published`: spec id -> its targets; `result`: the `--format json`
    document of a no-op build (without `seconds`); `table`: its summary rows; `reports`:
    spec id -> report file name -> the text a no-op build writes there."""
    stamp = {
        "format": FORMAT,
        "request": asdict(req),
        **started,
        "plugin_roots": plugin_roots,
        "plugin_code": code(plugin_roots),
        "external": external(external_paths or []),
        "output": str(output),
        "published": published,
        "outputs": outputs(output, sorted(published)),
        "result": result,
        "table": table,
        "reports": reports,
    }
    path = req.stamp_file()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError:
        return
    _write_if_changed(path, (json.dumps(stamp, sort_keys=True) + "\n").encode())


def forget(req: Request) -> None:
    """Remove the stamp of this request (a build that left something to do)."""
    with suppress(OSError):
        req.stamp_file().unlink(missing_ok=True)


@dataclass
class Replay:
    """A no-op build answered from its stamp."""

    result: Json
    """The `--format json` document (with this run's `seconds`)."""
    table: list[list[str]]
    """spec, target, status, time, gates per row."""


def replay(req: Request) -> Replay | None:
    """The stored answer when nothing changed since the stamp was written, else None."""
    started = time.perf_counter()
    try:
        stamp = json.loads(req.stamp_file().read_bytes())
    except (OSError, ValueError):
        return None
    if not isinstance(stamp, dict) or stamp.get("format") != FORMAT:
        return None
    cfg = req.config_file
    fresh = (
        stamp.get("request") == asdict(req)
        and stamp.get("environment") == environment()
        and stamp.get("config") == [cfg, file_digest(Path(cfg)) if cfg else None]
        and stamp.get("builtin_code") == code(builtin_code_roots())
        and stamp.get("plugin_code") == code(list(stamp.get("plugin_roots", [])))
        and isinstance(stamp.get("external"), dict)
        and stamp["external"] == external(list(stamp["external"]))
    )
    if not fresh:
        return None
    output = Path(stamp["output"])
    cache = req.stamp_file().parent.parent
    if stamp.get("inputs") != inputs(list(stamp["input_roots"]), [str(output), str(cache)]):
        return None
    published: dict[str, list[str]] = stamp["published"]
    with _locked([output / sid for sid in published]) as held:
        if not held or outputs(output, sorted(published)) != stamp["outputs"]:
            return None
        for sid, targets in published.items():
            try:
                manifest = json.loads((output / sid / MANIFEST).read_bytes())
            except (OSError, ValueError):
                return None
            if not published_intact(output / sid, manifest, targets):
                return None
        for sid, files in stamp["reports"].items():
            for name, text in files.items():
                if not _write_if_changed(output / sid / name, text.encode("utf-8")):
                    return None
    result = dict(stamp["result"], seconds=round(time.perf_counter() - started, 3))
    return Replay(result=result, table=stamp["table"])
