"""A correct implementation of the counters spec."""
