"""Entry point: builds the typer app from the command modules and maps errors to exit codes.

Exit codes (documented in the README):
  0  success
  1  findings of severity error, a failed gate, drift, or an insufficient version bump
  2  bad input or usage: the message names the file, the line and the fix
  3  the output is locked by another build (with --no-wait)
"""

from __future__ import annotations

import importlib
import sys

import typer

from specloom.cli.failure import report
from specloom.errors import SpecloomError

COMMAND_MODULES = [
    "ir",
    "lint",
    "diff",
    "build",
    "verify",
    "hook",
    "schedule",
    "clarify",
    "eval",
    "targets",
    "doctor",
    "init",
    "docs",
    "importer",
]
"""Modules under specloom.cli that each expose `register(app)`. Keep their imports light:
`specloom lint` must not import Prefect or openai."""

app = typer.Typer(
    name="specloom",
    help="Compile one specification into verified artifacts.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
)


@app.callback(invoke_without_command=True)
def _root(
    ctx: typer.Context,
    version: bool = typer.Option(False, "--version", help="Print the version and exit."),
) -> None:
    """specloom: lint specs, build targets, verify what is published."""
    if version:
        from specloom import __version__

        typer.echo(__version__)
        raise typer.Exit(0)
    if ctx.invoked_subcommand is None:
        typer.echo(ctx.get_help())
        raise typer.Exit(0)


def _register_all() -> None:
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(f"specloom.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"specloom.cli.{name}":
                continue  # command not built yet
            raise
        module.register(app)


_register_all()


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; a SpecloomError becomes a clean message and exit code 2, never a traceback.

    Standalone mode lets click handle usage errors (message + exit 2) and `typer.Exit` itself;
    typer vendors its own click, so catching click's exception classes here would miss them.
    """
    try:
        app(args=argv, prog_name="specloom")
    except SpecloomError as exc:
        sys.exit(report(exc))
    except OSError as exc:  # one that no command turned into a SpecloomError: still no traceback
        sys.exit(report(exc))


if __name__ == "__main__":
    main()
