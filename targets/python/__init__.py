"""The `python` target: a typed package per spec, gated by mypy --strict."""

from .target import PythonConfig, PythonTarget

__all__ = ["PythonConfig", "PythonTarget"]
