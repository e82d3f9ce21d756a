"""`specloom import openapi FILE --out DIR`: a spec folder from an OpenAPI document."""

from __future__ import annotations

from pathlib import Path

import typer


def register(app: typer.Typer) -> None:
    """Add the `import` command group (one importer: `openapi`)."""
    group = typer.Typer(help="Write a spec folder from another format.", no_args_is_help=True)
    group.command("openapi")(openapi)
    app.add_typer(group, name="import")


def openapi(
    file: Path = typer.Argument(..., help="An OpenAPI 3.0 or 3.1 document, JSON or YAML."),
    out: Path = typer.Option(
        ..., "--out", help="The spec folder to write (its name is the spec id)."
    ),
    markers: bool = typer.Option(
        False,
        "--markers",
        help="Write [NEEDS CLARIFICATION: ...] markers into the spec for items without"
        " normative text (the spec then fails lint with SL005 until they are resolved).",
    ),
    force: bool = typer.Option(False, "--force", help="Replace an existing spec.md."),
) -> None:
    """Import an OpenAPI document: spec.md and import-report.md in --out."""
    from specloom.importer.convert import import_openapi
    from specloom.parse.source import file_errors

    with file_errors(file):
        result = import_openapi(file, out, markers=markers, force=force)
    typer.echo(
        f"wrote {result.spec_path} ({result.types} types, {result.operations} operations) and "
        f"{result.report_path}: {len(result.not_imported)} not imported, "
        f"{len(result.notes)} renamed or approximated"
    )
    if result.findings:
        typer.echo(f"{len(result.findings)} lint errors left: see {result.report_path}", err=True)
        raise typer.Exit(1)
