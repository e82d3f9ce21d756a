"""The version of specloom: one constant, read by the packaging metadata and at run time."""

__version__ = "0.1.0"
