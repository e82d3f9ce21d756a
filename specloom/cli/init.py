"""`specloom init [DIR]`: start a new workspace that lints and builds as it is."""

from __future__ import annotations

import shlex
from pathlib import Path

import typer


def register(app: typer.Typer) -> None:
    """Add the `init` command to the app."""

    @app.command("init")
    def init(
        folder: Path = typer.Argument(Path("."), help="Folder of the new workspace."),
    ) -> None:
        """Write a small working workspace: a spec, its examples, config and .gitignore."""
        from specloom.init import init_workspace

        result = init_workspace(folder)
        for rel in result.written:
            typer.echo(f"wrote    {folder / rel}")
        for rel in result.extended:
            typer.echo(f"extended {folder / rel}")
        typer.echo("\nnext:")
        if folder.resolve() != Path.cwd().resolve():
            typer.echo(f"  cd {shlex.quote(str(folder))}")
        typer.echo("  specloom lint      # check the spec")
        typer.echo("  specloom build     # generate and check every available target")
        typer.echo("  specloom doctor    # which tools the gates found, and how to get the others")
