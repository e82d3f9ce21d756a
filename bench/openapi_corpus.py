"""Import, lint, build and round-trip every OpenAPI document of a folder (prints a table).

Run from the repository root: `.venv/bin/python bench/openapi_corpus.py DIR [--targets
typescript,rust,docs,openapi,jsonschema] [--work DIR] [--only NAME] [--json FILE]`.

For each `*.json`, `*.yaml` and `*.yml` file of DIR (not recursive), as whole processes:
`specloom import openapi FILE --out W/specs/<id>`, `specloom lint W/specs --format json`,
`specloom build W/specs --strict -t ... --format json -o W/out`, then the round trip:
`specloom import openapi W/out/<id>/openapi/openapi.json` into a second folder, whose
spec must have the same shape as the first import (specloom/importer/roundtrip.py). It also
checks that no component schema and no operation of the document went missing without a
line in import-report.md. One row per document, then totals; exit 1 when any step failed.
A document the importer refuses (Swagger 2.0, not OpenAPI) is a row with its exit code 2
and message: that is the expected answer, counted apart.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
DEFAULT_TARGETS = "typescript,rust,docs,openapi,jsonschema"


@dataclass
class Row:
    """What happened to one document."""

    name: str
    version: str = "?"
    fmt: str = "?"
    schemas: int = 0
    operations: int = 0
    import_exit: int | None = None
    import_wall: float = 0.0
    import_cpu: float = 0.0
    refused: str = ""
    types: int = 0
    ops_imported: int = 0
    lint_errors: int | None = None
    build_exit: int | None = None
    build_wall: float = 0.0
    build_cpu: float = 0.0
    failed_gates: list[str] = field(default_factory=list)
    not_run: list[str] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)
    round_trip: str = "-"
    wire: str = "-"
    """Request bodies of the export with the source's wire shape ("same" or "N differ").
    Not part of `passed`: a renamed property (reported by the import) differs here too."""
    problems: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return (
            self.import_exit == 0
            and self.lint_errors == 0
            and self.build_exit == 0
            and not self.lost
            and self.round_trip == "same"
        )


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run(cmd: list[str], timeout: float) -> tuple[int, str, str, float, float]:
    """(exit code, stdout, stderr, wall s, CPU s of the process tree)."""
    start, cpu = time.perf_counter(), _cpu()
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
        code, out, err = p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired as exc:
        code, out, err = 124, "", f"timed out after {timeout:.0f} s ({exc.cmd[1:4]})"
    return code, out, err, time.perf_counter() - start, _cpu() - cpu


def describe(path: Path, row: Row) -> dict[str, object] | None:
    """Version, format and sizes, read here (outside specloom) so a refusal still has them."""
    import yaml

    text = path.read_text(encoding="utf-8-sig", errors="replace")
    row.fmt = "json" if text.lstrip().startswith("{") else "yaml"
    try:
        doc = json.loads(text) if row.fmt == "json" else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError):
        return None
    if not isinstance(doc, dict):
        return None
    row.version = str(doc.get("openapi") or f"swagger {doc.get('swagger', '?')}")
    from specloom.importer.roundtrip import document_inventory

    schemas, ops = document_inventory(doc)
    row.schemas, row.operations = len(schemas), len(ops)
    return doc


def slug(name: str) -> str:
    s = re.sub(r"[^a-z0-9_]+", "_", name.lower()).strip("_")
    return s if s and s[0].isalpha() else f"api_{s}"


def one(path: Path, work: Path, targets: list[str], exe: list[str], timeout: float) -> Row:
    """Every step for one document."""
    from specloom.importer.roundtrip import (
        body_wire_differences,
        differences,
        lost_schemas,
        shape,
    )
    from specloom.parse import load_workspace

    row = Row(path.name)
    doc = describe(path, row)
    sid = slug(path.stem)
    base = work / sid
    shutil.rmtree(base, ignore_errors=True)
    specs = base / "specs"
    code, out, err, row.import_wall, row.import_cpu = run(
        [*exe, "import", "openapi", str(path), "--out", str(specs / sid)], timeout
    )
    row.import_exit = code
    if code == 2:
        said = " ".join(err.replace(str(path), path.name).split())
        row.refused = said.removeprefix(f"{path.name}: error: ")[:200]
        return row
    if code not in (0, 1) or not (specs / sid / "spec.md").is_file():
        row.problems.append(f"import exit {code}: {err.strip()[-400:]}")
        return row
    m = re.search(r"\((\d+) types, (\d+) operations\)", out)
    if m:
        row.types, row.ops_imported = int(m.group(1)), int(m.group(2))
    code, out, err, _, _ = run([*exe, "lint", str(specs), "--format", "json"], timeout)
    try:
        findings = json.loads(out)
        row.lint_errors = sum(1 for f in findings if f.get("severity") == "error")
    except ValueError:
        row.problems.append(f"lint exit {code}: {err.strip()[-300:]}")
    report = (specs / sid / "import-report.md").read_text(encoding="utf-8")
    try:
        first = load_workspace(specs).spec(sid)
    except Exception as exc:
        row.problems.append(f"spec does not load: {exc}")
        return row
    if doc is not None:
        row.lost = [f"schema {n}" for n in lost_schemas(doc, first)]
        missing_ops = row.operations - len(first.operations)
        if missing_ops > 0 and missing_ops > report.count("TRACE "):
            row.lost.append(f"{missing_ops} operations")
    cmd = [*exe, "build", str(specs), "--strict", "--format", "json", "-o", str(base / "out")]
    for t in targets:
        cmd += ["-t", t]
    code, out, err, row.build_wall, row.build_cpu = run(cmd, timeout)
    row.build_exit = code
    try:
        result = json.loads(out)
        for f in result.get("check", []):
            if (
                f.get("severity") == "error"
                and "check:" + str(f.get("rule")) not in row.failed_gates
            ):
                row.failed_gates.append("check:" + str(f.get("rule")))
        for t in result.get("targets", []):
            row.failed_gates += [str(g) for g in t.get("failed", []) if g not in row.failed_gates]
            row.not_run += [str(g) for g in t.get("skipped", []) if g not in row.not_run]
            if t.get("status") not in ("built", "skipped"):
                row.failed_gates.append(f"{t.get('target')}:{t.get('status')}")
            for g in t.get("gates", []):
                if g.get("severity") == "error":
                    row.problems.append(f"{g.get('rule')}: {str(g.get('message'))[:200]}")
    except ValueError:
        row.problems.append(f"build exit {code}: {(err or out).strip()[-400:]}")
    exported = base / "out" / sid / "openapi" / "openapi.json"
    if "openapi" not in targets:
        return row
    if not exported.is_file():
        row.round_trip = "no export"
        return row
    again = base / "again" / sid
    code, _, err, _, _ = run(
        [*exe, "import", "openapi", str(exported), "--out", str(again)], timeout
    )
    if code not in (0, 1):
        row.round_trip = f"re-import exit {code}"
        row.problems.append(err.strip()[-300:])
        return row
    second = load_workspace(again.parent).spec(sid)
    diff = differences(shape(first), shape(second))
    row.round_trip = "same" if not diff else f"{len(diff)} differ"
    row.problems += diff
    if doc is not None:
        wire = body_wire_differences(doc, json.loads(exported.read_text(encoding="utf-8")))
        row.wire = "same" if not wire else f"{len(wire)} differ"
        row.problems += wire[:5]
    return row


def table(rows: list[Row]) -> str:
    head = (
        "| document | version | fmt | schemas | ops | import s (CPU) | lint errors | "
        "gates failed | lost | round trip | body wire |"
    )
    lines = [head, "|" + "---|" * 11]
    for r in rows:
        if r.refused:
            lines.append(
                f"| {r.name} | {r.version} | {r.fmt} | {r.schemas} | {r.operations} | "
                f"refused (exit 2): {r.refused} | | | | | |"
            )
            continue
        gates = ", ".join(r.failed_gates) or ("-" if r.build_exit == 0 else f"exit {r.build_exit}")
        lines.append(
            f"| {r.name} | {r.version} | {r.fmt} | {r.schemas} | {r.operations} | "
            f"{r.import_wall:.1f} ({r.import_cpu:.1f}) | "
            f"{'?' if r.lint_errors is None else r.lint_errors} | {gates} | "
            f"{len(r.lost) or '-'} | {r.round_trip} | {r.wire} |"
        )
    return "\n".join(lines)


def totals(rows: list[Row]) -> str:
    docs = [r for r in rows if not r.refused]
    n = len(docs)
    steps = {
        "imported": sum(r.import_exit == 0 for r in docs),
        "lint clean": sum(r.lint_errors == 0 for r in docs),
        "built strict, every gate passed": sum(r.build_exit == 0 for r in docs),
        "nothing lost": sum(not r.lost and r.import_exit == 0 for r in docs),
        "round trip same": sum(r.round_trip == "same" for r in docs),
        "request bodies keep the source's wire shape": sum(
            r.wire in ("same", "-") and r.import_exit == 0 for r in docs
        ),
        "all steps": sum(r.passed for r in docs),
    }
    out = [f"{n} documents ({len(rows) - n} refused with exit 2):"]
    out += [f"  {k}: {v}/{n}" for k, v in steps.items()]
    wall = sum(r.import_wall + r.build_wall for r in docs)
    cpu = sum(r.import_cpu + r.build_cpu for r in docs)
    out.append(f"  import + build: {wall:.0f} s wall, {cpu:.0f} s CPU (user+sys, children)")
    return "\n".join(out)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("folder", type=Path)
    ap.add_argument("--targets", default=DEFAULT_TARGETS, help="comma-separated targets")
    ap.add_argument("--work", type=Path, help="keep the spec folders and outputs here")
    ap.add_argument("--only", action="append", default=[], help="documents whose name has this")
    ap.add_argument("--json", type=Path, help="write the rows as JSON here")
    ap.add_argument("--timeout", type=float, default=1800.0, help="seconds per process")
    ap.add_argument(
        "--specloom",
        help="the command that runs specloom (default: this Python's `-m specloom`), e.g. "
        "`specloom` for an installed one, or another checkout's launcher",
    )
    args = ap.parse_args()
    files = sorted(
        p
        for p in args.folder.iterdir()
        if p.suffix in (".json", ".yaml", ".yml")
        and (not args.only or any(o in p.name for o in args.only))
    )
    if not files:
        print(f"no .json/.yaml/.yml documents in {args.folder}", file=sys.stderr)
        return 2
    exe = args.specloom.split() if args.specloom else [sys.executable, "-m", "specloom"]
    tools = REPO / ".venv" / "tools" / "node_modules" / ".bin"  # scripts/setup.sh puts tsc here
    if tools.is_dir():
        os.environ["PATH"] = f"{tools}{os.pathsep}{os.environ.get('PATH', '')}"
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    targets = [t for t in args.targets.split(",") if t]
    work = args.work or Path(tempfile.mkdtemp(prefix="specloom-openapi-corpus-"))
    rows = []
    for path in files:
        row = one(path, work, targets, exe, args.timeout)
        rows.append(row)
        extra = "; ".join([*row.failed_gates, *row.lost[:3], *row.problems[:3]])
        print(
            f"{path.name}: import {row.import_exit} lint {row.lint_errors} "
            f"build {row.build_exit} rt {row.round_trip} {extra[:300]}",
            file=sys.stderr,
            flush=True,
        )
    print(table(rows))
    print()
    print(totals(rows))
    print(f"(work folder: {work})")
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in rows], indent=1), encoding="utf-8")
    return 0 if all(r.passed for r in rows if not r.refused) else 1


if __name__ == "__main__":
    raise SystemExit(main())
