"""Built-in targets, one sub-package each (code and templates side by side)."""
