"""The item readers of the stub targets (targets/<lang>/items.py) and their literal parsers:
they read back exactly what the generators write."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from specloom.targets.constvalues import BadLiteral, same_value
from specloom.targets.rust import items as rs_items
from specloom.targets.typescript import items as ts_items

from specloom.naming import json_string, rust_string

GOLDEN = Path(__file__).resolve().parents[1] / "golden"


@given(st.text())
def test_string_literals_round_trip(text: str) -> None:
    assert rs_items.parse_literal(rust_string(text)) == text
    assert ts_items.parse_literal(json_string(text)) == text


def test_number_and_bool_literals() -> None:
    assert rs_items.parse_literal("2") == 2 and rs_items.parse_literal("2.5") == 2.5
    assert math.isnan(rs_items.parse_literal("f64::NAN"))  # type: ignore[arg-type]
    assert rs_items.parse_literal("false") is False
    assert ts_items.parse_literal("12n") == 12 and ts_items.parse_literal("-Infinity") == -math.inf
    with pytest.raises(BadLiteral):
        rs_items.parse_literal('"a\\qb"')
    with pytest.raises(BadLiteral):
        ts_items.parse_literal("inv_")
    assert same_value(2, 2.0) and not same_value(True, 1) and same_value(math.nan, math.nan)


def test_readers_find_every_item_of_the_goldens() -> None:
    ts = ts_items.read_items(GOLDEN / "typescript" / "billing", "BillingService")
    rs = rs_items.read_items(GOLDEN / "rust" / "billing", "BillingService")
    for found in (ts, rs):
        kinds = {(i.kind, i.name.lower().replace("_", "")): i.clauses for i in found}
        assert kinds[("operation", "createinvoice")] == (
            "bil1",
            "bil2",
            "bil3",
            "bil4",
            "bil5",
            "bil7",
        )
        assert kinds[("error", "emptyinvoice")] == ("bil1",)
        assert kinds[("type", "invoicestatus")] == ("bil5",)
        assert kinds[("constant", "invoiceidprefix")] == ("bil6",)
    const = next(i for i in rs if i.kind == "constant" and i.name == "INVOICE_ID_PREFIX")
    assert const.value == '"inv_"' and const.file == "src/api.rs"
