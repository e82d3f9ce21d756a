"""Usage accounting, cost estimates, and the session a build shares across targets."""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from specloom.errors import ConfigError
from specloom.llm.config import Price, load_llm_config
from specloom.llm.grader import grade_artifacts
from specloom.llm.session import session_for, usage_report
from specloom.llm.usage import UsageLedger, estimate_cost
from specloom.model import Workspace
from specloom.parse import load_workspace
from specloom.pipeline.registry import load_target
from specloom.target import BuildContext


class Answer(BaseModel):
    text: str


def test_cost_per_million_tokens_and_unpriced_models() -> None:
    prices = {"m": Price(input=2.0, output=8.0)}
    assert estimate_cost("m", 1_000_000, 500_000, prices) == pytest.approx(6.0)
    assert estimate_cost("other", 10, 10, prices) is None
    ledger = UsageLedger(prices)
    ledger.record_attempt("docs")
    ledger.record_request("docs", "m", 1000, 100)
    ledger.record_request("docs", "other", 10, 10)
    ledger.record_cache_hit("podcast")
    report = ledger.report()
    assert report["targets"]["docs"] == {
        "requests": 1,
        "cache_hits": 0,
        "prompt_tokens": 1010,
        "completion_tokens": 110,
        "total_tokens": 1120,
        "estimated_cost_usd": 0.0028,
        "unpriced_models": ["other"],
        "findings": [],
    }
    assert report["total"]["cache_hits"] == 1 and list(report["targets"]) == ["docs", "podcast"]


def test_config_refuses_keys_in_files_and_reads_the_environment() -> None:
    with pytest.raises(ConfigError, match="API keys do not belong in config files"):
        load_llm_config({"api_key": "sk-x"}, env={})
    with pytest.raises(ConfigError, match=r"\[tool.specloom.llm\] timeout"):
        load_llm_config({"timeout": "soon"}, env={})
    cfg = load_llm_config(
        {"model": "a", "api_key_env": "MY_KEY"},
        env={"MY_KEY": "sk-secret-value", "OPENAI_MODEL": "b", "OPENAI_BASE_URL": "http://x/v1"},
    )
    assert (cfg.model, cfg.base_url, cfg.key(), cfg.model_set) == (
        "b",
        "http://x/v1",
        "sk-secret-value",
        True,
    )
    assert "sk-secret-value" not in cfg.model_dump_json() + repr(cfg)
    assert not load_llm_config({}, env={}).model_set
    with pytest.raises(ConfigError):
        load_llm_config({"model_set": True}, env={})
    extended = load_llm_config({"prices": {"llama3.1": {"input": 0, "output": 0}}}, env={})
    assert {"llama3.1", "gpt-4o-mini"} <= set(extended.prices)


def test_session_is_shared_and_survives_pickling(
    fake_openai: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", fake_openai.base_url)
    ctx = BuildContext(
        workspace=Workspace(root="."),
        output_dir=tmp_path / "out",
        cache_dir=tmp_path / "cache",
        backend="openai",
        settings={"llm": {"model": "gpt-4o"}},
    )
    session = session_for(ctx)
    assert session_for(ctx) is session
    session.client.structured([{"role": "user", "content": "hi"}], Answer, target="docs")
    copy = pickle.loads(pickle.dumps(ctx))  # what a Dask worker receives
    copy.llm.client.structured([{"role": "user", "content": "hi"}], Answer, target="docs")
    assert copy.llm.usage_report()["targets"]["docs"]["cache_hits"] == 1
    report = usage_report(ctx)
    assert report is not None and report["model"] == "gpt-4o"
    assert report["targets"]["docs"]["requests"] == 1


def test_grades_a_real_target_through_the_registry(specs_dir: Path, tmp_path: Path) -> None:
    ws = load_workspace(specs_dir)
    spec = ws.spec("billing")
    ctx = BuildContext(workspace=ws, output_dir=tmp_path / "out", cache_dir=tmp_path / "c")
    target = load_target("ir-json")(ctx)
    root = tmp_path / "ir-json"
    for f in target.generate(spec):
        (root / f.path).parent.mkdir(parents=True, exist_ok=True)
        (root / f.path).write_bytes(f.data)
    grades = grade_artifacts(spec, "ir-json", root, ctx)
    assert {g.clause for g in grades} == target.covered_clauses(spec, root)
    assert [g.clause for g in grades] == [
        c.id for c in spec.clauses if c.id in {g.clause for g in grades}
    ]
    assert all(g.grader == "rules" and 1 <= g.score <= 5 for g in grades)
    must = [g for g in grades if g.level == "MUST"]
    assert must and all(g.threshold == 4 for g in must)
