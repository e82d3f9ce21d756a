"""`specloom schedule`: a Prefect deployment that builds on a cron schedule."""

from __future__ import annotations

import importlib
from pathlib import Path

import typer


def register(app: typer.Typer) -> None:
    """Add `specloom schedule` to the app."""

    @app.command("schedule")
    def schedule(
        paths: list[Path] = typer.Argument(
            None, help="Spec folders, spec files or workspaces (default: the configured specs/)."
        ),
        cron: str = typer.Option(..., "--cron", help='Cron expression, e.g. "0 3 * * *".'),
        timezone: str = typer.Option("UTC", "--timezone", help="Time zone of the cron schedule."),
        name: str = typer.Option("nightly", "--name", help="Deployment name."),
        target: list[str] = typer.Option(
            None, "--target", "-t", help="Targets to build (repeatable; default all)."
        ),
        force: bool = typer.Option(
            False, "--force", help="Rebuild every run even when up to date (fresh LLM prose)."
        ),
        output: Path = typer.Option(None, "--output", "-o", help="Output root (default output/)."),
        register_only: bool = typer.Option(
            False,
            "--register-only",
            help="Create or update the deployment and exit (a worker or a later "
            "`specloom schedule` serves it); default: serve it here, blocking.",
        ),
    ) -> None:
        """Deploy the build flow with a cron schedule to the Prefect API (PREFECT_API_URL)."""
        from specloom.pipeline.build import BuildRequest
        from specloom.pipeline.runner_prefect import prefect_env

        prefect_env()
        deploy = importlib.import_module("specloom.flows.deploy")
        req = BuildRequest(
            paths=list(paths or []),
            output=output,
            targets=list(target) if target else None,
            force=force,
        )
        if register_only:
            dep_id = deploy.register(req, name, cron, timezone, Path.cwd())
            typer.echo(
                f"registered deployment specloom-build/{name} ({dep_id}) "
                f"with schedule {cron!r} {timezone}"
            )
            return
        deploy.require_api()  # both checks before saying "serving": an error comes alone
        deploy.make_deployment(req, name, cron, timezone, Path.cwd())
        typer.echo(f"serving specloom-build/{name} on {cron!r} {timezone}; Ctrl-C to stop")
        deploy.serve(req, name, cron, timezone, Path.cwd())
