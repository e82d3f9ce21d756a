"""`specloom targets`: every registered target, its extra and whether it can run here."""

from __future__ import annotations

import json
from enum import StrEnum

import typer


class TargetsFormat(StrEnum):
    text = "text"
    json = "json"


def register(app: typer.Typer) -> None:
    """Add the `targets` command to the app."""

    @app.command("targets")
    def targets(
        fmt: TargetsFormat = typer.Option(
            TargetsFormat.text, "--format", help="text (a table) or json."
        ),
    ) -> None:
        """List the targets: description, extra, available or the pip line that installs it."""
        from specloom.pipeline.registry import target_infos

        infos = target_infos()
        if fmt is TargetsFormat.json:
            doc = [
                {
                    "name": i.name,
                    "description": i.description,
                    "extra": i.extra,
                    "available": i.available,
                    "missing": list(i.missing),
                    "install": i.install,
                    "error": i.error,
                }
                for i in infos
            ]
            typer.echo(json.dumps(doc, indent=2, sort_keys=True))
            return
        from rich.console import Console
        from rich.table import Table

        table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
        for col in ("target", "extra", "status", "description"):
            table.add_column(col, overflow="fold")
        for i in infos:
            status = "available" if i.available else f"unavailable: {i.install}"
            if i.error:
                status = f"broken: {i.error}"
            table.add_row(i.name, i.extra or "(core)", status, i.description)
        Console(highlight=False, soft_wrap=True, width=160).print(table)
