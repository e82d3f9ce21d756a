"""Evals: the eval case format the `evals` target publishes and `specloom eval` runs."""
