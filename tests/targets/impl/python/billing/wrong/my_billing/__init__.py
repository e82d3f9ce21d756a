"""A deliberately wrong implementation of the billing spec (against the generated package)."""
