"""The built-in `ir-json` target: the spec's IR as JSON, gated by re-validating it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import ClassVar

from pydantic import ValidationError

from specloom.findings import Finding, Severity
from specloom.model import Spec
from specloom.target import GeneratedFile, Target, TargetConfig


class IrJsonConfig(TargetConfig):
    """`[tool.specloom.targets.ir-json]`."""

    indent: int = 2
    """Indentation of the JSON file (0 for a single line)."""


class IrJsonTarget(Target):
    """Writes `ir.json` (the Spec, sorted keys); its gate re-reads it into a Spec and compares."""

    name: ClassVar[str] = "ir-json"
    version: ClassVar[str] = "1"
    config_model: ClassVar[type[TargetConfig]] = IrJsonConfig
    description: ClassVar[str] = "the spec's intermediate representation as JSON"
    gate_ids: ClassVar[tuple[str, ...]] = ("IR001", "IR002", "IR003")

    FILE: ClassVar[str] = "ir.json"

    def external_inputs(self, spec: Spec) -> list[Path] | None:
        """The slice is the spec's own IR: nothing outside the spec tree."""
        return []

    def ir_slice(self, spec: Spec) -> object:
        """Only the spec itself: imported specs do not change its IR."""
        return spec.model_dump(mode="json", by_alias=True)

    def generate(self, spec: Spec) -> list[GeneratedFile]:
        """One file, `ir.json`, deterministic (sorted keys, trailing newline)."""
        assert isinstance(self.config, IrJsonConfig)
        data = spec.model_dump(mode="json", by_alias=True)
        text = json.dumps(
            data, indent=self.config.indent or None, sort_keys=True, ensure_ascii=False
        )
        return [GeneratedFile(self.FILE, (text + "\n").encode("utf-8"))]

    def verify(self, spec: Spec, root: Path) -> list[Finding]:
        """IR001 the file is missing or not JSON; IR002 it is not a valid Spec; IR003 it differs."""
        path = root / self.FILE
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return [_error("IR001", f"{self.FILE} is missing from the output")]
        except (ValueError, UnicodeDecodeError) as exc:
            return [_error("IR001", f"{self.FILE} is not valid JSON: {exc}")]
        try:
            back = Spec.model_validate(raw)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            return [
                _error(
                    "IR002", f"{self.FILE} does not validate as a Spec at {where}: {first['msg']}"
                )
            ]
        if back != spec:
            return [
                _error(
                    "IR003",
                    f"{self.FILE} re-validates but differs from the spec's IR; "
                    "regenerate it (specloom build --force --target ir-json)",
                )
            ]
        return []


def _error(rule: str, message: str) -> Finding:
    return Finding(rule=rule, severity=Severity.ERROR, message=message, file=IrJsonTarget.FILE)
