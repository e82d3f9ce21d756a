"""A stateless implementation of the counters spec: it forgets every counter."""
