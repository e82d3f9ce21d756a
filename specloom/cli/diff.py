"""`specloom diff OLD NEW`: what changed between two versions of a spec, and is the bump enough.

OLD and NEW are each a path (a spec folder or a spec file) or `REF:PATH`, a spec at a git
revision (`HEAD~1:specs/billing`), read with `git archive` into a temporary folder.
"""

from __future__ import annotations

import io
import os
import subprocess
import tarfile
import tempfile
from contextlib import ExitStack
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from specloom.errors import SpecloomError

if TYPE_CHECKING:  # the checker loads only when the command runs (start-up time)
    from specloom.check.diff import SpecDiff


class DiffFormat(StrEnum):
    """Output format of `specloom diff`."""

    text = "text"
    json = "json"


def _git(args: list[str], cwd: Path, what: str) -> bytes:
    try:
        proc = subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)
    except FileNotFoundError:
        raise SpecloomError("git is not installed", hint="install git or pass two paths") from None
    if proc.returncode != 0:
        msg = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise SpecloomError(
            f"{what}: {msg[-1] if msg else 'git failed'}",
            hint="check the revision and the path (`git log -- PATH`)",
        )
    return proc.stdout


def checkout_spec(ref: str, path: str, into: Path) -> Path:
    """Extract the spec at `path` (relative to the current folder) as of git revision
    `ref` into `into`; returns the extracted path. A spec file brings its examples folder."""
    cwd = Path.cwd()
    top = Path(_git(["rev-parse", "--show-toplevel"], cwd, "not a git repository").decode().strip())
    rel = Path(os.path.relpath(os.path.abspath(path), top)).as_posix()
    if rel.startswith(".."):
        raise SpecloomError(
            f"{path} is outside the git repository {top}",
            hint="run specloom diff inside the repository",
        )
    pathspecs = [rel]
    if rel.endswith(".md"):
        examples = f"{os.path.dirname(rel) or '.'}/examples".removeprefix("./")
        probe = subprocess.run(
            ["git", "cat-file", "-e", f"{ref}:{examples}"],
            cwd=top,
            capture_output=True,
            check=False,
        )
        if probe.returncode == 0:
            pathspecs.append(examples)
    data = _git(
        ["archive", "--format=tar", ref, "--", *pathspecs], top, f"cannot read {rel} at {ref}"
    )
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        if hasattr(tarfile, "data_filter"):
            tar.extractall(into, filter="data")
        else:  # Python 3.11.0-3.11.3 has no extraction filters: plain files and folders only
            members = [
                m
                for m in tar.getmembers()
                if (m.isfile() or m.isdir())
                and not os.path.isabs(m.name)
                and ".." not in Path(m.name).parts
            ]
            tar.extractall(into, members=members)
    return into / rel


def _resolve(arg: str, stack: ExitStack) -> tuple[Path, Path | None, str]:
    """(path to load, temporary root or None, label of the revision such as `HEAD~1:`)."""
    if Path(arg).exists() or ":" not in arg:
        return Path(arg), None, ""
    ref, _, path = arg.partition(":")
    if not ref or not path:
        raise SpecloomError(
            f"{arg!r} is neither a path nor REF:PATH", hint="write e.g. HEAD~1:specs/billing"
        )
    tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="specloom-diff-")))
    return checkout_spec(ref, path, tmp), tmp, f"{ref}:"


def run_diff(old: str, new: str, fmt: DiffFormat) -> tuple[str, bool]:
    """The rendered diff and whether the version bump covers the changes."""
    from specloom.check.diff import diff_specs
    from specloom.parse import load_spec

    with ExitStack() as stack:
        sides = {"old": _resolve(old, stack), "new": _resolve(new, stack)}
        d = diff_specs(load_spec(sides["old"][0]), load_spec(sides["new"][0]))
        for ch in d.changes:
            _path, tmp, label = sides[ch.side]
            if tmp is not None and ch.pos is not None:
                # positions inside the temporary checkout read as `REF:path/in/repo`
                ch.pos.file = label + Path(ch.pos.file).relative_to(tmp).as_posix()
    if fmt is DiffFormat.json:
        return d.model_dump_json(indent=2) + "\n", d.ok
    return render_diff_text(d), d.ok


def render_diff_text(d: SpecDiff) -> str:
    """A header, one line per change (impact, what, where), and the verdict."""
    n = d.counts()
    need = "no" if d.required.value == "none" else f"a {d.required.value}"
    head = (
        f"{d.spec} {d.old_version or '?'} -> {d.new_version or '?'}: {n['breaking']} "
        f"breaking, {n['minor']} minor, {n['patch']} patch; needs {need} bump"
    )
    lines = [head]
    for ch in d.changes:
        where = f"  ({ch.pos.file}:{ch.pos.line})" if ch.pos else ""
        lines.append(f"  {ch.impact:<9} {ch.kind} {ch.subject}: {ch.detail}{where}")
    lines.append(f"FAIL: {d.problem}" if d.problem else "OK: the version bump covers the changes")
    return "\n".join(lines) + "\n"


def register(app: typer.Typer) -> None:
    """Add the `diff` command."""

    @app.command("diff")
    def diff(
        old: str = typer.Argument(..., help="Old version: a spec path, or REF:PATH (git)."),
        new: str = typer.Argument(..., help="New version: a spec path, or REF:PATH (git)."),
        fmt: DiffFormat = typer.Option(DiffFormat.text, "--format", "-f", help="text or json."),
    ) -> None:
        """Compare two versions of a spec; exit 1 when the version bump is too small."""
        out, ok = run_diff(old, new, fmt)
        typer.echo(out, nl=False)
        if not ok:
            raise typer.Exit(1)
