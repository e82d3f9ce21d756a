"""`specloom verify`: re-run every gate on the published output and report drift."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path

import typer


class OutputFormat(StrEnum):
    """Human table or machine JSON."""

    text = "text"
    json = "json"


STYLE = {"ok": "green", "drift": "yellow", "failed": "red"}


def register(app: typer.Typer) -> None:
    """Add `specloom verify` to the app."""

    @app.command("verify")
    def verify(
        paths: list[Path] = typer.Argument(
            None, help="Spec folders, spec files or workspaces (default: the configured specs/)."
        ),
        output: Path = typer.Option(None, "--output", "-o", help="Output root (default output/)."),
        target: list[str] = typer.Option(
            None, "--target", "-t", help="Verify only this target (repeatable)."
        ),
        fmt: OutputFormat = typer.Option(OutputFormat.text, "--format", help="text or json."),
        strict: bool = typer.Option(
            False,
            "--strict",
            help="A gate that could not run (a tool missing) is an error, exit 1 "
            "(also \\[tool.specloom] strict_gates = true).",
        ),
        force: bool = typer.Option(
            False, "--force", help="Run every gate; reuse no stored gate result."
        ),
    ) -> None:
        """Check each version folder's digest (INT001), compare published files with the
        manifest (DRIFT00x) and re-run the gates; exit 1 on any error. A gate that could not
        run makes `ok` false (and is an error with --strict). Gate results are reused when
        everything they read is unchanged (--force: run them all)."""
        from rich.console import Console
        from rich.table import Table

        from specloom.pipeline.report import is_skip
        from specloom.pipeline.verify import run_verify

        rows = run_verify(
            list(paths or []),
            output,
            list(target) if target else None,
            strict_gates=strict,
            reuse=not force,
        )
        bad = any(r.status != "ok" for r in rows)
        if fmt is OutputFormat.json:
            typer.echo(
                json.dumps(
                    {"ok": all(r.ok for r in rows), "targets": [r.as_dict() for r in rows]},
                    indent=2,
                    sort_keys=True,
                )
            )
        else:
            out = Console(highlight=False, soft_wrap=True)
            table = Table(title="verify")
            for col in ("spec", "target", "status", "findings"):
                table.add_column(col)
            for r in rows:
                style = STYLE.get(r.status, "")
                skipped = sum(1 for f in r.findings if f.severity != "error" and is_skip(f))
                status = f"{r.status} ({skipped} skipped)" if skipped else r.status
                status += " (reused)" if r.reused else ""
                table.add_row(r.spec, r.target, f"[{style}]{status}[/]", str(len(r.findings)))
            out.print(table)
            for r in rows:
                for f in r.findings:
                    clause = f" clause {f.clause}" if f.clause else ""
                    out.print(
                        f"{f.location()}: {f.severity} {f.rule}{clause}: {f.message}", markup=False
                    )
        raise typer.Exit(1 if bad else 0)
