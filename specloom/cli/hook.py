"""`specloom hook install`: a git hook that runs `specloom build --changed`."""

from __future__ import annotations

from pathlib import Path

import typer


def register(app: typer.Typer) -> None:
    """Add the `hook` command group to the app."""
    hook_app = typer.Typer(help="Git hooks that build changed specs.", no_args_is_help=True)

    @hook_app.command("install")
    def install(
        pre_push: bool = typer.Option(
            False, "--pre-push", help="Install a pre-push hook instead of pre-commit."
        ),
        post_commit: bool = typer.Option(
            False,
            "--post-commit",
            help="Install a post-commit hook publishing each commit (build --committed).",
        ),
        since: str = typer.Option(
            None,
            "--since",
            help="Git ref to compare with (default HEAD for pre-commit, @{upstream} for pre-push).",
        ),
        target: list[str] = typer.Option(
            None, "--target", "-t", help="Targets the hook builds (repeatable; default all)."
        ),
        force: bool = typer.Option(False, "--force", help="Replace a hook specloom did not write."),
        repo: Path = typer.Option(Path("."), "--repo", help="The git repository."),
    ) -> None:
        """Write .git/hooks/pre-commit (or pre-push)."""
        from specloom.pipeline.hook import install_hook

        args = [a for t in (target or []) for a in ("--target", t)]
        if pre_push and post_commit:
            raise typer.BadParameter("use one of --pre-push and --post-commit")
        kind = "pre-push" if pre_push else "post-commit" if post_commit else "pre-commit"
        path = install_hook(repo, kind, since, args, force)
        typer.echo(f"installed {path}")

    app.add_typer(hook_app, name="hook")
