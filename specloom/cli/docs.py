"""`specloom docs serve`: a spec's site on localhost, rebuilt on save and reloaded."""

from __future__ import annotations

from pathlib import Path

import typer


def register(app: typer.Typer) -> None:
    """Add the `docs` command group to the app."""
    docs_app = typer.Typer(help="The docs site of a spec.", no_args_is_help=True)

    @docs_app.command("serve")
    def serve(
        spec: Path = typer.Argument(..., help="The spec folder (e.g. specs/billing)."),
        port: int = typer.Option(8000, "--port", help="Port on 127.0.0.1 (0: any free port)."),
        host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
        output: Path = typer.Option(None, "--output", "-o", help="Output root (default output/)."),
    ) -> None:
        """Build the spec's docs, serve the site, rebuild on save and reload the browser."""
        from specloom.cli.build import Runner, TaskRunnerName, run
        from specloom.config import find_config_file, load_config
        from specloom.errors import SpecloomError
        from specloom.parse import load_spec
        from specloom.pipeline.build import BuildRequest, BuildResult, resolve_request
        from specloom.pipeline.serve import start_server
        from specloom.pipeline.watch import watch_and_rebuild

        spec_id = load_spec(spec).id
        req = BuildRequest(paths=[spec], output=output, targets=["docs"], only_specs={spec_id})
        config = load_config(spec)
        _, out_root, _ = resolve_request(req, config)

        def rebuild() -> BuildResult:
            return run(req, Runner.local, TaskRunnerName.thread, None, None, quiet=True)

        first = rebuild()
        link = out_root / spec_id / "docs"
        if not (link / "site" / "index.html").is_file():
            raise SpecloomError(
                f"the docs of {spec_id} were not published: "
                + "; ".join(r.reason for r in first.rows if r.reason)
                or "the build failed",
                hint=f"run `specloom build {spec} -t docs` to see why",
            )
        server = start_server(link, host, port)
        print(f"serving http://{host}:{server.server_address[1]}/ (Ctrl-C to stop)", flush=True)
        watched = [Path(config.root) / config.specs]
        cfg_file = find_config_file(spec)
        if cfg_file is not None:
            watched.append(cfg_file)
        try:
            watch_and_rebuild(watched, rebuild, lambda line: print(line, flush=True))
        finally:
            server.shutdown()

    app.add_typer(docs_app, name="docs")
