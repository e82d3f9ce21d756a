"""Parsing: Markdown spec files (and their examples) into the IR."""
