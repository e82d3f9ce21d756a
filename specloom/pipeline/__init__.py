"""The build pipeline as plain functions: plan, check, generate, verify, publish, record."""
