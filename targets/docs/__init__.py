"""The docs target: an MkDocs + Material site per spec, with gates over the built HTML."""

from .target import DocsConfig, DocsTarget
from .workspace_site import write_workspace_index

__all__ = ["DocsConfig", "DocsTarget", "write_workspace_index"]
