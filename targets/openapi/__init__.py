"""The openapi and jsonschema export targets: OpenAPI 3.1 and JSON Schema 2020-12 documents.

The target classes load on first use (PEP 562): the validators they gate with are the
optional `openapi` extra and are imported only inside the gates.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .target import JsonSchemaTarget, OpenApiConfig, OpenApiTarget

__all__ = ["JsonSchemaTarget", "OpenApiConfig", "OpenApiTarget"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        return getattr(importlib.import_module(f"{__name__}.target"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
