"""`specloom doctor`: which external tools and extras are there, and how to get the others."""

from __future__ import annotations

import json
from enum import StrEnum

import typer


class DoctorFormat(StrEnum):
    text = "text"
    json = "json"


def register(app: typer.Typer) -> None:
    """Add the `doctor` command to the app."""

    @app.command("doctor")
    def doctor(
        fmt: DoctorFormat = typer.Option(DoctorFormat.text, "--format", help="text or json."),
    ) -> None:
        """Check tsc, node, cargo, ffmpeg, espeak-ng, MkDocs, Prefect...; exit 1 when a
        default target would be left out or would not run a gate."""
        from specloom.config import load_config
        from specloom.doctor import run_doctor
        from specloom.pipeline.registry import default_targets

        report = run_doctor(load_config().settings(), default_targets())
        if fmt is DoctorFormat.json:
            doc = {
                "ok": report.exit_code == 0,
                "checks": [s.as_dict() for s in report.statuses],
                "skipped_targets": report.skipped,
            }
            typer.echo(json.dumps(doc, indent=2, sort_keys=True))
            raise typer.Exit(report.exit_code)
        for s in report.statuses:
            c = s.check
            mark = "ok     " if s.found else "MISSING"
            line = f"{mark} {c.name:<13} {s.version or '-':<16} {s.where}"
            typer.echo(line.rstrip())
            typer.echo(f"        needed by: {', '.join(c.needed_by)}")
            if s.note:
                typer.echo(f"        note: {s.note}")
            if not s.found:
                if c.debian:
                    typer.echo(f"        Debian: {c.debian}")
                if c.other:
                    typer.echo(f"        or: {c.other}")
        if report.skipped:
            typer.echo("")
            typer.echo("default targets that would be left out or not fully checked:")
            for name, why in sorted(report.skipped.items()):
                typer.echo(f"  {name}: {'; '.join(why)}")
            typer.echo("(install what is missing, or narrow the default set: SPECLOOM_TARGETS)")
        else:
            typer.echo("\nevery default target can run all its gates")
        raise typer.Exit(report.exit_code)
