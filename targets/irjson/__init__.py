"""The irjson target."""
