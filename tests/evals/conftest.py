"""Fixtures of the eval tests; `evalkit` holds the helpers they share."""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:  # the tests import `evalkit` by name
    sys.path.insert(0, str(HERE))
