"""Checks over the IR: lint rules, type check, cross-spec conflicts, diff."""
