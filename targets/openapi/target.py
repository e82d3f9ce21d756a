"""Target classes: `openapi` writes openapi.json, `jsonschema` writes schema.json."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, ClassVar

from specloom.findings import Finding
from specloom.model import Spec
from specloom.target import GeneratedFile, Target, TargetConfig

from . import gates
from .document import OPENAPI_FILE, SCHEMA_FILE, jsonschema_document, openapi_document


class OpenApiConfig(TargetConfig):
    """`[tool.specloom.targets.openapi]` and `[tool.specloom.targets.jsonschema]`."""

    indent: int = 2
    """Indentation of the JSON document (0 for a single line)."""


def _dump(data: Any, indent: int) -> bytes:
    text = json.dumps(data, indent=indent or None, ensure_ascii=False, default=str)
    return (text + "\n").encode("utf-8")


class OpenApiTarget(Target):
    """OpenAPI 3.1: every type and error in components/schemas, every operation at its HTTP
    binding, examples from the structured examples, clause ids as `x-specloom-clauses`."""

    name: ClassVar[str] = "openapi"
    version: ClassVar[str] = "1"
    config_model: ClassVar[type[TargetConfig]] = OpenApiConfig
    description: ClassVar[str] = "an OpenAPI 3.1 document (openapi.json)"
    gate_ids: ClassVar[tuple[str, ...]] = ("OA001", "OA002", "OA003", "OA004", "OA005")
    extra: ClassVar[str | None] = "openapi"
    requires: ClassVar[tuple[str, ...]] = ("openapi_spec_validator", "jsonschema", "referencing")

    def generate(self, spec: Spec) -> list[GeneratedFile]:
        """One file, deterministic (insertion order follows the spec)."""
        assert isinstance(self.config, OpenApiConfig)
        doc = openapi_document(spec, self.ctx.workspace)
        return [GeneratedFile(OPENAPI_FILE, _dump(doc, self.config.indent))]

    def verify(self, spec: Spec, root: Path) -> list[Finding]:
        """OA001-OA005 on the published document (docs/gates.md)."""
        return gates.openapi_gates(spec, root)

    def covered_clauses(self, spec: Spec, root: Path) -> set[str]:
        """The clause ids the document's items carry."""
        return gates.carried_clauses(root, OPENAPI_FILE)


class JsonSchemaTarget(Target):
    """JSON Schema 2020-12: one document with a `$defs` entry per type and error."""

    name: ClassVar[str] = "jsonschema"
    version: ClassVar[str] = "1"
    config_model: ClassVar[type[TargetConfig]] = OpenApiConfig
    description: ClassVar[str] = "a JSON Schema 2020-12 document (schema.json)"
    gate_ids: ClassVar[tuple[str, ...]] = ("JS001", "JS002", "JS003", "JS004", "JS005")
    extra: ClassVar[str | None] = "openapi"
    requires: ClassVar[tuple[str, ...]] = ("jsonschema", "referencing")

    def generate(self, spec: Spec) -> list[GeneratedFile]:
        """One file, `schema.json`."""
        assert isinstance(self.config, OpenApiConfig)
        doc = jsonschema_document(spec, self.ctx.workspace)
        return [GeneratedFile(SCHEMA_FILE, _dump(doc, self.config.indent))]

    def verify(self, spec: Spec, root: Path) -> list[Finding]:
        """JS001-JS005 on the published document (docs/gates.md)."""
        return gates.jsonschema_gates(spec, root)

    def covered_clauses(self, spec: Spec, root: Path) -> set[str]:
        """The clause ids the document's `$defs` carry."""
        return gates.carried_clauses(root, SCHEMA_FILE)
