"""specloom: compile one specification into verified artifacts."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("specloom")
except PackageNotFoundError:  # running from a source tree without an install
    __version__ = "0.0.0"
