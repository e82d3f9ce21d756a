"""Bad input through `specloom ir`: exit code 2, a message naming file and line, no traceback."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from specloom.cli.main import main

GOOD_HEAD = "---\nspec: demo\n---\n\n# Demo {#demo}\n\nThe demo MUST work[^d1].\n"


def run_ir(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    with pytest.raises(SystemExit) as exc:
        main(["ir", *args])
    out = capsys.readouterr()
    return int(exc.value.code or 0), out.out + out.err


def write_spec(tmp_path: Path, text: str | bytes, name: str = "demo") -> Path:
    folder = tmp_path / name
    folder.mkdir()
    target = folder / "spec.md"
    if isinstance(text, bytes):
        target.write_bytes(text)
    else:
        target.write_text(text, encoding="utf-8")
    return folder


def assert_clean_error(code: int, output: str, where: str, words: str) -> None:
    assert code == 2, output
    assert "Traceback" not in output
    assert where in output, output
    assert words in output, output
    assert "fix:" in output, output


CASES: list[tuple[str, str | bytes, str, str]] = [
    ("unterminated front matter", "---\nspec: demo\n\n# Demo\n", "spec.md:1:", "not closed"),
    ("front matter not a mapping", "---\n- a\n- b\n---\n# Demo\n", "spec.md:2:", "mapping"),
    ("bad front matter YAML", "---\nspec: demo\ntitle: [x\n---\n# D\n", "spec.md:", "invalid YAML"),
    ("version not semver", "---\nversion: 1.2\n---\n# D\n", "spec.md:2:", "semantic version"),
    (
        "path characters in the id",
        "---\nspec: ../x\n---\n# D\n",
        "spec.md:2:",
        "not a valid spec id",
    ),
    ("strict not a bool", "---\nstrict: maybe\n---\n# D\n", "spec.md:2:", "true or false"),
    (
        "invalid YAML in a block",
        GOOD_HEAD + "\n```specloom\ntypes:\n  A:\n    fields: {a: [\n```\n",
        "spec.md:1",
        "invalid YAML in the `specloom` block",
    ),
    (
        "unknown block key",
        GOOD_HEAD + "\n```specloom\nfunctions:\n  f: {}\n```\n",
        "spec.md:10:",
        "use only the keys types, operations, errors, constants",
    ),
    (
        "bad type expression",
        GOOD_HEAD + "\n```specloom\ntypes:\n  A:\n    fields:\n      a: list<string\n```\n",
        "spec.md:13:",
        "bad type",
    ),
    (
        "map with a non-string key",
        GOOD_HEAD + "\n```specloom\ntypes:\n  A:\n    alias: map<int32,string>\n```\n",
        "spec.md:12:",
        "map keys must be `string`",
    ),
    (
        "record and enum at once",
        GOOD_HEAD + "\n```specloom\ntypes:\n  A:\n    fields: {}\n    values: [a]\n```\n",
        "spec.md:11:",
        "exactly one of",
    ),
    (
        "constant without value",
        GOOD_HEAD + "\n```specloom\nconstants:\n  N: {type: int32}\n```\n",
        "spec.md:11:",
        "has no `value`",
    ),
    ("malformed heading attributes", "# Demo {#a b}\n", "spec.md:1:", "attribute list"),
    ("bad heading id", "# Demo {#a/b}\n", "spec.md:1:", "heading id"),
    ("binary file", b"# Demo\n\x00\x01\x02", "spec.md:2:", "binary"),
    ("not UTF-8", b"# Demo\n\nCaf\xe9\n", "spec.md:3:", "not valid UTF-8"),
    ("empty file", "", "spec.md:1:", "empty"),
    ("blank file", " \n\n", "spec.md:1:", "empty"),
    (
        "example block without call",
        GOOD_HEAD + "\n**Example**: x\n\n```specloom-example\nwith: {}\n```\n",
        "spec.md:11:",
        "no `call`",
    ),
]


@pytest.mark.parametrize(("label", "text", "where", "words"), CASES, ids=[c[0] for c in CASES])
def test_bad_spec_file(
    label: str,
    text: str | bytes,
    where: str,
    words: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    folder = write_spec(tmp_path, text)
    code, output = run_ir(capsys, str(folder))
    assert_clean_error(code, output, where, words)


def test_folder_name_that_is_not_an_id(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = write_spec(tmp_path, "# Demo\n", name="My Spec")
    code, output = run_ir(capsys, str(folder))
    assert_clean_error(code, output, "spec.md", "'My Spec' is not a valid spec id")


def test_bad_examples_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = write_spec(tmp_path, GOOD_HEAD)
    (folder / "examples").mkdir()
    (folder / "examples" / "d1.md").write_bytes(b"**Example**: x\n\n\xff\xfe\n")
    code, output = run_ir(capsys, str(folder))
    assert_clean_error(code, output, "examples/d1.md:3:", "not valid UTF-8")


def test_missing_path(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, output = run_ir(capsys, str(tmp_path / "nope"))
    assert_clean_error(code, output, "nope", "no such file or folder")


def test_folder_without_specs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, output = run_ir(capsys, str(tmp_path))
    assert_clean_error(code, output, tmp_path.as_posix(), "no specs in this folder")


def test_missing_import_is_a_finding_among_the_rest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A missing import no longer aborts the load: lint reports it (SL104, at the imports
    line) together with every other finding, and exits 1, not 2."""
    write_spec(tmp_path, "---\nspec: a\nimports: [ghost]\n---\n# A\n\nIt is fast[^a1].\n", "a")
    with pytest.raises(SystemExit) as exc:
        main(["lint", str(tmp_path)])
    out = capsys.readouterr().out
    assert exc.value.code == 1
    assert "a/spec.md:3: error SL104 spec a imports 'ghost'" in out
    assert "SL001" in out and "SL003" in out


