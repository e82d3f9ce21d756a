"""Gates over the published site: one anchor per clause (DOC002), every link resolves (DOC003)."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from specloom.findings import Finding, Severity
from specloom.model import Spec, Workspace

from .plan import SitePlan, plan_site
from .scan import PageScan, SiteScan, scan_page, scan_site

__all__ = ["PageScan", "SiteScan", "check_anchors", "check_links", "scan_page", "scan_site"]


def check_anchors(spec: Spec, scan: SiteScan, rule: str) -> list[Finding]:
    """Every clause id is the id of exactly one element of the site."""
    counts = scan.id_counts()
    out: list[Finding] = []
    done: set[str] = set()
    for c in spec.clauses:
        if c.id in done:
            continue
        done.add(c.id)
        n = counts.get(c.id, 0)
        if n != 1:
            what = "has no anchor" if n == 0 else f"has {n} anchors"
            out.append(
                Finding(
                    rule=rule,
                    severity=Severity.ERROR,
                    clause=c.id,
                    file=c.pos.file,
                    line=c.pos.line,
                    message=f"clause {c.id} {what} in the built site (expected "
                    "exactly one `#id`): rename the clashing heading or id",
                )
            )
    return out


@dataclass
class _SiteIndex:
    """What links resolve against: the site's files and folders, each page's ids."""

    files: set[str]
    dirs: set[str]
    ids: dict[str, set[str]]
    workspace: Workspace | None
    plans: dict[str, SitePlan] = field(default_factory=dict)

    def plan(self, spec_id: str) -> SitePlan | None:
        if self.workspace is None or spec_id not in self.workspace.specs:
            return None
        if spec_id not in self.plans:
            self.plans[spec_id] = plan_site(self.workspace.specs[spec_id])
        return self.plans[spec_id]


def check_links(
    spec: Spec, workspace: Workspace | None, site: Path, scan: SiteScan, rule: str
) -> list[Finding]:
    """Every relative link and reference resolves: files exist, fragments name an element."""
    paths = [p for p in site.rglob("*")]
    index = _SiteIndex(
        files={p.relative_to(site).as_posix() for p in paths if p.is_file()},
        dirs={p.relative_to(site).as_posix() for p in paths if p.is_dir()},
        ids={rel: set(page.ids) for rel, page in scan.pages.items()},
        workspace=workspace,
    )
    out: list[Finding] = []
    seen: set[tuple[str, str]] = set()
    for rel, page in scan.pages.items():
        if rel == "404.html":  # MkDocs writes it with root-absolute URLs, for the server root
            continue
        for link in page.links:
            if (rel, link) in seen:
                continue
            seen.add((rel, link))
            problem = _resolve(rel, link, index)
            if problem:
                out.append(
                    Finding(
                        rule=rule,
                        severity=Severity.ERROR,
                        file=f"site/{rel}",
                        message=f"link {link!r} does not resolve: {problem}; "
                        "fix the cross reference in the spec",
                    )
                )
    return out


def _resolve(page: str, link: str, index: _SiteIndex) -> str | None:
    parts = urlsplit(link)
    if parts.scheme or parts.netloc or link.startswith("//"):
        return None  # external: not this gate's business (offline)
    frag = unquote(parts.fragment)
    if not parts.path:
        target = page
    else:
        target = posixpath.normpath(posixpath.join(posixpath.dirname(page), unquote(parts.path)))
    if target.startswith("../"):
        return _resolve_cross_spec(target, frag, index)
    if target in (".", ""):
        target = "index.html"
    target = target.rstrip("/")
    if target in index.dirs:
        target = posixpath.join(target, "index.html") if target else "index.html"
    if target not in index.files:
        return f"no file {target}"
    if frag and target.endswith(".html"):
        ids = index.ids.get(target)
        if ids is None or frag not in ids:
            return f"no element with id {frag!r} in {target}"
    return None


def _resolve_cross_spec(target: str, frag: str, index: _SiteIndex) -> str | None:
    """`../../../<spec>/docs/site/<page>#id`: checked against that spec's IR, not the disk."""
    bits = target.split("/")
    rest = [b for b in bits if b != ".."]
    up = len(bits) - len(rest)
    if up != 3 or len(rest) < 4 or rest[1:3] != ["docs", "site"]:
        return "it leaves the site"
    spec_id, page = rest[0], "/".join(rest[3:])
    plan = index.plan(spec_id)
    if plan is None:
        return f"no spec {spec_id!r} in the workspace"
    if not frag:
        return None
    where = plan.page_of(frag)
    if where is None:
        return f"spec {spec_id!r} has no anchor {frag!r}"
    if where[: -len(".md")] + ".html" != page:
        return f"{frag!r} is on {where}, not {page}"
    return None
