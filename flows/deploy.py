"""Scheduled builds: a Prefect deployment of the build flow with a cron schedule."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from uuid import UUID

from prefect.schedules import Cron
from prefect.types.entrypoint import EntrypointType

from specloom.errors import BuildError
from specloom.pipeline.build import BuildRequest

from .build import build_flow, request_parameters

DEFAULT_NAME = "nightly"


def require_api() -> str:
    """The configured Prefect API URL; a schedule on a temporary server would vanish with it."""
    from prefect.settings import get_current_settings

    url = get_current_settings().api.url
    if not url:
        raise BuildError(
            "scheduling needs a Prefect server, and PREFECT_API_URL is not set",
            hint="start one (`prefect server start`) and export "
            "PREFECT_API_URL=http://127.0.0.1:4200/api, or set it in your Prefect profile",
        )
    return str(url)


def make_deployment(req: BuildRequest, name: str, cron: str, timezone: str, workdir: Path) -> Any:
    """The RunnerDeployment (entry point by module path, so it runs from any folder)."""
    try:
        schedule = Cron(cron, timezone=timezone)
    except ValueError as exc:
        raise BuildError(
            f"invalid schedule: {exc}",
            hint='use five cron fields and an IANA time zone, e.g. "0 3 * * *" UTC',
        ) from None
    return build_flow.to_deployment(
        name=name,
        schedules=[schedule],
        parameters=request_parameters(req, workdir),
        description="specloom: rebuild (and re-verify) the specs on a schedule",
        tags=["specloom"],
        entrypoint_type=EntrypointType.MODULE_PATH,
    )


def register(req: BuildRequest, name: str, cron: str, timezone: str, workdir: Path) -> UUID:
    """Create or update the deployment on the configured Prefect API and return its id.

    Nothing runs it until a process serves it (`specloom schedule` without
    `--register-only`) or a worker of a work pool picks it up (see prefect.yaml).
    """
    require_api()
    deployment_id: UUID = make_deployment(req, name, cron, timezone, workdir).apply()
    return deployment_id


def serve(req: BuildRequest, name: str, cron: str, timezone: str, workdir: Path) -> None:
    """Register the deployment and serve it: blocks, running each scheduled build here."""
    from prefect import serve as prefect_serve

    require_api()
    prefect_serve(make_deployment(req, name, cron, timezone, workdir))
