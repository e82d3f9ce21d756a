"""`python -m specloom` runs the CLI."""

from specloom.cli.entry import main

main()
