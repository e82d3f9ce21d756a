"""The published npm package is ready to use: dist/ from the gate's tsc, checked by TS005,
and a fresh consumer installs it offline and imports it (and its imports) with no build."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from specloom.targets.typescript import TypeScriptTarget
from specloom.targets.typescript import gates as ts_gates

from specloom.parse import load_workspace
from specloom.target import BuildContext

needs_node = pytest.mark.skipif(
    ts_gates.find_tsc() is None or shutil.which("npm") is None, reason="tsc/npm not installed"
)
pytestmark = [needs_node, pytest.mark.slow]


def specloom(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "specloom", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, specs_dir: Path) -> Path:
    root = tmp_path_factory.mktemp("proj")
    shutil.copytree(specs_dir, root / "specs")
    res = specloom(root, "build", "-t", "typescript")
    assert res.returncode == 0, res.stdout + res.stderr
    return root


def test_the_package_ships_dist_emitted_by_the_gate(built: Path) -> None:
    pkg = built / "output" / "billing" / "typescript"
    for rel in ("dist/index.js", "dist/index.d.ts", "dist/api.d.ts", "dist/test/conformance.js"):
        assert (pkg / rel).is_file(), rel
    manifest = json.loads((built / "output" / "billing" / "manifest.json").read_text())
    assert "dist/index.js" in manifest["targets"]["typescript"]["files"]
    assert "@see bil1" in (pkg / "dist" / "api.d.ts").read_text()


def test_a_fresh_consumer_imports_it_without_a_build_step(
    built: Path, tmp_path: Path, repo_root: Path
) -> None:
    consumer = tmp_path / "consumer"
    consumer.mkdir()
    (consumer / "package.json").write_text(
        '{"name": "consumer", "version": "1.0.0", "type": "module", "private": true}\n'
    )
    pkg = built / "output" / "billing" / "typescript"
    npm = subprocess.run(
        ["npm", "install", "--offline", "--no-audit", "--no-fund", "--install-links", str(pkg)],
        cwd=consumer,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert npm.returncode == 0, npm.stderr
    (consumer / "main.ts").write_text(
        'import { EmptyInvoice, INVOICE_ID_PREFIX, type Invoice } from "@specloom/billing";\n'
        'import { MINOR_UNIT_DIGITS, type Money } from "@specloom/common";\n'
        "const m: Money = { amountMinor: 1, currency: 'EUR' };\n"
        "const i: Pick<Invoice, 'total'> = { total: m };\n"
        "console.log(INVOICE_ID_PREFIX, MINOR_UNIT_DIGITS, new EmptyInvoice('x').kind,"
        " i.total.amountMinor);\n"
    )
    (consumer / "tsconfig.json").write_text(
        '{"compilerOptions": {"module": "nodenext", "moduleResolution": "nodenext",'
        ' "target": "es2022", "strict": true, "noEmit": true, "types": []},'
        ' "files": ["main.ts"]}\n'
    )
    tsc = ts_gates.find_tsc()
    assert tsc is not None
    check = subprocess.run(
        [str(tsc), "-p", "tsconfig.json", "--pretty", "false"],
        cwd=consumer,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert check.returncode == 0, check.stdout + check.stderr
    (consumer / "main.mjs").write_text(
        'import { EmptyInvoice, INVOICE_ID_PREFIX } from "@specloom/billing";\n'
        'import { MINOR_UNIT_DIGITS } from "@specloom/common";\n'
        "console.log(INVOICE_ID_PREFIX, MINOR_UNIT_DIGITS, new EmptyInvoice('x').kind);\n"
    )
    node = subprocess.run(
        ["node", "main.mjs"], cwd=consumer, capture_output=True, text=True, timeout=60
    )
    assert node.returncode == 0, node.stderr
    assert node.stdout.split() == ["inv_", "2", "EmptyInvoice"]
    # the consumer's install wrote nothing into the published folders
    res = specloom(built, "verify", "-t", "typescript")
    assert res.returncode == 0, res.stdout + res.stderr


def _target(ws_dir: Path, tmp: Path, mode: str) -> TypeScriptTarget:
    ws = load_workspace(ws_dir)
    ctx = BuildContext(workspace=ws, output_dir=tmp / "out", cache_dir=tmp / "c", mode=mode)
    return TypeScriptTarget(ctx)


@pytest.mark.parametrize("edit", ["delete", "change", "extra"])
def test_ts004_catches_a_published_dist_that_is_not_tsc_output(
    built: Path, tmp_path: Path, edit: str
) -> None:
    copy = tmp_path / "pkg"
    shutil.copytree(built / "output" / "common" / "typescript", copy)
    target = _target(built / "specs", tmp_path, "verify")
    spec = target.ctx.workspace.specs["common"]
    assert [f for f in target.verify(spec, copy) if f.severity == "error"] == []
    js = copy / "dist" / "index.js"
    if edit == "delete":
        shutil.rmtree(copy / "dist")
    elif edit == "change":
        js.write_text(js.read_text() + "export const injected = 1;\n")
    else:
        (copy / "dist" / "stale.js").write_text("export {};\n")
    found = [f for f in target.verify(spec, copy) if f.severity == "error"]
    assert [f.rule for f in found] and {f.rule for f in found} == {"TS005"}, found
