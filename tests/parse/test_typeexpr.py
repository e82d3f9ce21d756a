"""The type grammar: what parses into which TypeRef, and what is a syntax error."""

from __future__ import annotations

import pytest

from specloom.parse.typeexpr import TypeSyntaxError, parse_type


def shape(text: str) -> str:
    """A compact rendering of the parsed tree, to compare against."""

    def walk(ref: object) -> str:
        from specloom.model import TypeRef

        assert isinstance(ref, TypeRef)
        name = f"{ref.spec}.{ref.name}" if ref.spec else ref.name
        inner = f"<{','.join(walk(a) for a in ref.args)}>" if ref.args else ""
        return f"{ref.kind[0]}:{name}{inner}{'?' if ref.optional else ''}"

    return walk(parse_type(text))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("string", "p:string"),
        ("int64?", "p:int64?"),
        ("uuid", "p:uuid"),
        ("Money", "n:Money"),
        ("common.Money", "n:common.Money"),
        ("common.Money?", "n:common.Money?"),
        ("list<string>", "l:list<p:string>"),
        ("list<int32?>?", "l:list<p:int32?>?"),
        ("map<string,int64>", "m:map<p:string,p:int64>"),
        (" map< string , list<common.Money> > ", "m:map<p:string,l:list<n:common.Money>>"),
        ("list<list<list<A>>>", "l:list<l:list<l:list<n:A>>>"),
        ("String", "n:String"),  # not a primitive: primitives are lowercase
        ("listing", "n:listing"),
        ("Unknown", "n:Unknown"),  # unknown names are the type checker's business
    ],
)
def test_valid_expressions(text: str, expected: str) -> None:
    assert shape(text) == expected
    assert parse_type(text).text == text.strip()


def test_nested_text_keeps_each_argument_as_written() -> None:
    ref = parse_type("map<string, list<int32?>>?")
    assert ref.text == "map<string, list<int32?>>?"
    assert ref.args[1].text == "list<int32?>"
    assert ref.args[1].args[0].text == "int32?"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "expected a type name"),
        ("list", "needs its type arguments"),
        ("map<string>", "expected ','"),
        ("list<string", "expected '>'"),
        ("list<>", "expected a type name"),
        ("map<int32,string>", "map keys must be `string`"),
        ("map<string?,string>", "map keys must be `string`"),
        ("a.b.c", "one dot"),
        ("string??", "unexpected '?'"),
        ("string int32", "unexpected"),
        ("list<string>>", "unexpected '>'"),
        ("1abc", "expected a type name"),
        ("Money[]", "unexpected '[]'"),
    ],
)
def test_syntax_errors(text: str, message: str) -> None:
    with pytest.raises(TypeSyntaxError, match=message.replace("?", r"\?").replace("[", r"\[")):
        parse_type(text)
