"""Lint of the synthetic 1,000-clause workspace (the speed benchmark's, bench/synth.py) with
defects planted every few clauses: the findings are a golden file, so a change made for
speed (parse, rules, type check, conflicts, the target hooks, the parse cache) keeps every
finding. The lint runs cold (the parse cache is written; the rules get the files' texts
the load read, as `specloom lint` does) and again warm (read back; the rules read the
files from the disk)."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import pytest

from specloom.check.lint import lint_workspace
from specloom.check.render import render_json
from specloom.check.text import Sources
from specloom.parse import load_workspace
from specloom.parse.cache import parse_cache
from specloom.parse.source import remembering_reads

REPO = Path(__file__).resolve().parents[2]
GOLDEN = REPO / "tests" / "golden" / "check" / "synthetic1000.json"


def _synth() -> object:
    spec = importlib.util.spec_from_file_location(
        "specloom_bench_synth", REPO / "bench" / "synth.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _plant(i: int, line: str) -> str:
    """Clause i's sentence with a defect of kind i % 50 (most clauses keep theirs)."""
    k = i % 50
    tag = f"[^c{i}]"
    if k == 1:  # SL001 vague word
        return line.replace(" keep ", " quickly keep ")
    if k == 2:  # SL002 lowercase keyword in a strict spec
        return line.replace(f" units{tag}", f" units and it should stay so{tag}")
    if k == 3:  # SL004 placeholder
        return line.replace(f" units{tag}", f" units TODO{tag}")
    if k == 4:  # SL007 dangling link
        return line.replace(f" units{tag}", f" units (see [the limits](#nowhere{i})){tag}")
    if k == 6:  # SL003 no normative keyword
        return re.sub(r" (MUST|SHOULD) keep ", " keeps ", line)
    if k == 10:  # SL301 a pattern read aloud
        return line.replace(f" units{tag}", f" units and match ^[a-z]+$ too{tag}")
    if k == 11:  # SL302 a MUST too long to say in one line
        words = " ".join(f"item{n}x" for n in range(400))
        return line.replace(f" units{tag}", f" units in {words}{tag}")
    if k == 12:  # SL203 contradicts the clause before it
        j = i - 1
        return f"A record of kind {j} MUST NOT keep its counter {j} below {j + 7} units{tag}.\n"
    if k == 14:  # SL006 duplicate id (the tag of the clause before)
        return line.replace(tag, f"[^c{i - 1}]")
    if k == 15:  # SL015 an id that looks like another
        return line.replace(tag, f"{tag}[^с{i}]")  # (Cyrillic es)
    return line


def _plant_types(i: int, block: str) -> str:
    """Type T{i} with a defect of kind i % 50."""
    k = i % 50
    if k == 7:  # SL101 unknown type
        return block.replace("amount: base.Amount", f"amount: Missing{i}")
    if k == 8:  # SL106 a reserved word as a field name
        return block.replace("      id: string\n", "      id: string\n      type: string\n")
    if k == 9:  # SL108 int64 in TypeScript
        return block.replace("counter: int32", "counter: int64")
    if k == 16:  # SL105 two fields with one name in the code
        return block.replace(
            "      id: string\n", "      unit_price: int32\n      unitPrice: int32\n"
        )
    return block


def defective_workspace(root: Path) -> Path:
    """bench/synth.py's 1,000-clause workspace, defects planted (see `_plant`)."""
    synth = _synth()
    synth.write_workspace(root, 1000)  # type: ignore[attr-defined]
    spec = root / "svc0" / "spec.md"
    text = spec.read_text(encoding="utf-8")
    text = re.sub(
        r"^A record of kind (\d+) .*\n",
        lambda m: _plant(int(m.group(1)), m.group(0)),
        text,
        flags=re.M,
    )
    text = re.sub(
        r"^  T(\d+):\n(?:    .*\n)+",
        lambda m: _plant_types(int(m.group(1)), m.group(0)),
        text,
        flags=re.M,
    )
    text = text.replace(
        "```specloom\ntypes:\n",
        "```specloom\ntypes:\n  Amount:\n    fields:\n      minor: int32\n",
        1,
    )  # SL205
    spec.write_text(text, encoding="utf-8")
    examples = root / "svc0" / "examples"
    for i in range(5, 1000, 50):  # SL008 eval tag without examples file
        (examples / f"c{i}.md").unlink()
    (examples / "zz1.md").write_text(
        "**Example**: nobody's\n\nIt has no clause.\n", encoding="utf-8"
    )
    (examples / "c17.md").write_text(  # SL012 a structured example calling nothing
        "**Example**: a call\n\n```specloom-example\ncall: nothing\nwith: {}\n```\n",
        encoding="utf-8",
    )
    return root


@pytest.fixture(scope="module")
def findings_json(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    root = tmp_path_factory.mktemp("synthetic")
    specs = defective_workspace(root / "specs")
    runs = []
    for run in ("cold", "warm"):
        with parse_cache(root / ".specloom-cache"), remembering_reads() as reads:
            ws = load_workspace(specs)
        sources = Sources.known(reads) if run == "cold" else None
        # paths (in places and messages) relative to the temporary root
        found = lint_workspace(ws, sources=sources)
        runs.append(render_json(found).replace(root.as_posix() + "/", ""))
    assert any((root / ".specloom-cache" / "parse").glob("*.json")), "the cache was written"
    return runs[0], runs[1]


def test_findings_are_the_golden_ones(findings_json: tuple[str, str], update_goldens: bool) -> None:
    cold, _ = findings_json
    if update_goldens:
        GOLDEN.write_text(cold, encoding="utf-8")
    rules = {f["rule"] for f in json.loads(cold)}
    # every planted defect kind is found (a golden of nothing would prove nothing)
    planted = {"SL001", "SL002", "SL003", "SL004", "SL006", "SL007", "SL008", "SL009"}
    planted |= {"SL012", "SL015", "SL101", "SL105", "SL106", "SL108", "SL203", "SL205"}
    planted |= {"SL301", "SL302"}
    assert planted <= rules, sorted(planted - rules)
    assert cold == GOLDEN.read_text(encoding="utf-8"), (
        "lint findings of the synthetic workspace changed; "
        f"update with: .venv/bin/pytest {Path(__file__).relative_to(REPO)} --update-goldens"
    )


def test_warm_lint_finds_the_same(findings_json: tuple[str, str]) -> None:
    cold, warm = findings_json
    assert warm == cold


def test_texts_remembered_by_the_load_are_the_files_texts(tmp_path: Path) -> None:
    """What the rules get from the load is what they read from the disk: a BOM kept (the
    front matter is then not front matter to them), CRLF and CR line ends as newlines."""
    d = tmp_path / "specs" / "crlf"
    (d / "examples").mkdir(parents=True)
    spec = "---\nspec: crlf\nstrict: true\n---\n\n# Crlf {#crlf}\n\nIt is fast TODO.\n"
    (d / "spec.md").write_bytes(b"\xef\xbb\xbf" + spec.replace("\n", "\r\n").encode())
    (d / "examples" / "x.md").write_bytes(b"**Example**: a\r\rTBD\r")
    with remembering_reads() as reads:
        ws = load_workspace(tmp_path / "specs")
    assert len(reads) == 2
    for path, text in reads.items():
        assert text == Path(path).read_text(encoding="utf-8")
    assert lint_workspace(ws, sources=Sources.known(reads)) == lint_workspace(ws)
