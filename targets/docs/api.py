"""The API reference page: interface items with TypeScript, Rust and Python signatures in tabs."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from types import ModuleType
from typing import Any

from specloom.model import InterfaceItem, Operation, Spec, TypeDef
from specloom.naming import union_variant_labels

from .env import md_inline, render
from .plan import API_PAGE, SitePlan, file_slug, rel_url

LANGUAGES = [
    ("TypeScript", "ts", "specloom.targets.typescript.signatures"),
    ("Rust", "rust", "specloom.targets.rust.signatures"),
    ("Python", "python", "specloom.targets.python.signatures"),
]
GROUPS = [
    ("Types", "types", "type", "type_signature"),
    ("Operations", "operations", "op", "operation_signature"),
    ("Errors", "errors", "error", "error_signature"),
    ("Constants", "constants", "const", "constant_signature"),
]


def signature_modules() -> list[tuple[str, str, ModuleType | None]]:
    """(label, code-fence language, module or None when that stub target is not installed)."""
    out: list[tuple[str, str, ModuleType | None]] = []
    for label, lang, name in LANGUAGES:
        try:
            out.append((label, lang, importlib.import_module(name)))
        except ImportError:
            out.append((label, lang, None))
    return out


def missing_languages() -> list[str]:
    """Labels of the stub languages whose signatures cannot be shown."""
    return [label for label, _, mod in signature_modules() if mod is None]


def item_anchor(prefix: str, name: str) -> str:
    """`type-Invoice`, `op-create_invoice`: prefixed so they never collide with clause ids."""
    return f"{prefix}-{file_slug(name)}"


def _declaration(item: InterfaceItem) -> str:
    """The item as the spec declares it: the fallback when no stub target is installed."""
    data = item.model_dump(mode="json", exclude={"pos", "section", "doc", "clauses"})
    return "\n".join(f"{k}: {v}" for k, v in data.items() if v not in (None, [], {}))


def _variants(spec: Spec, item: InterfaceItem) -> list[str]:
    """One Markdown line per variant of a union: its tag (or name) and its type, linked."""
    if not isinstance(item, TypeDef) or item.kind != "union":
        return []
    local = {t.name for t in spec.types}
    labels = union_variant_labels(
        [v.tag for v in item.variants], [v.type.text for v in item.variants]
    )
    out = []
    for label, v in zip(labels, item.variants, strict=True):
        ty = f"`{md_inline(v.type.text)}`"
        if v.type.kind == "named" and v.type.spec is None and v.type.name in local:
            ty = f"[{ty}](#{item_anchor('type', v.type.name)})"
        head = f"`{item.tag}: {md_inline(v.tag or '')}`" if item.tag else f"`{md_inline(label)}`"
        out.append(f"{head}: {ty}")
    return out


def _http(item: InterfaceItem) -> str:
    if not isinstance(item, Operation) or item.http is None:
        return ""  # the default binding (POST /<name>, JSON body) is not repeated per item
    method, path = item.binding()
    whole = item.whole_body()
    placed = [
        f"{p.name} is the body" if p.name == whole else f"{p.name} in {item.placement(p.name)}"
        for p in item.params
    ]
    return f"`{method} {md_inline(path)}`" + (f" ({', '.join(placed)})" if placed else "")


def api_page(spec: Spec, plan: SitePlan) -> str:
    """Render api.md: one group per kind of item, one tab per stub language."""
    mods = signature_modules()
    groups: list[dict[str, Any]] = []
    for title, attr, prefix, func_name in GROUPS:
        items: list[dict[str, Any]] = []
        for item in getattr(spec, attr):
            tabs = []
            for label, lang, mod in mods:
                func: Callable[[Spec, Any], str] | None = getattr(mod, func_name, None)
                if func is not None:
                    tabs.append({"label": label, "lang": lang, "code": func(spec, item)})
            if not tabs:
                tabs.append({"label": "Spec", "lang": "yaml", "code": _declaration(item)})
            clause_links = []
            for cid in item.clauses:
                page = plan.page_of(cid)
                text = md_inline(cid)
                clause_links.append(
                    f"[{text}]({rel_url(API_PAGE, page, cid, built=False)})" if page else f"`{cid}`"
                )
            items.append(
                {
                    "name": md_inline(item.name),
                    "anchor": item_anchor(prefix, item.name),
                    "doc": md_inline(item.doc or ""),
                    "clauses": ", ".join(clause_links),
                    "tabs": tabs,
                    "variants": _variants(spec, item),
                    "http": _http(item),
                }
            )
        if items:
            groups.append({"title": title, "anchor": f"api-{attr}", "entries": items})
    return render("docs/api.md.jinja", spec=spec, groups=groups)
