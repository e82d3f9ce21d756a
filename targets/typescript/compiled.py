"""Passing tsc runs reused by their bytes: a program that compiled once is not compiled again.

A run of `tsc -p <config>` over a generated package is a function of the bytes it reads: the
package's files (sources, check files, every tsconfig, package.json), the packages it
imports (their files, from which their `dist/` declarations are emitted), `@types/node`
when the program names it, and the compiler (its version, executable and bundled
`lib.*.d.ts`). The key is the sha256 of all of these; a run that passed (exit 0, no
diagnostic) is kept under `<cache>/typescript/tsc/<key>/` with the files it emitted, and a
later run with the same key restores those files instead of compiling. Any byte changed
anywhere is another key, so a changed program always compiles; a failed run is never kept,
so a failure is always recomputed. Within a build the key's lock makes the second of two
jobs needing the same program (the typescript target and the tutorial, or two specs
importing `common`) wait for the first and reuse its result.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from filelock import FileLock, Timeout

from specloom.findings import Finding

from .tsc import folder_identity, tsc_findings, tsc_identity, tsc_process

FORMAT = "1"
"""Bumped when what a key covers or what an entry holds changes."""
KEEP = 256
"""Entries kept; the least recently used beyond this are removed when one is added."""
SKIPPED = ("dist", "node_modules")
"""Top-level folders of a package that are outputs or links, never inputs of the key."""


def package_digest(pkg: Path) -> str:
    """sha256 over every input file of a package folder, by relative path and bytes."""
    h = hashlib.sha256()
    for p in sorted(pkg.rglob("*")):
        rel = p.relative_to(pkg)
        if rel.parts[0] in SKIPPED or not p.is_file():
            continue
        h.update(rel.as_posix().encode() + b"\0")
        h.update(hashlib.sha256(p.read_bytes()).digest())
    return h.hexdigest()


def _tree(folder: Path) -> dict[str, bytes]:
    if not folder.is_dir():
        return {}
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@dataclass
class Programs:
    """The tsc runs of one gate, kept and reused by key under `root`."""

    tsc: Path
    root: Path
    types: Path | None = None
    """The `@types` folder the programs may read (`types: ["node"]`)."""
    keys: dict[str, str] = field(default_factory=dict)
    """Package folder -> its key (its digest and its imports' keys)."""
    reuse: bool = True
    """False (`--force`): every run compiles; what passes is still kept (refreshed)."""
    compiled: int = 0
    reused: int = 0

    def package_key(self, pkg: Path, imports: Iterable[Path]) -> str:
        """The key of a package: its files' digest and its imports' keys (computed first)."""
        parts = [package_digest(pkg), *(self.keys[str(i)] for i in imports)]
        key = hashlib.sha256(json.dumps(parts).encode()).hexdigest()
        self.keys[str(pkg)] = key
        return key

    def program_key(self, pkg: Path, config: str) -> str:
        """The key of `tsc -p <pkg>/<config>`: the compiler, `@types`, the config's name and
        the package's key."""
        types = folder_identity(self.types) if self.types is not None else None
        parts = [FORMAT, tsc_identity(self.tsc), types, config, self.keys[str(pkg)]]
        return hashlib.sha256(json.dumps(parts).encode()).hexdigest()

    def run(
        self, pkg: Path, config: str, rule: str, shown_root: Path, work: Path | None = None
    ) -> list[Finding]:
        """`tsc -p <pkg>/<config>`'s findings, or nothing when the same bytes passed before
        (the files that run emitted are put back into `pkg`)."""
        key = self.program_key(pkg, config)
        entry = self.root / key[:2] / key
        entry.parent.mkdir(parents=True, exist_ok=True)
        with FileLock(str(entry) + ".lock"):
            if self.reuse and (entry / "ok").is_file():
                os.utime(entry / "ok")  # the most recently used: the last to be pruned
                for rel, data in _tree(entry / "emitted").items():
                    dest = pkg / rel
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    dest.write_bytes(data)
                self.reused += 1
                return []
            before = _tree(pkg / "dist")
            self.compiled += 1
            proc = tsc_process(self.tsc, pkg / config)
            found = tsc_findings(proc, (pkg / config).absolute(), rule, shown_root, work)
            if not found:
                after = _tree(pkg / "dist")
                emitted = {f"dist/{k}": v for k, v in after.items() if before.get(k) != v}
                try:
                    _store(entry, emitted)
                except OSError:  # a full or read-only cache only costs the reuse
                    shutil.rmtree(entry, ignore_errors=True)
                _prune(self.root)
            return found


def _store(entry: Path, emitted: dict[str, bytes]) -> None:
    """Write the entry beside its place, then move it in (a reader sees all or nothing)."""
    tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=entry.parent))
    for rel, data in emitted.items():
        dest = tmp / "emitted" / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(data)
    (tmp / "ok").write_text("passed\n", encoding="utf-8")
    shutil.rmtree(entry, ignore_errors=True)
    os.replace(tmp, entry)


def _prune(root: Path) -> None:
    """Remove the least recently used entries beyond `KEEP` (their `ok` files' mtimes)."""
    dated = []
    for ok in root.glob("*/*/ok"):
        try:
            dated.append((ok.stat().st_mtime_ns, ok))
        except OSError:  # removed meanwhile by another build's prune
            continue
    if len(dated) <= KEEP:
        return
    for _, ok in sorted(dated, reverse=True)[KEEP:]:
        try:  # an entry in use (its lock held) is left for a later prune
            with FileLock(str(ok.parent) + ".lock", timeout=0):
                shutil.rmtree(ok.parent, ignore_errors=True)
                Path(str(ok.parent) + ".lock").unlink(missing_ok=True)
        except Timeout:
            continue


def programs_for(tsc: Path, cache_dir: Path, reuse: bool, types: Path | None) -> Programs:
    """The programs of a gate in a build, kept under `<cache>/typescript/tsc`; with `reuse`
    off (`--force`) every program compiles and what passes replaces what was kept."""
    return Programs(tsc, cache_dir / "typescript" / "tsc", types, reuse=reuse)


BUILD_INFO = ".tsbuildinfo"
"""tsc's incremental state, in a `noEmit` program's folder (`tsBuildInfoFile`)."""


@contextmanager
def kept_build_info(project: Path, home: Path, reuse: bool) -> Iterator[None]:
    """Keep a `noEmit` program's incremental state (`<project>/.tsbuildinfo`) at `home`
    between runs in fresh folders laid out alike.

    tsc records each file it read by a hash of its text (paths relative to the state
    file) with the diagnostics of each; the next run reads every file again and checks
    again each file whose text, or the text of a file it depends on, changed, reusing the
    rest (`@types/node` is most of it). A state from another tsc version is ignored by
    tsc. Only for programs that emit nothing: an incremental run writes only the outputs
    it thinks are stale, which a fresh folder would lack. Under `--force` (`reuse` off)
    the state is not read (a cold check), and is kept afterwards."""
    home.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(home) + ".lock"):
        info = project / BUILD_INFO
        if reuse and home.is_file():
            shutil.copyfile(home, info)
        yield
        if info.is_file():
            tmp = home.with_name(home.name + ".tmp")
            try:
                shutil.copyfile(info, tmp)
                os.replace(tmp, home)
            except OSError:  # a cache that cannot be written only costs the reuse
                tmp.unlink(missing_ok=True)
