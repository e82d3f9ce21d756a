"""bench/openapi_corpus.py: a reviewer points it at a folder and reads one row per document."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

DATA = Path(__file__).parents[1] / "data" / "openapi"
RUNNER = Path(__file__).parents[2] / "bench" / "openapi_corpus.py"


def test_runner_rows_totals_and_refusals(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    for name in ("error-statuses-3.1.json", "bodies-on-delete-and-get-3.0.yaml"):
        shutil.copy(DATA / name, docs / name)
    (docs / "old.yaml").write_text(
        "swagger: '2.0'\ninfo: {title: Old, version: '1'}\npaths: {}\n", encoding="utf-8"
    )
    (docs / "notes.txt").write_text("not a document", encoding="utf-8")
    rows = tmp_path / "rows.json"
    args = ["--targets", "openapi,jsonschema", "--work", str(tmp_path / "work")]
    proc = subprocess.run(
        [sys.executable, str(RUNNER), str(docs), *args, "--json", str(rows)],
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lines = proc.stdout.splitlines()
    ledger = next(x for x in lines if x.startswith("| error-statuses-3.1.json |"))
    assert "| 3.1.0 | json | 3 | 1 |" in ledger and ledger.endswith("| 0 | - | - | same | same |")
    old = next(x for x in lines if x.startswith("| old.yaml |"))
    assert "refused (exit 2)" in old and "swagger: 2.0" in old
    assert "2 documents (1 refused with exit 2):" in proc.stdout
    assert "  round trip same: 2/2" in proc.stdout and "  all steps: 2/2" in proc.stdout
    assert "  request bodies keep the source's wire shape: 2/2" in proc.stdout
    data = json.loads(rows.read_text(encoding="utf-8"))
    assert sorted(r["name"] for r in data) == [
        "bodies-on-delete-and-get-3.0.yaml",
        "error-statuses-3.1.json",
        "old.yaml",
    ]
    assert all(r["import_cpu"] > 0 for r in data if not r["refused"])
