"""Tests of specloom.naming: case conversion, reserved words, literal escaping."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from specloom import naming as n


@pytest.mark.parametrize(
    ("name", "pascal", "camel", "snake", "scream"),
    [
        ("unit_price", "UnitPrice", "unitPrice", "unit_price", "UNIT_PRICE"),
        ("unitPrice", "UnitPrice", "unitPrice", "unit_price", "UNIT_PRICE"),
        ("HTTPServer", "HttpServer", "httpServer", "http_server", "HTTP_SERVER"),
        ("invoice-id", "InvoiceId", "invoiceId", "invoice_id", "INVOICE_ID"),
        (
            "INVOICE_ID_PREFIX",
            "InvoiceIdPrefix",
            "invoiceIdPrefix",
            "invoice_id_prefix",
            "INVOICE_ID_PREFIX",
        ),
        ("v2_limit", "V2Limit", "v2Limit", "v2_limit", "V2_LIMIT"),
        ("2fa", "_2Fa", "_2Fa", "_2_fa", "_2_FA"),
        ("amount_minor", "AmountMinor", "amountMinor", "amount_minor", "AMOUNT_MINOR"),
    ],
)
def test_case_conversions(name: str, pascal: str, camel: str, snake: str, scream: str) -> None:
    assert n.pascal_case(name) == pascal
    assert n.camel_case(name) == camel
    assert n.snake_case(name) == snake
    assert n.screaming_snake_case(name) == scream


def test_typescript_names() -> None:
    assert n.ts_type_name("line_item") == "LineItem"
    assert n.ts_type_name("Promise") == "Promise_"
    assert n.ts_type_name("error") == "Error_"
    assert n.ts_member_name("unit_price") == "unitPrice"
    assert n.ts_member_name("class") == "class"  # legal as a property
    assert n.ts_param_name("class") == "class_"
    assert n.ts_param_name("default") == "default_"
    assert n.ts_const_name("invoice_id_prefix") == "INVOICE_ID_PREFIX"
    assert n.ts_property_key("a b") == '"a b"'
    assert n.ts_property_key("ok_1") == "ok_1"


def test_rust_names() -> None:
    assert n.rust_type_name("line_item") == "LineItem"
    assert n.rust_type_name("Error") == "Error_"
    assert n.rust_type_name("option") == "Option_"
    assert n.rust_field_name("type") == "r#type"
    assert n.rust_field_name("unitPrice") == "unit_price"
    assert n.rust_field_name("self") == "self_"
    assert n.rust_field_name("crate") == "crate_"
    assert n.rust_variant_name("self") == "Self_"
    assert n.rust_variant_name("draft") == "Draft"
    assert n.rust_const_name("minorUnitDigits") == "MINOR_UNIT_DIGITS"
    assert n.rust_module_name("common") == "common"
    assert n.rust_module_name("mod") == "mod_"


def test_reserved_predicates() -> None:
    assert n.rust_reserved("type", "field")
    assert not n.rust_reserved("kind", "field")
    assert n.rust_reserved("option", "type")
    assert n.ts_reserved("class", "param")
    assert n.ts_reserved("date", "type")
    assert not n.ts_reserved("invoice", "type")


def test_collisions() -> None:
    got = n.collisions(["unit_price", "unitPrice", "total"], n.rust_field_name)
    assert got == {"unit_price": ["unitPrice", "unit_price"]}
    assert n.collisions(["a", "b"], n.ts_type_name) == {}


@given(st.text())
def test_json_string_round_trips(text: str) -> None:
    lit = n.json_string(text)
    assert lit.isascii()
    assert json.loads(lit) == text


@given(st.text())
def test_rust_string_is_ascii_and_closed(text: str) -> None:
    lit = n.rust_string(text)
    assert lit.isascii()
    assert lit.startswith('"') and lit.endswith('"')
    body = lit[1:-1].replace("\\\\", "").replace('\\"', "")
    assert '"' not in body


@given(st.text(min_size=1))
def test_identifiers_are_ascii_identifiers(name: str) -> None:
    for conv in (n.ts_type_name, n.ts_param_name, n.rust_type_name, n.rust_const_name):
        out = conv(name).removeprefix("r#")
        assert out.isascii()
        assert out.isidentifier()


def test_comment_safe() -> None:
    assert n.comment_safe("a\r\nb\rc\u2028d") == "a\nb\nc\nd"
    assert n.comment_safe("x\x00y\x1bz\tw") == "x y z\tw"
    assert n.comment_safe("abc \u202e cba") == "abc <U+202E> cba"
