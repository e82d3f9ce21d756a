"""Start-up stays light: `--version` loads no CLI framework, `--help` no models or pipeline."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = """
import sys
from specloom.cli.entry import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
tops = {m.split(".")[0] for m in sys.modules}
loaded = sorted(tops & {"typer", "click", "rich", "pydantic", "yaml", "markdown_it", "jinja2"})
inner = sorted(m for m in sys.modules if m.startswith(("specloom.model", "specloom.pipeline")))
print("LOADED", ",".join(loaded + inner), file=sys.stderr)
"""


def _loaded(args: list[str], cwd: Path) -> tuple[str, set[str]]:
    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT, *args], cwd=cwd, capture_output=True, text=True, timeout=60
    )
    line = [ln for ln in proc.stderr.splitlines() if ln.startswith("LOADED")][-1]
    return proc.stdout, set(filter(None, line.removeprefix("LOADED ").split(",")))


def test_version_loads_no_framework(repo_root: Path) -> None:
    from specloom import __version__

    out, loaded = _loaded(["--version"], repo_root)
    assert out == __version__ + "\n"
    assert loaded == set()


def test_help_loads_no_models_and_no_pipeline(repo_root: Path) -> None:
    out, loaded = _loaded(["--help"], repo_root)
    assert "build" in out and "lint" in out
    assert "typer" in loaded
    assert not loaded & {"pydantic", "yaml", "jinja2"}  # (markdown_it: typer's rich help)
    assert not {m for m in loaded if m.startswith("specloom.")}


def test_lint_runs_without_typer(repo_root: Path) -> None:
    """`specloom lint` in its plain forms (specloom.cli.fastlint) loads no CLI framework."""
    out, loaded = _loaded(["lint", "specs", "-f", "json"], repo_root)
    assert out.startswith("[")
    assert not loaded & {"typer", "click", "rich"}


def _run(args: list[str], cwd: Path, via_typer: bool) -> tuple[int, str, str]:
    entry = "specloom.cli.main" if via_typer else "specloom.cli.entry"
    code = f"import sys\nfrom {entry} import main\nmain(sys.argv[1:])\n"
    proc = subprocess.run(
        [sys.executable, "-c", code, *args], cwd=cwd, capture_output=True, text=True, timeout=120
    )
    return proc.returncode, proc.stdout, proc.stderr


def test_lint_without_typer_answers_as_the_command_does(repo_root: Path) -> None:
    """The same output, messages and exit codes as typer's `lint` command: findings with
    errors (1), clean (0), a missing path (2), and forms it leaves to typer (a bad format,
    `--help`)."""
    bad = "tests/check/fixtures/bad"
    for args, code in (
        (["lint", bad], 1),
        (["lint", bad, "--format", "sarif"], 1),
        (["lint", "--format=json", bad], 1),
        (["lint", "specs/common", "specs/billing"], 0),
        (["lint", "no/such/folder"], 2),
        (["lint", bad, "-f", "xml"], 2),
        (["lint", "--help"], 0),
    ):
        fast = _run(args, repo_root, via_typer=False)
        assert fast == _run(args, repo_root, via_typer=True), args
        assert fast[0] == code, args


def test_lint_as_the_console_script_ends_with_its_output_complete(repo_root: Path) -> None:
    """The console script ends a plain lint without tearing the interpreter down
    (`entry._hard_exit`): the piped output is still complete and the exit code the same."""
    code = "from specloom.cli.entry import main\nmain()\n"
    for args, want in ((["lint", "tests/check/fixtures/bad", "-f", "json"], 1), (["lint"], 0)):
        proc = subprocess.run(
            [sys.executable, "-c", code, *args],
            cwd=repo_root,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert (proc.returncode, proc.stdout, proc.stderr) == _run(args, repo_root, True)
        assert proc.returncode == want
