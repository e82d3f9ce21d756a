"""`specloom lint` in its plain forms, run before the CLI framework loads.

Typer and the other command modules cost about 30 ms of CPU before a lint starts (issue 14:
lint of 1,000 clauses in 0.5 s). `entry.py` hands the arguments of `lint` here first; only
the forms below are read, and anything else (`--help`, an unknown option, a bad format, an
empty path) returns None so that the real command line parses it. The lint itself, its
output and its exit codes are the command's (`specloom.cli.lint.run_lint`), errors are
printed as `specloom.cli.main` prints them.

    specloom lint [PATH...] [-f|--format text|json|sarif]
"""

from __future__ import annotations

import sys
from pathlib import Path

FORMATS = ("text", "json", "sarif")


def parse(args: list[str]) -> tuple[list[str], str] | None:
    """(paths, format) of a plain `lint` command line, or None for any other form."""
    paths: list[str] = []
    fmt = "text"
    i = 0
    while i < len(args):
        arg = args[i]
        if arg in ("-f", "--format"):
            if i + 1 >= len(args) or args[i + 1] not in FORMATS:
                return None
            fmt = args[i + 1]
            i += 2
            continue
        if arg.startswith("--format=") and arg.partition("=")[2] in FORMATS:
            fmt = arg.partition("=")[2]
        elif arg == "" or arg.startswith("-"):
            return None
        else:
            paths.append(arg)
        i += 1
    return paths, fmt


def try_lint(args: list[str]) -> int | None:
    """Run `specloom lint ARGS` when they are a plain form: the exit code; else None."""
    parsed = parse(args)
    if parsed is None:
        return None
    paths, fmt = parsed
    from specloom.cli.failure import report
    from specloom.cli.lint import LintFormat, run_lint
    from specloom.errors import SpecloomError

    try:
        out, failed = run_lint([Path(p) for p in paths], LintFormat(fmt))
    except (SpecloomError, OSError) as exc:
        return report(exc)
    sys.stdout.write(out)
    sys.stdout.flush()
    return 1 if failed else 0
