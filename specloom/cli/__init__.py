"""The `specloom` command line (typer + rich); one module per command."""
