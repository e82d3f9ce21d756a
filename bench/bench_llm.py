"""Benchmark the LLM layer on the Model Spec: clarify, the rules grader, requests and cache hits.

    python bench/bench_llm.py [--requests 200]

Prints wall times. Requests go over real HTTP to the local fake OpenAI server
(tests/llm/fake_openai.py), so the numbers are specloom's and the client's overhead, not a
model's latency.
"""

from __future__ import annotations

import argparse
import importlib.util
import shutil
import sys
import tempfile
import time
from pathlib import Path

from pydantic import BaseModel

REPO = Path(__file__).resolve().parent.parent
MODEL_SPEC = REPO.parent / "shared" / "corpus" / "model_spec" / "model_spec.md"


class Verdict(BaseModel):
    score: int
    rationale: str


def _fake_server_module() -> object:
    spec = importlib.util.spec_from_file_location("fake_openai", REPO / "tests/llm/fake_openai.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()

    from specloom.check.lint import lint_workspace
    from specloom.llm.cache import ResponseCache
    from specloom.llm.clarify import insert_markers, questions_from_findings
    from specloom.llm.client import LlmClient
    from specloom.llm.config import load_llm_config
    from specloom.llm.grader import grade_artifacts
    from specloom.llm.usage import UsageLedger
    from specloom.parse import load_workspace
    from specloom.pipeline.registry import load_target
    from specloom.target import BuildContext

    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        spec_file = tmp / "model_spec.md"
        shutil.copy(MODEL_SPEC, spec_file)
        shutil.copytree(MODEL_SPEC.parent / "examples", tmp / "examples")

        t0 = time.perf_counter()
        ws = load_workspace(spec_file)
        findings = lint_workspace(ws)
        text = spec_file.read_text(encoding="utf-8")
        questions = questions_from_findings(findings)
        result = insert_markers(text, questions)
        t_clarify = time.perf_counter() - t0
        print(
            f"clarify (parse + lint + markers), Model Spec: {t_clarify:.2f} s, "
            f"{len(questions)} questions, {len(result.written)} marked"
        )

        [spec] = ws.specs.values()
        ctx = BuildContext(workspace=ws, output_dir=tmp / "out", cache_dir=tmp / "cache")
        target = load_target("ir-json")(ctx)
        root = tmp / "ir-json"
        for f in target.generate(spec):
            (root / f.path).parent.mkdir(parents=True, exist_ok=True)
            (root / f.path).write_bytes(f.data)
        t0 = time.perf_counter()
        grades = grade_artifacts(spec, "ir-json", root, ctx)
        print(
            f"rules grader, Model Spec ir-json: {time.perf_counter() - t0:.2f} s for "
            f"{len(grades)} clauses"
        )

        fake = _fake_server_module()
        with fake.FakeOpenAI() as server:  # type: ignore[attr-defined]
            cfg = load_llm_config({}, env={"OPENAI_BASE_URL": server.base_url})
            client = LlmClient(cfg, UsageLedger(cfg.prices), ResponseCache(tmp / "llm"))
            msgs = [[{"role": "user", "content": f"clause {i}"}] for i in range(args.requests)]
            t0 = time.perf_counter()
            for m in msgs:
                client.structured(m, Verdict, target="bench")
            t_http = time.perf_counter() - t0
            t0 = time.perf_counter()
            for m in msgs:
                client.structured(m, Verdict, target="bench")
            t_hit = time.perf_counter() - t0
        n = args.requests
        print(f"structured over HTTP (fake server): {t_http / n * 1000:.2f} ms a request")
        print(f"structured from the cache:          {t_hit / n * 1000:.3f} ms a hit")


if __name__ == "__main__":
    main()
