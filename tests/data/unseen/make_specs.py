"""Writes the three unseen-style spec workspaces (kept as test data; rerun to regenerate).

Each is a style unlike the example workspace: `handbook` (long prose, nested sections five
deep, no interface blocks), `warehouse` (many small operations, deep type nesting) and
`lugha` (Arabic/Hebrew/CJK text, a BOM, CRLF line endings, tabs, very long lines).
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent


def write(path: Path, text: str, *, crlf: bool = False, bom: bool = False) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if crlf:
        text = text.replace("\n", "\r\n")
    data = text.encode("utf-8")
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)


def handbook() -> None:
    root = HERE / "handbook" / "specs" / "handbook"
    parts = [
        "---\nspec: handbook\ntitle: Field operations handbook\nversion: 2.0.0\n"
        "date: 2026-10-01\nstatus: draft\nstrict: true\n---\n\n"
        "# Field operations handbook {#handbook}\n\n"
        "This handbook describes how a field team plans, runs and closes a site visit. It is\n"
        "written as prose for people, not as an interface: nothing in it becomes a type.\n"
        "Read it from the top; later chapters assume the vocabulary of earlier ones.\n\n"
        '!!! note "How to read this handbook"\n'
        "    Each chapter opens with its purpose, then its rules. Rules that are binding use\n"
        "    the capitalised keywords; everything else is explanation.\n\n"
    ]
    chapters = [
        ("planning", "Planning a visit"),
        ("travel", "Travel and arrival"),
        ("work", "Doing the work"),
        ("closing", "Closing the visit"),
    ]
    n = 0
    for cid, title in chapters:
        parts.append(f"## {title} {{#{cid}}}\n\n")
        parts.append(
            f"The chapter on {title.lower()} is long on purpose. "
            + "A team that reads it before the visit avoids most of the surprises that the "
            "previous seasons recorded in their reports. " * 6 + "\n\n"
        )
        for s in range(1, 3):
            sid = f"{cid}-{s}"
            parts.append(f"### Part {s} of {title.lower()} {{#{sid}}}\n\n")
            n += 1
            parts.append(
                f"The lead of the team MUST record the weather forecast in the visit log "
                f"before step {s} begins[^hb{n}]. "
                "Members SHOULD bring a printed copy of the site map. "
                "A team MAY split into pairs when the site is larger than one hectare.\n\n"
            )
            parts.append(
                "- first, the lead reads the log aloud;\n"
                "- second, each member confirms the equipment list;\n"
                "    - nested: the radio is tested on both channels;\n"
                "    - nested: the first-aid kit is opened and counted;\n"
                "- third, the team leaves.\n\n"
                "| Role | Carries | Reports to |\n| --- | --- | --- |\n"
                "| lead | log, radio | office |\n| member | kit, map | lead |\n\n"
            )
            for d in range(1, 3):
                did = f"{sid}-{d}"
                parts.append(f"#### Detail {d} {{#{did}}}\n\n")
                n += 1
                parts.append(
                    f"A member MUST NOT leave the marked path without telling the lead"
                    f"[^hb{n}]. See [?](#{cid}) and [the closing rules](#closing).\n\n"
                )
                parts.append(f"##### Note on detail {d} {{#{did}-note}}\n\n")
                parts.append(
                    "Past reports show that this detail is where most delays come from; "
                    "the office keeps them for three seasons.\n\n"
                )
    write(root / "spec.md", "".join(parts))
    for k in range(1, n + 1):
        must_not = k % 2 == 0
        good, bad = (
            ("I will tell the lead before I leave the path.", "I left the path to look around.")
            if must_not
            else ("Forecast recorded: light rain after noon.", "We skipped the forecast today.")
        )
        write(
            root / "examples" / f"hb{k}.md",
            f"Examples for [^hb{k}]:\n\n**Example**: what a member says, case {k}\n\n"
            "~~~xml\n<user>\nWhat do you do now?\n</user>\n<comparison>\n"
            f"<assistant> <!-- GOOD: follows the rule -->\n{good}\n</assistant>\n"
            f"<assistant> <!-- BAD: breaks the rule -->\n{bad}\n</assistant>\n"
            "</comparison>\n~~~\n",
        )


def warehouse() -> None:
    root = HERE / "warehouse" / "specs" / "warehouse"
    entities = ["bin", "shelf", "aisle", "zone", "dock", "pallet", "crate", "label"]
    types = [
        "types:",
        "  Dimensions:",
        "    doc: Outer size in millimetres.",
        "    fields: {width: int32, depth: int32, height: int32}",
        "  Level5:",
        "    doc: The innermost record.",
        "    fields: {code: string, weights: list<float64>, seen: datetime?}",
        "  Level4:",
        '    fields: {inner: list<Level5>, index: "map<string,list<Level5?>>"}',
        "  Level3:",
        '    fields: {inner: "map<string,Level4>", size: Dimensions?}',
        "  Level2:",
        "    fields:\n      inner: list<map<string,list<Level3>>>",
        "  Level1:",
        "    doc: Five records deep, through lists and maps.",
        "    fields: {inner: Level2, tags: list<list<list<string>>>}",
        "  Kind:",
        "    values: [" + ", ".join(entities) + "]",
        "  Code: string",
    ]
    for e in entities:
        cap = e.capitalize()
        types += [
            f"  {cap}:",
            f"    doc: A {e} of the warehouse.",
            "    clauses: [wh1]",
            "    fields:",
            "      id: string",
            "      kind: Kind",
            "      code: Code",
            "      tree: Level1?",
            "      size: nullable<Dimensions>",
        ]
    ops = ["operations:"]
    for e in entities:
        cap = e.capitalize()
        for verb, params, ret in (
            ("create", "{code: Code}", cap),
            ("get", "{id: string}", cap),
            ("list", "{limit: int32?}", f"list<{cap}>"),
            ("rename", "{id: string, code: Code}", cap),
            ("remove", "{id: string}", "bool"),
        ):
            ops += [
                f"  {verb}_{e}:",
                "    clauses: [wh2]",
                f"    params: {params}",
                f"    returns: {ret}",
            ]
            if verb != "create" and verb != "list":
                ops.append("    errors: [NotFound]")
            if verb == "create":
                ops.append("    errors: [BadCode]")
    errors = [
        "errors:",
        "  NotFound: {clauses: [wh3], doc: No item has that id.}",
        "  BadCode: {clauses: [wh4], doc: The code is empty.}",
        "constants:",
        "  MAX_DEPTH: {type: int32, value: 5, doc: Nesting depth of a tree., clauses: [wh1]}",
    ]
    block = "\n".join(types + ops + errors)
    text = (
        "---\nspec: warehouse\ntitle: Warehouse inventory\nversion: 0.3.0\n"
        "date: 2026-09-09\nstrict: true\n---\n\n# Warehouse {#warehouse}\n\n"
        "## Items {#items}\n\n"
        "Every stored item MUST carry a kind, a code and an identifier[^wh1]. Each kind of item "
        "MUST offer create, get, list, rename and remove operations[^wh2]. An unknown "
        "identifier MUST fail with the error `NotFound`[^wh3]. An empty code MUST fail with the "
        "error `BadCode`[^wh4].\n\n```specloom\n" + block + "\n```\n"
    )
    write(root / "spec.md", text)
    write(
        root / "examples" / "wh1.md",
        "Examples for [^wh1]:\n\n**Example**: a new bin has its code\n\n```specloom-example\n"
        'call: create_bin\nwith: {code: "B-1"}\nexpect: {code: "B-1", kind: bin}\n```\n',
    )
    write(
        root / "examples" / "wh2.md",
        "Examples for [^wh2]:\n\n**Example**: a created shelf can be renamed\n\n"
        '```specloom-example\ngiven:\n  - call: create_shelf\n    with: {code: "S-1"}\n'
        '    as: shelf\ncall: rename_shelf\nwith: {id: $shelf.id, code: "S-2"}\n'
        'expect: {code: "S-2"}\n```\n',
    )
    write(
        root / "examples" / "wh3.md",
        "Examples for [^wh3]:\n\n**Example**: an unknown crate\n\n```specloom-example\n"
        'call: get_crate\nwith: {id: "nope"}\nexpect: {error: NotFound}\n```\n',
    )
    write(
        root / "examples" / "wh4.md",
        "Examples for [^wh4]:\n\n**Example**: an empty label code\n\n```specloom-example\n"
        'call: create_label\nwith: {code: ""}\nexpect: {error: BadCode}\n```\n',
    )


def lugha() -> None:
    root = HERE / "lugha" / "specs" / "lugha"
    long_ar = "يجب أن يكون النص واضحاً ومقروءاً لكل المستخدمين في كل الأوقات " * 40
    long_en = (
        "A message MUST keep every character the sender typed, in the order typed, including "
        "right-to-left text such as שלום עולם and مرحبا بالعالم, ideographs such as 你好世界, "
        "combining marks such as é and é, and emoji such as 👋🏽, so that what the receiver "
        "reads is what the sender wrote, byte for byte, even when the line is very long "
        + "and keeps going for the sake of a long line " * 25
        + "[^lg1]."
    )
    text = (
        '---\nspec: lugha\ntitle: "Lugha: رسائل متعددة اللغات"\nversion: 1.0.0\n'
        "date: 2026-08-08\nstrict: true\n---\n\n"
        "# Lugha — رسائل {#lugha}\n\n"
        "This spec is about messages in many scripts.\tTabs\tsit between words here.\n"
        f"{long_ar}\n\n"
        "## الرسائل والنص {#messages}\n\n"
        f"{long_en}\n\n"
        "A message id SHOULD be short[^lg2]. ההודעה היא טקסט חופשי.\n\n"
        "**Example**: a greeting in Arabic\n\n"
        "~~~xml\n<user>\nأرسل: مرحبا\n</user>\n<comparison>\n"
        "<assistant> <!-- GOOD: the text is kept -->\nمرحبا\n</assistant>\n"
        "<assistant> <!-- BAD: the text is transliterated -->\nmarhaba\n</assistant>\n"
        "</comparison>\n~~~\n\n"
        '```specloom\ntypes:\n  Message:\n    doc: "رسالة: a text in any script — 你好."\n'
        "    clauses: [lg1, lg2]\n    fields:\n      id: string\n      text: string\n"
        "      lang: string?\noperations:\n  send_message:\n"
        '    doc: "Send one message; the text is kept as written (שלום)."\n'
        "    clauses: [lg1]\n    params: {text: string, lang: string?}\n"
        "    returns: Message\n    errors: [EmptyText]\nerrors:\n"
        '  EmptyText: {clauses: [lg1], doc: "النص فارغ — the text is empty."}\n```\n\n'
        "## 日本語の節 {#cjk}\n\n"
        "A line with a\ttab inside is still prose here. The service MUST NOT change the "
        "normalisation form of a text[^lg3].\n"
    )
    write(root / "spec.md", text, crlf=True, bom=True)
    write(
        root / "examples" / "lg1.md",
        "Examples for [^lg1]:\n\n**Example**: Arabic text comes back unchanged\n\n"
        '```specloom-example\ncall: send_message\nwith: {text: "مرحبا بالعالم 👋🏽"}\n'
        'expect: {text: "مرحبا بالعالم 👋🏽"}\n```\n\n'
        "**Example**: an empty text is refused\n\n```specloom-example\ncall: send_message\n"
        'with: {text: ""}\nexpect: {error: EmptyText}\n```\n',
        crlf=True,
        bom=True,
    )
    write(
        root / "examples" / "lg2.md",
        "Examples for [^lg2]:\n\n**Example**: a short id\n\n~~~xml\n<user>\nשלח הודעה\n</user>\n"
        "<comparison>\n<assistant> <!-- GOOD: short id -->\nid: m1\n</assistant>\n"
        "<assistant> <!-- BAD: very long id -->\nid: message-000000000000000000000001\n"
        "</assistant>\n</comparison>\n~~~\n",
        crlf=True,
    )
    write(
        root / "examples" / "lg3.md",
        "Examples for [^lg3]:\n\n**Example**: é stays decomposed\n\n```specloom-example\n"
        'call: send_message\nwith: {text: "e\u0301"}\nexpect: {text: "e\u0301"}\n```\n',
        crlf=True,
    )


if __name__ == "__main__":
    handbook()
    warehouse()
    lugha()
