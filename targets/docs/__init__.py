"""The docs target: an MkDocs + Material site per spec, with gates over the built HTML."""

from .target import DocsConfig, DocsTarget

__all__ = ["DocsConfig", "DocsTarget"]
