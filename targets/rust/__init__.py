"""The rust target."""
