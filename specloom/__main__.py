"""`python -m specloom` runs the CLI."""

from specloom.cli.main import main

main()