def test_import_cycle(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_spec(tmp_path, "---\nspec: a\nimports: [b]\n---\n# A\n", name="a")
    write_spec(tmp_path, "---\nspec: b\nimports: [c]\n---\n# B\n", name="b")
    write_spec(tmp_path, "---\nspec: c\nimports: [a]\n---\n# C\n", name="c")
    code, output = run_ir(capsys, str(tmp_path))
    assert_clean_error(code, output, "a/spec.md:3:", "import cycle: a -> b -> c -> a")


def test_duplicate_spec_ids(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_spec(tmp_path, "---\nspec: same\n---\n# A\n", name="a")
    write_spec(tmp_path, "---\nspec: same\n---\n# B\n", name="b")
    code, output = run_ir(capsys, str(tmp_path))
    assert_clean_error(code, output, "b/spec.md:2:", "two specs have the id 'same'")


def test_huge_file_is_refused_quickly(tmp_path: Path) -> None:
    """A 50 MB file is refused by size, through the real console script, in well under 10 s."""
    folder = tmp_path / "huge"
    folder.mkdir()
    line = b"The assistant MUST do one thing and then another thing[^x1]. " * 16 + b"\n"
    with (folder / "spec.md").open("wb") as fh:
        fh.write(b"# Huge {#huge}\n\n")
        for _ in range(50 * 1024 * 1024 // len(line) + 1):
            fh.write(line)
    start = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "specloom", "ir", str(folder)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    elapsed = time.monotonic() - start
    assert proc.returncode == 2, proc.stderr
    assert "MiB" in proc.stderr and "spec.md" in proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
    assert elapsed < 10


@pytest.mark.slow
def test_largest_accepted_file_parses_in_reasonable_time(tmp_path: Path) -> None:
    """Just under the limit still parses (a linear-time parser; no pathological slowdown)."""
    from specloom.parse import load_spec
    from specloom.parse.source import MAX_FILE_BYTES

    para = "A rule MUST hold here[^t{n}]. Another sentence SHOULD follow it.\n\n"
    chunks = ["# Big {#big}\n\n"]
    size = 0
    n = 0
    while size < MAX_FILE_BYTES // 4:
        chunk = para.format(n=n)
        chunks.append(chunk)
        size += len(chunk)
        n += 1
    (tmp_path / "big.md").write_text("".join(chunks), encoding="utf-8")
    start = time.monotonic()
    spec = load_spec(tmp_path / "big.md")
    assert len(spec.clauses) == n + 1
    assert time.monotonic() - start < 30


def test_unreadable_path_name(capsys: pytest.CaptureFixture[str]) -> None:
    code, output = run_ir(capsys, "a" * 300)  # ENAMETOOLONG from the operating system
    assert_clean_error(code, output, "aaaa", "cannot read")


def test_a_map_type_cut_at_its_comma_by_a_yaml_flow_mapping_says_to_quote_it(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """`fields: {a: map<string,int32>}` is split by YAML at the comma: the fix says so."""
    block = (
        "\n```specloom\ntypes:\n  T:\n    clauses: [d1]\n"
        "    fields: {a: map<string,int32>, b: string}\n```\n"
    )
    code, out = run_ir(capsys, str(write_spec(tmp_path, GOOD_HEAD + block)))
    assert_clean_error(code, out, "spec.md:13", "bad type in `a`")
    assert 'quote the type ("map<string,T>")' in out
    quoted = block.replace("map<string,int32>", '"map<string,int32>"')
    code, out = run_ir(capsys, str(write_spec(tmp_path, GOOD_HEAD + quoted, "quoted")))
    assert code == 0, out


def test_read_source_refuses_what_is_no_regular_file_as_before(tmp_path: Path) -> None:
    """The one-open read (`_read_regular`) leaves anything unusual to the checked read, which
    names the step that failed: a folder, a missing file, a file over the size limit."""
    from specloom.errors import SpecError
    from specloom.parse.source import MAX_FILE_BYTES, read_source

    (tmp_path / "dir.md").mkdir()
    big = tmp_path / "big.md"
    with big.open("wb") as fh:
        fh.truncate(MAX_FILE_BYTES + 1)
    cases = {
        "dir.md": "replace it with a regular file, or move it out of the specs folder",
        "missing.md": "check that the path exists and is readable",
        "big.md": "split the spec into several specs that import each other",
    }
    for name, hint in cases.items():
        with pytest.raises(SpecError) as err:
            read_source(tmp_path / name)
        assert err.value.hint == hint, name
    (tmp_path / "ok.md").write_bytes(b"\xef\xbb\xbf# T\r\n")
    assert read_source(tmp_path / "ok.md").text == "# T\n"


def test_a_named_pipe_is_refused_not_waited_on(tmp_path: Path) -> None:
    """`read_source` on a FIFO (a hostile or broken workspace): reading it would block until
    a writer comes; it is refused at once, naming the file (run in a child process with a
    time limit, so a regression fails instead of hanging the suite)."""
    import os

    os.mkfifo(tmp_path / "x1.md")
    code = (
        "import sys; from pathlib import Path\n"
        "from specloom.errors import SpecError\n"
        "from specloom.parse.source import read_source\n"
        "try:\n    read_source(Path(sys.argv[1]))\n"
        "except SpecError as e:\n    print(e.message, '|', e.hint)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "x1.md")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "named pipe" in proc.stdout and "regular file" in proc.stdout, proc
