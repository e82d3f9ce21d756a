"""`mkdocs build` with the theme's compiled Jinja templates kept between builds.

Run as a script (`python -P mkdocs_run.py CACHE_DIR -- MKDOCS_ARGS...`, never imported by
the build process): it gives MkDocs' theme environment a Jinja bytecode cache under
CACHE_DIR and a loader that does not walk hidden folders (`ThemeLoader`), then runs MkDocs'
own command line with MKDOCS_ARGS unchanged. Compiling
Material's templates is about a seventh of a small site's build; everything else (reading
the pages, rendering every page, `--strict`'s warning count, the exit status) is MkDocs'
own code, so the build is the one `mkdocs build` does. A cached template is used only when
its source's checksum matches (Jinja's own check) and it was compiled by an environment with
the same compile-time settings (`env_key`); otherwise it is compiled again.
"""

from __future__ import annotations

import hashlib
import os
import sys
from typing import Any

import jinja2
from jinja2.bccache import Bucket, FileSystemBytecodeCache


def env_key(env: jinja2.Environment) -> str:
    """What compiling a template depends on besides its source: Jinja's and Python's
    versions, the extensions, the filter and test names (checked at compile time), the
    syntax options and the loader's folders."""
    parts: list[Any] = [
        jinja2.__version__,
        sys.version_info[:3],
        sorted(env.extensions),
        sorted(env.filters),
        sorted(env.tests),
        [
            env.block_start_string,
            env.block_end_string,
            env.variable_start_string,
            env.variable_end_string,
            env.comment_start_string,
            env.comment_end_string,
            env.line_statement_prefix,
            env.line_comment_prefix,
            env.trim_blocks,
            env.lstrip_blocks,
            env.newline_sequence,
            env.keep_trailing_newline,
            env.optimized,
            env.is_async,
            env.finalize is not None,
            env.autoescape if isinstance(env.autoescape, bool) else repr(env.autoescape),
        ],
        list(getattr(env.loader, "searchpath", [])),
    ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:20]


class KeyedBytecodeCache(FileSystemBytecodeCache):
    """A bytecode cache whose entries are also keyed on the environment (`env_key`)."""

    def __init__(self, directory: str) -> None:
        super().__init__(directory)
        self._keys: dict[int, str] = {}

    def get_bucket(
        self, environment: jinja2.Environment, name: str, filename: str | None, source: str
    ) -> Bucket:
        key = self._keys.get(id(environment))
        if key is None:
            key = self._keys[id(environment)] = env_key(environment)
        bucket = Bucket(
            environment,
            self.get_cache_key(f"{key}|{name}", filename),
            self.get_source_checksum(source),
        )
        self.load_bytecode(bucket)
        return bucket


class ThemeLoader(jinja2.FileSystemLoader):
    """The theme's loader, listing its templates without walking hidden folders.

    MkDocs lists a theme's templates once, to copy its static files, and drops every name
    with a part that starts with `.` (its patterns `.*` and `*/.*`); Material keeps its
    14,000 icons in `.icons/`, walked for nothing (a fifteenth of a small site's build).
    Loading templates is FileSystemLoader's own."""

    def list_templates(self) -> list[str]:
        found: set[str] = set()
        for searchpath in self.searchpath:
            for dirpath, dirnames, filenames in os.walk(searchpath, followlinks=self.followlinks):
                dirnames[:] = [d for d in dirnames if not d.startswith(".")]
                for filename in filenames:
                    name = os.path.join(dirpath, filename)[len(searchpath) :].strip(os.path.sep)
                    found.add(name.replace(os.path.sep, "/").removeprefix("./"))
        return sorted(found)


def main(argv: list[str]) -> int:
    """`CACHE_DIR -- MKDOCS_ARGS...`: MkDocs' command line, its exit status."""
    if len(argv) < 2 or argv[1] != "--":
        sys.stderr.write("usage: mkdocs_run.py CACHE_DIR -- MKDOCS_ARGS...\n")
        return 2
    from pathlib import Path

    from mkdocs.__main__ import cli
    from mkdocs.theme import Theme

    cache = Path(argv[0])
    try:
        cache.mkdir(parents=True, exist_ok=True)
        bytecode: KeyedBytecodeCache | None = KeyedBytecodeCache(str(cache))
    except OSError:  # an unwritable cache only costs the compile
        bytecode = None
    plain_env = Theme.get_env

    def get_env(self: Theme) -> jinja2.Environment:
        env = plain_env(self)
        env.bytecode_cache = bytecode
        loader = env.loader
        if type(loader) is jinja2.FileSystemLoader:  # (MkDocs' own; anything else is kept)
            env.loader = ThemeLoader(loader.searchpath, loader.encoding, loader.followlinks)
        return env

    Theme.get_env = get_env  # type: ignore[method-assign]
    try:
        cli.main(args=argv[2:], prog_name="mkdocs", standalone_mode=True)
    except SystemExit as exc:
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
