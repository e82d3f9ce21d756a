"""The target registry: entry points of the group `specloom.targets`, plus in-process additions."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from importlib.metadata import EntryPoint, entry_points

from specloom.errors import BuildError
from specloom.pipeline.paths import check_name
from specloom.target import Target

GROUP = "specloom.targets"
ENV_TARGETS = "SPECLOOM_TARGETS"

_extra: dict[str, type[Target]] = {}
"""Targets registered in process with `register_target` (tests, embedding applications)."""


def register_target(cls: type[Target]) -> None:
    """Add (or replace) a target class under `cls.name`, ahead of the entry points."""
    _check_class(cls, f"register_target({cls!r})")
    _extra[cls.name] = cls


def unregister_target(name: str) -> None:
    """Remove a target added with `register_target` (no-op when absent)."""
    _extra.pop(name, None)


_scanned: dict[tuple[str, ...], dict[str, EntryPoint]] = {}


def _entry_points() -> dict[str, EntryPoint]:
    # scanning every distribution's metadata costs tens of ms; rescan when sys.path changes
    key = tuple(sys.path)
    if key not in _scanned:
        _scanned.clear()
        _scanned[key] = {ep.name: ep for ep in entry_points(group=GROUP)}
    return _scanned[key]


def available_targets() -> list[str]:
    """Every registered target name, sorted."""
    return sorted(set(_entry_points()) | set(_extra))


def _check_class(obj: object, where: str) -> None:
    if not (isinstance(obj, type) and issubclass(obj, Target)):
        raise BuildError(
            f"{where} is not a specloom Target subclass",
            hint="point the entry point at a class deriving from specloom.target.Target",
        )
    if not getattr(obj, "name", None):
        raise BuildError(f"{where} has no `name`", hint="set the class attribute `name`")
    check_name(obj.name, f"{where}: target name")


def load_target(name: str) -> type[Target]:
    """The target class registered as `name`; a clear error for unknown or broken ones."""
    if name in _extra:
        return _extra[name]
    eps = _entry_points()
    ep = eps.get(name)
    if ep is None:
        known = ", ".join(available_targets()) or "(none)"
        raise BuildError(
            f"unknown target {name!r}; available targets: {known}",
            hint="pass one of the available names to --target, or install the plugin",
        )
    where = f"entry point {ep.name} = {ep.value} (group {GROUP})"
    try:
        obj = ep.load()
    except Exception as exc:  # any import-time failure of a plugin is the plugin's fault
        raise BuildError(
            f"target {name!r} failed to load from {where}: {type(exc).__name__}: {exc}",
            hint="fix or reinstall the package that provides it, or build other targets"
            " with --target",
        ) from None
    _check_class(obj, where)
    if obj.name != name:
        raise BuildError(
            f"{where} loads a target named {obj.name!r}, not {name!r}",
            hint="make the entry point name equal the class's `name`",
        )
    return obj  # type: ignore[no-any-return]


def default_targets() -> list[str]:
    """The targets a build without `--target` runs: every registered one, or the names in
    `SPECLOOM_TARGETS` (comma-separated) when set, e.g. to keep a CI job offline-cheap."""
    env = os.environ.get(ENV_TARGETS, "").strip()
    if not env:
        return available_targets()
    names = [n.strip() for n in env.split(",") if n.strip()]
    for n in names:
        if n not in available_targets():
            raise BuildError(
                f"{ENV_TARGETS} names an unknown target {n!r}; available targets: "
                + ", ".join(available_targets()),
                hint=f"fix or unset the {ENV_TARGETS} environment variable",
            )
    return names


@dataclass(frozen=True)
class TargetInfo:
    """What `specloom targets` shows: a target, the extra it needs, and whether it can run."""

    name: str
    description: str
    extra: str | None
    missing: tuple[str, ...]
    """Modules of the target's `requires` that are not installed."""
    distribution: str
    """The distribution that provides the target (`specloom` for the built-ins)."""
    error: str | None = None
    """Why the target failed to load, when it did."""

    @property
    def available(self) -> bool:
        return not self.missing and self.error is None

    @property
    def install(self) -> str:
        """The exact line that makes the target available (empty when it is)."""
        if self.available:
            return ""
        if self.extra:
            return f"pip install '{self.distribution}[{self.extra}]'"
        return f"pip install --force-reinstall '{self.distribution}'"

    def reason(self) -> str:
        """One line: why the target is unavailable and how to fix it."""
        if self.error is not None:
            return self.error
        return (
            f"target {self.name!r} needs {', '.join(self.missing)} (not installed): {self.install}"
        )


def _distribution(name: str) -> str:
    ep = _entry_points().get(name)
    dist = getattr(ep, "dist", None) if ep is not None else None
    return str(getattr(dist, "name", None) or "specloom")


def target_info(name: str) -> TargetInfo:
    """Availability of one registered target (loads its class, never its heavy modules)."""
    dist = _distribution(name) if name not in _extra else "specloom"
    try:
        cls = load_target(name)
    except BuildError as exc:
        missing = _missing_module(exc)
        return TargetInfo(
            name=name,
            description="",
            extra=None,
            missing=(missing,) if missing else (),
            distribution=dist,
            error=None if missing else exc.message,
        )
    return TargetInfo(
        name=name,
        description=cls.description,
        extra=cls.extra,
        missing=tuple(cls.missing_modules()),
        distribution=dist,
    )


def _missing_module(exc: BuildError) -> str | None:
    """The third-party module whose absence stopped a target from loading, if that was it.

    A missing module of the plugin itself (a broken entry point) is not "unavailable": the
    plugin is broken and the build reports it as failed.
    """
    cause = exc.__context__
    if not (isinstance(cause, ModuleNotFoundError) and cause.name):
        return None
    own = {ep.module.split(".")[0] for ep in _entry_points().values()} | {"specloom"}
    top = cause.name.split(".")[0]
    return None if top in own else top


def target_infos() -> list[TargetInfo]:
    """Every registered target, sorted by name."""
    return [target_info(n) for n in available_targets()]


def unavailable_error(info: TargetInfo) -> BuildError:
    """The exit-2 error for naming a target that cannot run here."""
    return BuildError(
        f"target {info.name!r} is not available: "
        + (info.error or f"{', '.join(info.missing)} not installed"),
        hint=info.install or "run `specloom targets` to see what is available",
    )


def resolve_targets(
    names: list[str] | None,
    left_out: list[TargetInfo] | None = None,
) -> tuple[list[type[Target]], dict[str, BuildError]]:
    """Classes for `names` (deduplicated, in order), or for every registered target when None.

    Named targets must load and be available (an unknown, broken or unavailable one
    raises). For the default set, a target whose extra is not installed is left out and
    appended to `left_out` (the build says so), and a target that fails to load is
    returned in the second value, so the build reports it as failed and builds the others.
    """
    if names:
        ordered = list(dict.fromkeys(names))
        classes = [load_target(n) for n in ordered]
        for cls in classes:
            if cls.missing_modules():
                raise unavailable_error(target_info(cls.name))
        return classes, {}
    found: list[type[Target]] = []
    broken: dict[str, BuildError] = {}
    for n in default_targets():
        try:
            cls = load_target(n)
        except BuildError as exc:
            if _missing_module(exc) is not None and left_out is not None:
                left_out.append(target_info(n))
            else:
                broken[n] = exc
            continue
        if cls.missing_modules() and left_out is not None:
            left_out.append(target_info(n))
            continue
        found.append(cls)
    return found, broken
