"""`specloom ir PATH [--summary]`: print the IR of a spec or a workspace as JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:  # the models load only when a command runs (start-up time)
    from specloom.model import Spec, Workspace


def register(app: typer.Typer) -> None:
    """Add the `ir` command to the CLI."""
    app.command("ir")(ir)


def ir(
    path: Path = typer.Argument(
        Path("specs"), help="A spec folder, a spec .md file, or a folder of specs."
    ),
    summary: bool = typer.Option(
        False, "--summary", help="Print a table per spec instead of the JSON."
    ),
) -> None:
    """Print the parsed IR: a Spec for a spec path, a Workspace for a folder of specs."""
    from specloom.model import Spec
    from specloom.parse import load_spec, load_workspace
    from specloom.parse.source import file_errors
    from specloom.parse.workspace import is_spec_path

    with file_errors(path):
        is_spec = path.exists() and is_spec_path(path)
    model: Spec | Workspace = load_spec(path) if is_spec else load_workspace(path)
    if summary:
        specs = [model] if isinstance(model, Spec) else [model.specs[k] for k in model.order]
        print_summary(specs)
        return
    typer.echo(ir_json(model))


def ir_json(model: Spec | Workspace) -> str:
    """The JSON text `specloom ir` prints: by alias, sorted keys, indent 2."""
    data = model.model_dump(mode="json", by_alias=True)
    return json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False)


def print_summary(specs: list[Spec]) -> None:
    """One rich table per spec: sections, clauses by level, interface and examples."""
    from rich.console import Console
    from rich.table import Table

    from specloom.model import Level

    console = Console(highlight=False)
    for spec in specs:
        table = Table(title=f"{spec.id} — {spec.title}", show_header=True)
        table.add_column("what")
        table.add_column("count", justify="right")
        table.add_row("sections", str(len(spec.sections)))
        table.add_row(
            "  with an id (section clauses)", str(sum(s.explicit_id for s in spec.sections))
        )
        statements = [c for c in spec.clauses if c.kind == "statement"]
        table.add_row("statement clauses", str(len(statements)))
        for level in Level:
            n = sum(1 for c in spec.clauses if c.level is level)
            if n:
                table.add_row(f"  clauses {level.value}", str(n))
        table.add_row("types", str(len(spec.types)))
        table.add_row("operations", str(len(spec.operations)))
        table.add_row("errors", str(len(spec.errors)))
        table.add_row("constants", str(len(spec.constants)))
        table.add_row("examples", str(len(spec.examples)))
        table.add_row("example files", str(len(spec.example_files)))
        table.add_row("cross references", str(len(spec.refs)))
        console.print(table)
