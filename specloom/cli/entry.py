"""The `specloom` executable: answers `--version` before loading the CLI framework.

`specloom --version` has a 0.15 s budget; importing typer, click and the command modules
costs more than that on a loaded machine, so the one argument that needs none of them is
answered here. Everything else goes to `specloom.cli.main`.
"""

from __future__ import annotations

import sys
import time

STARTED = time.time()
"""When this process reached specloom (its interpreter start-up, about 20 ms, is before)."""


def main(argv: list[str] | None = None) -> None:
    """Run the CLI (`specloom.cli.main.main`), with `--version` answered without it."""
    args = sys.argv[1:] if argv is None else argv
    if args == ["--version"]:
        from specloom._version import __version__

        sys.stdout.write(__version__ + "\n")
        return
    if args[:1] == ["lint"]:
        from specloom.cli.fastlint import try_lint

        code = try_lint(args[1:])  # the plain forms, without typer (issue 14)
        if code is not None:
            if argv is None:  # the console script: nothing runs after this
                _hard_exit(code)
            if code:
                sys.exit(code)
            return
    if args[:1] == ["build"]:
        from specloom.cli.fastbuild import try_noop

        if try_noop(args[1:]):  # nothing to do: answered without typer (issue 14)
            return
    from specloom.cli.main import main as run

    run(argv)


def _hard_exit(code: int) -> None:
    """Flush the output and end the process without tearing the interpreter down: freeing a
    linted workspace object by object costs about 1 ms per 100 clauses, and nothing is left
    to do (the parse cache is already written). mypy ends the same way. A failed flush exits
    120, as the interpreter does."""
    import os

    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except OSError:
        code = 120
    os._exit(code)


if __name__ == "__main__":
    main()
