"""The published crate works as a path dependency of a consumer crate, with the crates of
the specs it imports re-exported (one dependency line is enough)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from specloom.targets.rust import gates as rs_gates

pytestmark = [
    pytest.mark.skipif(rs_gates.find_cargo() is None, reason="cargo not installed"),
    pytest.mark.slow,
]


def test_a_consumer_crate_uses_the_published_crate_and_its_imports(
    tmp_path: Path, specs_dir: Path
) -> None:
    proj = tmp_path / "proj"
    shutil.copytree(specs_dir, proj / "specs")
    build = subprocess.run(
        [sys.executable, "-m", "specloom", "build", "-t", "rust"],
        cwd=proj,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert build.returncode == 0, build.stdout + build.stderr
    consumer = tmp_path / "consumer"
    (consumer / "src").mkdir(parents=True)
    crate = proj / "output" / "billing" / "rust"
    (consumer / "Cargo.toml").write_text(
        '[package]\nname = "consumer"\nversion = "0.1.0"\nedition = "2021"\n\n'
        f'[dependencies]\nbilling = {{ package = "specloom-billing", path = "{crate}" }}\n'
    )
    (consumer / "src" / "main.rs").write_text(
        "use billing::common::{CurrencyCode, Money, MINOR_UNIT_DIGITS};\n"
        "fn main() {\n"
        '    let m = Money { amount_minor: 1250, currency: CurrencyCode::from("EUR") };\n'
        '    println!("{} {} {}", billing::INVOICE_ID_PREFIX, MINOR_UNIT_DIGITS, m.amount_minor);\n'
        "}\n"
    )
    cargo = rs_gates.find_cargo()
    assert cargo is not None
    env = {**os.environ, "CARGO_TARGET_DIR": str(tmp_path / "target")}
    run = subprocess.run(
        [str(cargo), "run", "--offline", "--quiet"],
        cwd=consumer,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["inv_", "2", "1250"]
    verify = subprocess.run(
        [sys.executable, "-m", "specloom", "verify", "-t", "rust"],
        cwd=proj,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert verify.returncode == 0, verify.stdout + verify.stderr
