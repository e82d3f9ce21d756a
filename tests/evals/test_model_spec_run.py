"""Done-when check: the Model Spec's suite, built by `specloom build -t evals`, run end to end
by `specloom eval` against a real OpenAI-wire server, for a model that always answers with
the GOOD reference and one that always answers with the BAD reference."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from evalkit import KEY, PYPROJECT, models, report_of, run


@pytest.mark.slow
def test_model_spec_suite_end_to_end(
    model_spec_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    fake_openai: Any,
) -> None:
    # a loaded machine answers 378 local requests slower than the unit tests' 1 s timeout
    config = PYPROJECT.replace("timeout = 1.0", "timeout = 30.0")
    (tmp_path / "pyproject.toml").write_text(config, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, _, err = run(["build", str(model_spec_dir), "-t", "evals"], capsys)
    assert code == 0, err
    suite = Path("output/model_spec/evals")
    lines = (suite / "cases.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 189
    with_bad = {json.loads(line)["id"] for line in lines if json.loads(line)["bad"]}
    assert len(with_bad) == 160

    fake_openai.serve_models(models(suite))
    monkeypatch.setenv("OPENAI_BASE_URL", fake_openai.base_url)
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    args = ["eval", str(suite), "--no-progress", "--concurrency", "8"]

    code, out, _ = run([*args, "--model", "good-model"], capsys)
    good = report_of(out)
    assert code == 0, (good["failures"], good["errors"])
    assert good["totals"]["passed"] == 189, (good["failures"], good["errors"])
    assert len(good["by_clause"]) == 57
    assert good["by_authority"].keys() >= {"root", "user", "guideline"}
    assert len(fake_openai.chat_requests()) == 2 * 189

    code, out, _ = run([*args, "--model", "bad-model"], capsys)
    bad = report_of(out)
    assert code == 1
    assert {f["case"] for f in bad["failures"]} == with_bad
    assert bad["totals"]["passed"] == 189 - 160
    assert bad["by_level"]["MUST"]["pass_rate"] < 1.0
    written = [p for p in Path(".").rglob("*") if p.is_file()]
    assert all(KEY.encode() not in p.read_bytes() for p in written)
