"""Gates over the built site: one anchor per clause, every link resolves, no live spec HTML."""

from __future__ import annotations

import posixpath
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from specloom.findings import Finding, Severity
from specloom.model import Spec, Workspace

from .plan import SitePlan, plan_site

CONTENT_CLASS = "md-content__inner"
"""Material wraps a page's own content in `<article class="md-content__inner md-typeset">`."""
LIVE_TAGS = {"script", "iframe", "object", "embed", "form", "base", "meta", "link", "style"}


@dataclass
class PageScan:
    """What one built HTML page contains: ids, links and live content inside the article."""

    ids: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    live: list[str] = field(default_factory=list)
    """Descriptions of script elements, event handlers and script URLs inside the content."""


class _Scanner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scan = PageScan()
        self._in_content = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._start(tag, attrs)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._start(tag, attrs)

    def _start(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "article" and CONTENT_CLASS in a.get("class", "").split():
            self._in_content = True
        if "id" in a:
            self.scan.ids.append(a["id"])
        for key in ("href", "src", "action", "formaction"):
            if key in a:
                self.scan.links.append(a[key])
                if (
                    a[key]
                    .strip()
                    .lower()
                    .startswith(("javascript:", "data:text/html", "vbscript:"))
                ):
                    self.scan.live.append(f"<{tag} {key}={a[key][:40]!r}>")
        if self._in_content:
            if tag in LIVE_TAGS:
                self.scan.live.append(f"<{tag}> element")
            handlers = sorted(k for k in a if k.startswith("on"))
            if handlers:
                self.scan.live.append(f"<{tag} {handlers[0]}=...> event handler")

    def handle_endtag(self, tag: str) -> None:
        if tag == "article":
            self._in_content = False


def scan_page(path: Path) -> PageScan:
    """Parse the content of one built page (the theme's navigation around it is MkDocs' own).

    Only the `<article>` is parsed: it holds everything that comes from the spec, and
    the navigation repeated on every page would multiply the work by the page count.
    """
    html = path.read_text(encoding="utf-8")
    start = html.find(f'<article class="{CONTENT_CLASS}')
    end = html.rfind("</article>")
    parser = _Scanner()
    parser.feed(html[start : end + len("</article>")] if 0 <= start < end else html)
    parser.close()
    return parser.scan


@dataclass
class SiteScan:
    """Every page of a built site, by POSIX path relative to the site folder."""

    pages: dict[str, PageScan]

    def id_counts(self) -> Counter[str]:
        counts: Counter[str] = Counter()
        for rel, page in self.pages.items():
            if rel != "404.html":
                counts.update(page.ids)
        return counts


def scan_site(site: Path) -> SiteScan:
    """Parse every HTML page of a built site."""
    pages = {p.relative_to(site).as_posix(): scan_page(p) for p in sorted(site.rglob("*.html"))}
    return SiteScan(pages)


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


def check_live_html(scan: SiteScan, rule: str) -> list[Finding]:
    """Spec text never becomes live HTML: no script, handler or script URL in page content."""
    out: list[Finding] = []
    for rel, page in scan.pages.items():
        for what in sorted(set(page.live)):
            out.append(
                Finding(
                    rule=rule,
                    severity=Severity.ERROR,
                    file=f"site/{rel}",
                    message=f"live HTML in the page content: {what}; raw HTML in "
                    "the spec must be escaped (report this as a bug)",
                )
            )
    return out
