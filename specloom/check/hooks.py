"""Targets' lint hooks: entry points of the group `specloom.lint`, one per target name.

A hook is `check(spec, ctx) -> findings`, in a small module of the target's package that
imports no heavy dependency (lint must stay fast). The hooks of the targets the workspace
builds apply: `[tool.specloom.lint] targets`, else the targets a build without `--target`
runs (every registered target, or `SPECLOOM_TARGETS`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from importlib.metadata import entry_points

from specloom.check.context import LintContext
from specloom.errors import ConfigError
from specloom.findings import Finding
from specloom.model import Spec

GROUP = "specloom.lint"
Hook = Callable[[Spec, LintContext], Iterable[Finding]]


def building_targets(
    configured: list[str] | None, installed: Iterable[str] | None = None
) -> list[str]:
    """The targets whose lint rules apply (see the module docstring); `installed`: the
    registered target names when the caller has them (one scan of the installed packages'
    entry points instead of two)."""
    if configured is not None:
        from specloom.pipeline.registry import available_targets  # entry points + in-process

        known = set(available_targets())
        unknown = sorted(set(configured) - known)
        if unknown:  # a typo must not silently turn a target's rules off
            raise ConfigError(
                f"[tool.specloom.lint] targets: unknown target(s) {', '.join(unknown)}",
                hint="use the names of installed targets: " + ", ".join(sorted(known)),
            )
        return configured
    env = os.environ.get("SPECLOOM_TARGETS", "").strip()
    if env:
        return [n.strip() for n in env.split(",") if n.strip()]
    if installed is None:
        installed = [ep.name for ep in entry_points(group="specloom.targets")]
    return sorted(set(installed))


def target_hooks(targets: list[str] | None) -> list[tuple[str, Hook]]:
    """(target name, hook) for each target that has one, in name order."""
    eps = entry_points()  # (every group at once: each call scans every installed package)
    installed = [ep.name for ep in eps.select(group="specloom.targets")]
    wanted = set(building_targets(targets, installed))
    out: list[tuple[str, Hook]] = []
    for ep in sorted(eps.select(group=GROUP), key=lambda e: e.name):
        if ep.name not in wanted:
            continue
        try:
            hook = ep.load()
        except Exception as exc:  # a plugin's broken hook is its fault, named clearly
            raise ConfigError(
                f"the lint hook of target {ep.name!r} ({ep.value}) failed to load: "
                f"{type(exc).__name__}: {exc}",
                hint="fix or reinstall the package that provides it, or leave the target out"
                " of [tool.specloom.lint] targets",
            ) from None
        out.append((ep.name, hook))
    return out
