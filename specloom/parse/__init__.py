"""Parsing: Markdown spec files (and their examples) into the IR."""

from specloom.parse.spec import load_spec, load_spec_text
from specloom.parse.workspace import load_workspace

__all__ = ["load_spec", "load_spec_text", "load_workspace"]
