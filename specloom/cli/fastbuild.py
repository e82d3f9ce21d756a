"""`specloom build` with nothing to do, answered before the CLI framework loads.

Typer builds a pydantic adapter for every parameter it converts, which costs more than the
whole no-op answer (specloom.pipeline.noop). `entry.py` hands the arguments of `build`
here first; only the plain forms below are read, and anything else (`--help`, `--opt=value`,
`--force`, `--watch`, an unknown option, a malformed value) returns False so that the
real command line parses them. A build answered here printed the same as the full no-op.

    specloom build [PATH...] [-t|--target NAME]... [-o|--output DIR] [--cache-dir DIR]
                   [--backend template|openai] [--format text|json] [--strict] [-j|--jobs N]
                   [--runner local]
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

VALUED = {
    "-t": "target",
    "--target": "target",
    "-o": "output",
    "--output": "output",
    "--cache-dir": "cache_dir",
    "--backend": "backend",
    "--format": "format",
    "-j": "jobs",
    "--jobs": "jobs",
    "--runner": "runner",
}
CHOICES = {"backend": {"template", "openai"}, "format": {"text", "json"}, "runner": {"local"}}


def parse(args: list[str]) -> dict[str, Any] | None:
    """The options of a plain `build` command line, or None for any other form."""
    opts: dict[str, Any] = {"paths": [], "target": [], "strict": False, "format": "text"}
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--strict":
            opts["strict"] = True
        elif arg in VALUED:
            if i + 1 >= len(args) or args[i + 1].startswith("-"):
                return None
            key, value = VALUED[arg], args[i + 1]
            if key in CHOICES and value not in CHOICES[key]:
                return None
            if key == "jobs" and not value.isdigit():
                return None
            if key == "target":
                opts["target"].append(value)
            elif key in opts and key != "format":
                return None  # given twice: let the real parser say what it does
            else:
                opts[key] = value
            i += 1
        elif arg.startswith("-") or not arg:
            return None
        else:
            opts["paths"].append(Path(arg))
        i += 1
    if "runner" not in opts and os.environ.get("PREFECT_API_URL"):
        return None  # the default runner is then Prefect
    return opts


def try_noop(args: list[str]) -> bool:
    """Answer `specloom build ARGS` from its no-op stamp; False when it cannot."""
    opts = parse(args)
    if opts is None:
        return False
    from specloom.pipeline import noop

    hit = noop.replay(
        noop.request_of(
            opts["paths"],
            Path(opts["output"]) if "output" in opts else None,
            Path(opts["cache_dir"]) if "cache_dir" in opts else None,
            opts["target"] or None,
            opts.get("backend"),
            opts["strict"],
        )
    )
    if hit is None:
        return False
    from specloom.cli.buildview import print_replay

    print_replay(hit, opts["format"])
    return True
