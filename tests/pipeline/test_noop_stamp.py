"""The no-op stamp (specloom.pipeline.noop): a build after which nothing is left to do
answers the next one without parsing; every change the full check would rebuild for, and
every tamper of the output, makes it miss, and the full build then rebuilds."""

from __future__ import annotations

import json
import os
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from filelock import FileLock

from specloom.cli import fastbuild
from specloom.cli.entry import main as entry_main
from specloom.findings import Finding
from specloom.model import Spec
from specloom.pipeline import noop, registry
from specloom.target import GeneratedFile, Target

TARGETS = ["-t", "ir-json"]


def build(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, Any]]:
    """`specloom build ... --format json` through the executable's entry point."""
    try:
        entry_main(["build", *argv, "--format", "json"])
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, json.loads(out)


def request(*targets: str) -> noop.Request:
    return noop.request_of([], None, None, list(targets) or None, None, False)


def rows(doc: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [(t["spec"], t["target"], t["status"]) for t in doc["targets"]]


def reasons(doc: dict[str, Any]) -> dict[str, str]:
    return {f"{t['spec']}/{t['target']}": t["reason"] for t in doc["targets"]}


@pytest.fixture
def built(ws: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """The example workspace built once (ir-json); the stamp is written."""
    code, doc = build(capsys, *TARGETS)
    assert code == 0 and {s for _, _, s in rows(doc)} == {"built"}
    assert request("ir-json").stamp_file().is_file()
    return ws


def test_the_stamp_answers_exactly_as_the_full_no_op_build(
    built: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    reports = {p: p.read_bytes() for p in sorted((built / "output").glob("*/report.*"))}
    fast = noop.replay(request("ir-json"))
    assert fast is not None
    fast_reports = {p: p.read_bytes() for p in reports}
    assert fast_reports != reports  # the build's reports said `built`; a no-op says `skipped`
    request("ir-json").stamp_file().unlink()  # the full path
    code, slow = build(capsys, *TARGETS)
    assert code == 0 and {s for _, _, s in rows(slow)} == {"skipped"}
    assert {p: p.read_bytes() for p in reports} == fast_reports
    slow.pop("seconds")
    assert dict(fast.result, seconds=0) == dict(slow, seconds=0)
    assert noop.replay(request("ir-json")) is not None  # the no-op build wrote it again


def test_the_entry_point_answers_from_the_stamp_without_loading_models(
    built: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # in a new process: nothing of pydantic, typer, the parser or the targets is imported
    probe = (
        "import sys, json\n"
        "from specloom.cli.entry import main\n"
        "main(['build', '-t', 'ir-json', '--format', 'json'])\n"
        "heavy = [m for m in ('pydantic', 'typer', 'specloom.parse', 'specloom.model',"
        " 'markdown_it', 'yaml', 'specloom.targets') if m in sys.modules]\n"
        "print(json.dumps(heavy), file=sys.stderr)\n"
    )
    import subprocess

    # the first build in the same kind of process (the stamp records sys.path, and a test
    # runner's differs from a plain interpreter's)
    first = (
        "from specloom.cli.entry import main\n"
        "main(['build', '-t', 'ir-json', '--format', 'json'])\n"
    )
    subprocess.run([sys.executable, "-c", first], cwd=built, capture_output=True, check=False)
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=built, capture_output=True, text=True, check=True
    )
    assert json.loads(out.stderr.strip().splitlines()[-1]) == []
    assert {t["status"] for t in json.loads(out.stdout)["targets"]} == {"skipped"}


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_an_edited_spec_byte_misses_and_rebuilds(
    built: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(built / "specs" / "billing" / "spec.md", "MUST", "MUST  ")
    assert noop.replay(request("ir-json")) is None
    code, doc = build(capsys, *TARGETS)
    assert code == 0 and "spec specs/billing/spec.md" in reasons(doc)["billing/ir-json"]


def test_a_new_examples_file_misses(built: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ex = next((built / "specs" / "billing" / "examples").glob("*.md"))
    (ex.parent / "zz-extra.md").write_text("**Example**: more\n\nText.\n", encoding="utf-8")
    assert noop.replay(request("ir-json")) is None


def test_a_hidden_file_is_not_an_input(built: Path) -> None:
    (built / "specs" / "billing" / ".notes.swp").write_text("editor state", encoding="utf-8")
    assert noop.replay(request("ir-json")) is not None


def test_a_config_key_misses_and_rebuilds(built: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (built / "pyproject.toml").write_text(
        "[tool.specloom.targets.ir-json]\nindent = 4\n", encoding="utf-8"
    )
    assert noop.replay(request("ir-json")) is None
    code, doc = build(capsys, *TARGETS)
    assert code == 0
    assert "config ir-json.indent" in reasons(doc)["billing/ir-json"]


def test_a_different_request_has_its_own_stamp(built: Path) -> None:
    assert noop.replay(request("ir-json")) is not None
    assert noop.replay(request()) is None  # every target: never built
    assert noop.replay(noop.request_of([], None, None, ["ir-json"], None, True)) is None


PLUGIN = """
from pathlib import Path
from specloom.target import GeneratedFile, Target

HERE = Path(__file__).parent


class Echo(Target):
    name = "echo"

    def generate(self, spec):
        text = (HERE / "templates" / "page.txt").read_text()
        return [GeneratedFile("page.txt", (text + spec.id).encode())]

    def verify(self, spec, root):
        return []
"""


def test_an_edited_template_of_a_plugin_target_misses_and_rebuilds(
    ws: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    plugin = ws / "plugin"
    (plugin / "templates").mkdir(parents=True)
    (plugin / "echo_target.py").write_text(PLUGIN, encoding="utf-8")
    (plugin / "templates" / "page.txt").write_text("page of ", encoding="utf-8")
    monkeypatch.syspath_prepend(str(plugin))
    import importlib

    module = importlib.import_module("echo_target")
    registry.register_target(module.Echo)
    try:
        code, doc = build(capsys, "-t", "echo")
        assert code == 0 and {s for _, _, s in rows(doc)} == {"built"}
        assert noop.replay(request("echo")) is not None
        (plugin / "templates" / "page.txt").write_text("a page of ", encoding="utf-8")
        assert noop.replay(request("echo")) is None
        code, doc = build(capsys, "-t", "echo")
        assert code == 0 and "templates/page.txt" in reasons(doc)["billing/echo"]
        assert (ws / "output" / "billing" / "echo" / "page.txt").read_text() == "a page of billing"
    finally:
        registry.unregister_target("echo")
        sys.modules.pop("echo_target", None)


def test_an_installed_distribution_misses(
    built: Path,
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    site = tmp_path_factory.mktemp("site-packages")
    monkeypatch.syspath_prepend(str(site))
    sys.path.append(sys.path.pop(0))  # not sys.path[0], which is the script's folder
    code, _ = build(capsys, *TARGETS)  # the stamp now records this folder
    assert code == 0 and noop.replay(request("ir-json")) is not None
    (site / "newplugin-1.0.dist-info").mkdir()
    os.utime(site, ns=(1, 1))  # (a coarse clock could give the same mtime)
    assert noop.replay(request("ir-json")) is None


def test_a_changed_tool_path_or_specloom_version_misses(
    built: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with monkeypatch.context() as patch:
        patch.setenv("PATH", f"/nonexistent/bin{os.pathsep}{os.environ['PATH']}")
        assert noop.replay(request("ir-json")) is None
    assert noop.replay(request("ir-json")) is not None
    with monkeypatch.context() as patch:
        patch.setattr(noop, "__version__", "99.0.0")
        assert noop.replay(request("ir-json")) is None


def test_a_tampered_published_file_misses_and_rebuilds(
    built: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ir = built / "output" / "billing" / "ir-json" / "ir.json"
    st = ir.stat()
    data = bytearray(ir.read_bytes())
    data[10] = ord("#") if data[10] != ord("#") else ord("!")
    os.chmod(ir, 0o644)
    ir.write_bytes(bytes(data))
    os.utime(ir, ns=(st.st_atime_ns, st.st_mtime_ns))  # same size, same mtime: bytes only
    assert noop.replay(request("ir-json")) is None
    code, doc = build(capsys, *TARGETS)
    assert code == 0
    assert reasons(doc)["billing/ir-json"] == "published files differ from the manifest"


def test_a_tampered_manifest_or_a_leftover_misses(built: Path) -> None:
    manifest = built / "output" / "common" / "manifest.json"
    original = manifest.read_bytes()
    manifest.write_bytes(original.replace(b'"spec_version"', b'"spec_version" ', 1))
    assert noop.replay(request("ir-json")) is None
    manifest.write_bytes(original)
    assert noop.replay(request("ir-json")) is not None
    (built / "output" / "common" / ".staging-ir-json-1").mkdir()
    assert noop.replay(request("ir-json")) is None


def test_a_deleted_report_is_written_again(built: Path) -> None:
    assert noop.replay(request("ir-json")) is not None  # reports now as a no-op writes them
    report = built / "output" / "counters" / "report.md"
    before = report.read_bytes()
    report.unlink()
    assert noop.replay(request("ir-json")) is not None
    assert report.read_bytes() == before


def test_a_build_held_by_another_process_is_not_answered(built: Path) -> None:
    lock = FileLock(str(built / "output" / "billing" / ".lock"))
    with lock.acquire(timeout=0):
        assert noop.replay(request("ir-json")) is None
    assert noop.replay(request("ir-json")) is not None


def test_a_build_with_errors_leaves_no_stamp(
    built: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = built / "specs" / "counters" / "spec.md"
    spec.write_text(spec.read_text(encoding="utf-8") + "\n[broken](#no-such-anchor)\n")
    code, _ = build(capsys, *TARGETS)
    assert code == 1
    assert not request("ir-json").stamp_file().exists()
    assert noop.replay(request("ir-json")) is None


def test_an_output_inside_the_specs_folder_gets_no_stamp(
    ws: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for _ in range(2):
        code, doc = build(capsys, *TARGETS, "-o", "specs/out")
        assert code == 0
    assert {s for _, _, s in rows(doc)} == {"skipped"}  # the full path answered
    req = noop.request_of([], Path("specs/out"), None, ["ir-json"], None, False)
    assert noop.replay(req) is None


def test_inputs_follow_symlinks_and_record_their_targets(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "x.md").write_text("one", encoding="utf-8")
    (tmp_path / "b" / "x.md").write_text("one", encoding="utf-8")
    (tmp_path / "root").mkdir()
    link = tmp_path / "root" / "spec"
    link.symlink_to(tmp_path / "a")
    first = noop.inputs([str(tmp_path / "root")], [])
    link.unlink()
    link.symlink_to(tmp_path / "b")  # same bytes, another place (the sandbox may differ)
    assert first is not None and noop.inputs([str(tmp_path / "root")], []) != first
    (tmp_path / "b" / "loop").symlink_to(tmp_path / "root")
    assert noop.inputs([str(tmp_path / "root")], []) is None  # a loop: no stamp


@pytest.mark.parametrize(
    ("argv", "parsed"),
    [
        (["specs", "-t", "ir-json", "--format", "json"], True),
        (["--target", "docs", "-o", "out", "--cache-dir", "c", "--strict", "-j", "2"], True),
        (["--format=json"], False),
        (["--force"], False),
        (["--help"], False),
        (["-t"], False),
        (["--backend", "other"], False),
        (["--", "specs"], False),
        (["--runner", "prefect"], False),
    ],
)
def test_the_fast_command_line_reads_only_plain_forms(argv: list[str], parsed: bool) -> None:
    assert (fastbuild.parse(argv) is not None) is parsed


def test_a_typer_written_stamp_is_found_by_the_fast_command_line(
    built: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for argv in (["specs/", "-t", "ir-json"], ["-t", "ir-json", "--cache-dir", ".c", "-o", "o2"]):
        from specloom.cli.main import main as typer_main

        with pytest.raises(SystemExit):
            typer_main(["build", *argv, "--format", "json", "--force"])
        capsys.readouterr()
        assert fastbuild.try_noop([*argv, "--format", "json"])  # the stamp typer's wrote
        out = capsys.readouterr().out
        assert '"status": "skipped"' in out


def test_a_text_answer_shows_the_summary_table(
    built: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    entry_main(["build", "-t", "ir-json"])
    out = capsys.readouterr().out
    assert "billing" in out and "skipped" in out and "build: output" in out


def test_the_stamp_file_is_under_the_cache(built: Path) -> None:
    path = request("ir-json").stamp_file()
    assert path.parent == built / ".specloom-cache" / "noop"
    assert textwrap.dedent(path.read_text(encoding="utf-8")).startswith("{")


def test_a_checkout_under_the_cache_gets_no_stamp(
    ws: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # what `build --staged` / `--committed` build: a tree exported under the cache
    import shutil

    tree = ws / ".specloom-cache" / "staged" / "specs"
    shutil.copytree(ws / "specs", tree)
    code, _ = build(capsys, str(tree), *TARGETS, "-o", str(ws / ".specloom-cache" / "out"))
    assert code == 0
    assert not list((ws / ".specloom-cache").glob("noop/*.json"))


def test_secrets_in_the_environment_never_reach_the_stamp(
    ws: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    secret = "sk-stamp-test-0123456789abcdef"
    monkeypatch.setenv("OPENAI_API_KEY", secret)
    code, _ = build(capsys, *TARGETS)
    assert code == 0
    stamp = request("ir-json").stamp_file()
    assert stamp.is_file() and secret[:12].encode() not in stamp.read_bytes()
    assert noop.replay(request("ir-json")) is not None
    monkeypatch.setenv("OPENAI_API_KEY", secret + "-rotated")  # still a change it sees
    assert noop.replay(request("ir-json")) is None


def test_a_file_a_target_reads_outside_the_specs_misses(
    ws: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`Target.external_inputs` (the docs target's eval run report, the tsc package):
    the stamp hashes those files; a target that cannot name them gets no stamp."""
    outside = ws / "runs" / "report.json"
    outside.parent.mkdir()
    outside.write_text('{"n": 1}', encoding="utf-8")
    cls = registry.load_target("ir-json")
    monkeypatch.setattr(cls, "external_inputs", lambda self, spec: [outside], raising=False)
    code, _ = build(capsys, *TARGETS)
    assert code == 0 and noop.replay(request("ir-json")) is not None
    stamp = json.loads(request("ir-json").stamp_file().read_text(encoding="utf-8"))
    assert str(outside) in stamp["external"]
    outside.write_text('{"n": 2}', encoding="utf-8")
    assert noop.replay(request("ir-json")) is None
    monkeypatch.setattr(cls, "external_inputs", lambda self, spec: None, raising=False)
    build(capsys, *TARGETS)
    assert not request("ir-json").stamp_file().exists()


def test_a_plugin_that_overrides_its_slice_without_naming_its_reads_gets_no_stamp(
    ws: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A plugin whose `ir_slice` reads a file outside the spec tree and that says nothing
    of it (no `external_inputs`) must not be answered "up to date" after that file
    changes: its inputs count as unknown, so every build takes the full check."""
    outside = ws / "extra.txt"
    outside.write_text("one", encoding="utf-8")

    class Slice(Target):
        name = "slicer"

        def ir_slice(self, spec: Spec) -> object:
            return {"spec": spec.id, "extra": outside.read_text(encoding="utf-8")}

        def generate(self, spec: Spec) -> list[GeneratedFile]:
            return [GeneratedFile("x.txt", outside.read_bytes())]

        def verify(self, spec: Spec, root: Path) -> list[Finding]:
            return []

    registry.register_target(Slice)
    try:
        assert Slice.external_inputs(Slice.__new__(Slice), None) is None  # type: ignore[arg-type]
        code, doc = build(capsys, "-t", "slicer")
        assert code == 0 and {s for _, _, s in rows(doc)} == {"built"}
        assert not request("slicer").stamp_file().exists()
        outside.write_text("two", encoding="utf-8")
        code, doc = build(capsys, "-t", "slicer")
        assert code == 0 and {s for _, _, s in rows(doc)} == {"built"}  # rebuilt, not replayed
        assert (ws / "output" / "billing" / "slicer" / "x.txt").read_text() == "two"
    finally:
        registry.unregister_target("slicer")
