"""A stateless implementation of the billing spec: it cannot read an invoice back."""
