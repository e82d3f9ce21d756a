"""The typescript target: an npm package per spec, gated by strict tsc."""

from .target import TypeScriptConfig, TypeScriptTarget

__all__ = ["TypeScriptConfig", "TypeScriptTarget"]
