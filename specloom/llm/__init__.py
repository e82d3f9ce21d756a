"""LLM backend: OpenAI-compatible client, cache, prose, grader."""
