"""`specloom init`: a small working workspace (spec, examples, config, .gitignore)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

from specloom.errors import SpecloomError

SCAFFOLD = "scaffold"
"""Package folder (specloom/scaffold) holding the files `init` writes."""
IGNORED = ("output/", ".specloom-cache/", "evals-runs/", "node_modules/")


@dataclass
class InitResult:
    """What `init` wrote or extended, relative to the folder."""

    written: list[str] = field(default_factory=list)
    extended: list[str] = field(default_factory=list)


def _scaffold_files() -> dict[str, bytes]:
    """Relative path -> bytes of every file of the scaffold (`.in` suffix dropped)."""
    out: dict[str, bytes] = {}

    def walk(node: Traversable, prefix: str) -> None:
        for child in sorted(node.iterdir(), key=lambda c: c.name):
            rel = f"{prefix}{child.name}"
            if child.is_dir():
                walk(child, rel + "/")
            elif child.name != "__init__.py":
                out[rel.removesuffix(".in")] = child.read_bytes()

    walk(files("specloom").joinpath(SCAFFOLD), "")
    return out


def init_workspace(folder: Path) -> InitResult:
    """Write the scaffold into `folder`; refuse (exit 2) before writing anything when a file
    it would write exists. An existing pyproject.toml without `[tool.specloom]` and an
    existing .gitignore are extended, never rewritten."""
    scaffold = _scaffold_files()
    pyproject = scaffold.pop("pyproject.toml")
    gitignore = scaffold.pop("gitignore").decode()
    clashes = sorted(rel for rel in scaffold if (folder / rel).exists())
    pp = folder / "pyproject.toml"
    if pp.is_file() and _has_specloom_table(pp):
        clashes.append("pyproject.toml ([tool.specloom])")
    if (folder / "specloom.toml").exists():
        clashes.append("specloom.toml")
    if clashes:
        raise SpecloomError(
            f"{folder} already holds a specloom workspace: " + ", ".join(clashes),
            file=str(folder / clashes[0].split(" ")[0]),
            hint="run `specloom init` in an empty folder (or a new sub-folder: "
            "`specloom init my-specs`); init never overwrites a file",
        )
    result = InitResult()
    folder.mkdir(parents=True, exist_ok=True)
    for rel, data in scaffold.items():
        dest = folder / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        with dest.open("xb") as fh:  # exclusive: never replaces a file created meanwhile
            fh.write(data)
        result.written.append(rel)
    if pp.is_file():
        text = pp.read_text(encoding="utf-8")
        pp.write_text(text.rstrip("\n") + "\n\n" + pyproject.decode(), encoding="utf-8")
        result.extended.append("pyproject.toml")
    else:
        with pp.open("xb") as fh:
            fh.write(pyproject)
        result.written.append("pyproject.toml")
    gi = folder / ".gitignore"
    if gi.is_file():
        have = set(gi.read_text(encoding="utf-8").splitlines())
        add = [line for line in IGNORED if line not in have]
        if add:
            old = gi.read_text(encoding="utf-8")
            sep = "" if not old or old.endswith("\n") else "\n"
            gi.write_text(old + sep + "\n".join(add) + "\n", encoding="utf-8")
            result.extended.append(".gitignore")
    else:
        gi.write_text(gitignore, encoding="utf-8")
        result.written.append(".gitignore")
    return result


def _has_specloom_table(pp: Path) -> bool:
    try:
        data = tomllib.loads(pp.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SpecloomError(
            f"pyproject.toml is not valid TOML: {exc}",
            file=str(pp),
            hint="fix the TOML syntax, then run `specloom init` again",
        ) from None
    return "specloom" in data.get("tool", {})
