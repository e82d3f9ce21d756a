"""`specloom lint [PATH...] [--format text|json|sarif]`: lint, type check and conflict check."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the models and typer load only when a command runs (start-up time)
    import typer

    from specloom.findings import Finding


class LintFormat(StrEnum):
    """Output format of `specloom lint`."""

    text = "text"
    json = "json"
    sarif = "sarif"


def run_lint(paths: list[Path], fmt: LintFormat) -> tuple[str, bool]:
    """Lint the workspaces at `paths` (default: the configured specs folder); returns the
    rendered report and whether any finding is an error."""
    from specloom import __version__
    from specloom.check.lint import lint_workspace
    from specloom.check.render import render_json, render_sarif, render_text
    from specloom.check.text import Sources
    from specloom.config import load_config
    from specloom.findings import has_errors
    from specloom.parse import load_workspace
    from specloom.parse.cache import parse_cache
    from specloom.parse.source import remembering_reads

    cfg = load_config(paths[0] if paths else None)
    if not paths:
        paths = [_relative(cfg.root / cfg.specs)]
    ts_int64 = str(cfg.targets.get("typescript", {}).get("int64", "number"))
    seen: dict[tuple[object, ...], Finding] = {}
    for path in paths:
        with parse_cache(cfg.root / ".specloom-cache"), remembering_reads() as reads:
            ws = load_workspace(path)
        sources = Sources.known(reads)  # (the rules read these files: no second read)
        for f in lint_workspace(ws, cfg.lint, ts_int64=ts_int64, sources=sources):
            # a spec imported by two PATHs is linted twice: report each finding once
            seen.setdefault((f.file, f.line, f.rule, f.message), f)
    findings = sorted(seen.values(), key=lambda f: (f.file or "", f.line or 0, f.rule, f.message))
    if fmt is LintFormat.json:
        out = render_json(findings)
    elif fmt is LintFormat.sarif:
        out = render_sarif(findings, version=__version__)
    else:
        out = render_text(findings)
    return out, has_errors(findings)


def _relative(path: Path) -> Path:
    """`path` relative to the current folder when it is below it (findings show short paths)."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        return path


def register(app: typer.Typer) -> None:
    """Add the `lint` command."""
    import typer

    @app.command("lint")
    def lint(
        paths: list[Path] = typer.Argument(
            None, help="Spec folders, spec files or workspace folders (default: the specs folder)."
        ),
        fmt: LintFormat = typer.Option(
            LintFormat.text, "--format", "-f", help="text, json or sarif (SARIF 2.1.0)."
        ),
    ) -> None:
        """Lint specs: text rules, type check and cross-spec conflicts. Exit 1 on errors."""
        out, failed = run_lint(list(paths or []), fmt)
        typer.echo(out, nl=False)
        if failed:
            raise typer.Exit(1)
