"""The tutorial target."""
