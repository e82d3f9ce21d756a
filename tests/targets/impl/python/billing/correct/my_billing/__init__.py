"""A correct implementation of the billing spec, written against the generated package."""
