"""The podcast target."""
