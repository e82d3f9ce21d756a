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
        _err(str(exc))
        sys.exit(getattr(exc, "exit_code", 2))
    except OSError as exc:  # one that no command turned into a SpecloomError: still no traceback
        _err(str(os_error(exc)))
        sys.exit(2)


def _err(text: str) -> None:
    """Print to stderr through rich (imported only when there is something to say)."""
    from rich.console import Console

    Console(stderr=True, highlight=False, soft_wrap=True).print(text, markup=False)


def os_error(exc: OSError) -> SpecloomError:
    """A file-system error as a user-facing error naming the path and a fix."""
    path = exc.filename if exc.filename is not None else None
    where = f" {path}" if path else ""
    return SpecloomError(
        f"cannot access{where}: {exc.strerror or type(exc).__name__}",
        file=str(path) if path else None,
        hint="check that the path exists, that you may read and write it, and that the disk"
        " has space; then run the command again",
    )


if __name__ == "__main__":
    main()
