"""Hypothesis feeds random Markdown to the parser: it raises nothing but SpecloomError."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from specloom.errors import SpecloomError
from specloom.parse import load_spec_text
from specloom.parse.transcript import parse_transcript
from specloom.parse.typeexpr import TypeSyntaxError, parse_type

WORDS = st.sampled_from(
    ["the", "assistant", "MUST", "must not", "SHOULD", "may", "REQUIRED", "e.g.", "...", "—"]
)
IDS = st.from_regex(r"[a-z0-9_]{1,6}", fullmatch=True) | st.text(min_size=0, max_size=6)
SENTENCE = st.lists(WORDS, min_size=1, max_size=8).map(" ".join)
TAG = IDS.map(lambda i: f"[^{i}]")
ATTR = st.sampled_from(["authority=root", "tags=under_18", ".cls", 'k="a b"', "#", "=x", "{"])
HEADING = st.tuples(
    st.integers(1, 7), SENTENCE, st.one_of(st.just(""), IDS.map(lambda i: f"#{i}")), st.lists(ATTR)
).map(lambda t: f"{'#' * t[0]} {t[1]} {{{' '.join([t[2], *t[3]])}}}")
LINK = st.tuples(st.sampled_from(["?", "text", ""]), IDS, st.sampled_from(["", "other.md"])).map(
    lambda t: f"[{t[0]}]({t[2]}#{t[1]})"
)
PARAGRAPH = st.lists(st.one_of(SENTENCE, TAG, LINK, st.just("`[^code]`"), st.just(".")), max_size=8)
YAML_LINES = st.lists(
    st.sampled_from(
        [
            "types:",
            "  A:",
            "    fields: {a: list<string>}",
            "    values: [x, yes, 1]",
            "    alias: map<string,A?>?",
            "operations:",
            "  f: {params: {a: common.Money}, returns: ~, errors: [E]}",
            "errors: {E: ~}",
            "constants: {N: {type: int32, value: &a [*a]}}",
            "  - [",
            "\t: :",
            "call: f",
            "with: {a: 1}",
            "expect: {error: E}",
            "bogus: 1",
            "list<<",
        ]
    ),
    max_size=8,
).map("\n".join)
FENCE = st.tuples(
    st.sampled_from(["```", "~~~"]),
    st.sampled_from(["xml", "specloom", "specloom-example", "", "python"]),
    st.one_of(YAML_LINES, st.text(max_size=60), st.just("<user>\nhi\n</user><comparison>")),
    st.booleans(),
).map(lambda t: f"{t[0]}{t[1]}\n{t[2]}\n{t[0] if t[3] else ''}")
FRONT = st.one_of(
    st.just(""),
    st.just("---\nspec: x\nstrict: true\n---\n"),
    st.just("---\n"),
    st.just("---\n- a\n---\n"),
    st.tuples(st.sampled_from(["spec", "version", "imports", "strict", "other"]), st.text()).map(
        lambda t: f"---\n{t[0]}: {t[1]}\n---\n"
    ),
)
BLOCK = st.one_of(
    HEADING,
    PARAGRAPH.map(" ".join),
    FENCE,
    st.just("**Example**: a title"),
    st.just('!!! meta "Commentary"\n    indented text[^x]'),
    st.just("- item [^li]\n  - nested"),
    st.just("> quote [^q]"),
    st.text(max_size=40),
)
DOCUMENT = st.tuples(FRONT, st.lists(BLOCK, max_size=12)).map(lambda t: t[0] + "\n\n".join(t[1]))


def parse_or_spec_error(data: str | bytes, examples: dict[str, str | bytes] | None = None) -> None:
    try:
        spec = load_spec_text(data, "fuzz/spec.md", examples=examples)
    except SpecloomError as exc:
        assert exc.file is not None
        return
    spec.model_dump_json()  # the IR always serialises


@settings(
    max_examples=300, database=None, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(DOCUMENT)
def test_random_markdown_never_crashes(doc: str) -> None:
    parse_or_spec_error(doc)


@settings(max_examples=100, database=None, deadline=None)
@given(st.binary(max_size=300))
def test_random_bytes_never_crash(data: bytes) -> None:
    parse_or_spec_error(data)


@settings(
    max_examples=100, database=None, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(DOCUMENT, DOCUMENT)
def test_random_examples_files_never_crash(doc: str, example: str) -> None:
    parse_or_spec_error(doc, {"fuzz/examples/x1.md": example})


@settings(max_examples=200, database=None, deadline=None)
@given(st.text(max_size=200))
def test_random_transcripts_are_lenient(raw: str) -> None:
    transcript = parse_transcript(raw, "f.md", 1)
    assert transcript.raw == raw


@settings(max_examples=300, database=None, deadline=None)
@given(st.text(alphabet="<>,?. listmapstringint32Money_common", max_size=30))
def test_random_type_expressions(text: str) -> None:
    try:
        ref = parse_type(text)
    except TypeSyntaxError:
        return
    assert ref.text == text.strip()
