"""Parse the published HTML of a site: ids, links, scripts and the content items the gates check."""

from __future__ import annotations

import hashlib
import html
import re
import threading
from collections import Counter, OrderedDict
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

CONTENT_CLASS = "md-content__inner"
"""Material wraps a page's own content in `<article class="md-content__inner md-typeset">`."""
LIVE_TAGS = {"script", "iframe", "object", "embed", "form", "base", "meta", "link", "style"}
"""Elements that never belong in page content (outside it the theme has its own)."""
URL_ATTRS = ("href", "src", "action", "formaction", "data", "poster", "xlink:href")
SCRIPT_SCHEMES = ("javascript:", "data:text/html", "vbscript:")
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_BLOCKS = _HEADINGS | {"p", "li", "div", "td", "th", "blockquote", "dd", "dt", "pre", "table"}
_VERDICTS = {"sl-good": "GOOD", "sl-bad": "BAD", "sl-ok": "OK"}


@dataclass(frozen=True)
class Event:
    """One item of a page's content, in document order.

    kinds: `heading` (value = its id), `clause` (a clause anchor's id), `msg` (a transcript
    message; value = the verdict its styling shows, "" for none), `verdict` (the verdict
    label's text), `label` (a tab label's text), `code` (a `<pre><code>` block's text),
    `link` (an `<a href>`), `badge` (a level badge's text).
    """

    kind: str
    value: str


@dataclass(frozen=True)
class ScriptTag:
    """One `<script>` element anywhere in a page: its attributes and inline text."""

    attrs: tuple[tuple[str, str], ...]
    text: str

    def get(self, key: str) -> str | None:
        return dict(self.attrs).get(key)


@dataclass
class PageScan:
    """What one built HTML page contains."""

    ids: list[str] = field(default_factory=list)
    """Element ids inside the content (the theme's own ids around it are not clause anchors)."""
    links: list[str] = field(default_factory=list)
    """Every URL attribute inside the content."""
    live: list[str] = field(default_factory=list)
    """Event handlers and script URLs anywhere, live elements inside the content."""
    scripts: list[ScriptTag] = field(default_factory=list)
    """Every `<script>` of the page (the theme's, and any other)."""
    events: list[Event] = field(default_factory=list)
    """The content's items in document order (see Event)."""
    said: dict[str, tuple[str, int]] = field(default_factory=dict)
    """Clause id -> the text of the block (paragraph, list item...) holding its anchor, the
    anchors' own text left out, and where in that text the anchor stands."""


@dataclass
class _Capture:
    """An element whose text is being collected (a label, verdict, code block or script)."""

    kind: str
    tag: str
    attrs: dict[str, str]
    depth: int = 1
    text: list[str] = field(default_factory=list)


class _Scanner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scan = PageScan()
        self._in_content = 0
        self._in_pre = 0
        self._capture: list[_Capture] = []
        self._block: list[str] = []
        """Text of the current block (outside clause anchors)."""
        self._pending: list[tuple[str, int]] = []
        """Clause anchors in the current block, with their offsets in its text."""
        self._in_anchor = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._start(tag, attrs, closed=False)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._start(tag, attrs, closed=True)

    def _start(self, tag: str, attrs: list[tuple[str, str | None]], *, closed: bool) -> None:
        a = {k: v or "" for k, v in attrs}
        classes = a.get("class", "").split()
        if not closed:
            for cap in self._capture:
                if cap.tag == tag:
                    cap.depth += 1
        if self._in_content and tag == "article":
            self._in_content += 1
        elif tag == "article" and CONTENT_CLASS in classes:
            self._in_content = 1
        self._live(tag, a)
        if tag == "script":
            self._open(_Capture("script", tag, a), closed)
            return
        if not self._in_content:
            return
        if "id" in a:
            self.scan.ids.append(a["id"])
        for key in URL_ATTRS:
            if key in a:
                self.scan.links.append(a[key])
                if key == "href" and tag == "a":
                    self.scan.events.append(Event("link", a[key]))
        if tag in _BLOCKS:
            self._flush()
        if self._in_anchor and tag == "span" and not closed:
            self._in_anchor += 1
        if tag in _HEADINGS and "id" in a:
            self.scan.events.append(Event("heading", a["id"]))
        elif tag == "span" and "sl-clause" in classes and "id" in a:
            self.scan.events.append(Event("clause", a["id"]))
            self._pending.append((a["id"], sum(len(t) for t in self._block)))
            if not closed:
                self._in_anchor = 1
        if tag == "span" and "sl-badge" in classes:
            self._open(_Capture("badge", tag, a), closed)
        elif tag == "div" and "sl-msg" in classes:
            shown = [v for c, v in _VERDICTS.items() if c in classes]
            self.scan.events.append(Event("msg", ",".join(shown)))
        elif tag == "span" and "sl-verdict" in classes:
            self._open(_Capture("verdict", tag, a), closed)
        elif tag == "label":
            self._open(_Capture("label", tag, a), closed)
        elif tag == "pre" and not closed:
            self._in_pre += 1
        elif tag == "code" and self._in_pre and not any(c.kind == "code" for c in self._capture):
            self._open(_Capture("code", tag, a), closed)

    def _open(self, cap: _Capture, closed: bool) -> None:
        if closed:
            self._emit(cap)
        else:
            self._capture.append(cap)

    def _emit(self, cap: _Capture) -> None:
        text = "".join(cap.text)
        if cap.kind == "script":
            self.scan.scripts.append(ScriptTag(tuple(sorted(cap.attrs.items())), text))
        elif self._in_content:
            value = text if cap.kind == "code" else " ".join(text.split())
            self.scan.events.append(Event(cap.kind, value))

    def _live(self, tag: str, a: dict[str, str]) -> None:
        """Handlers and script URLs anywhere in the page; live elements inside the content."""
        for key, value in a.items():
            if key in URL_ATTRS and value.strip().lower().startswith(SCRIPT_SCHEMES):
                self.scan.live.append(f"<{tag} {key}={value[:40]!r}>")
        handlers = sorted(k for k in a if k.startswith("on"))
        if handlers:
            self.scan.live.append(f"<{tag} {handlers[0]}=...> event handler")
        if self._in_content and tag in LIVE_TAGS:
            self.scan.live.append(f"<{tag}> element in the page content")

    def handle_data(self, data: str) -> None:
        for cap in self._capture:
            cap.text.append(data)
        if self._in_content and not self._in_anchor:
            self._block.append(data)

    def _flush(self) -> None:
        """A block ends: its text is what each anchor in it says."""
        text = "".join(self._block)
        for cid, offset in self._pending:
            self.scan.said.setdefault(cid, (text, offset))
        self._pending = []
        self._block = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "article" and self._in_content:
            self._in_content -= 1
        if tag == "pre" and self._in_pre:
            self._in_pre -= 1
        if tag == "span" and self._in_anchor:
            self._in_anchor -= 1
        if tag in _BLOCKS and self._in_content:
            self._flush()
        for cap in list(self._capture):
            if cap.tag != tag:
                continue
            cap.depth -= 1
            if cap.depth == 0:
                self._capture.remove(cap)
                self._emit(cap)

    def close(self) -> None:
        super().close()
        self._flush()
        for cap in self._capture:  # an unclosed script still counts
            self._emit(cap)
        self._capture.clear()


def scan_page(path: Path) -> PageScan:
    """Parse one built page: its content whole, and the theme's markup around it for scripts.

    The content (`<article>`) goes through the parser. The theme's markup around it (the
    navigation, repeated on every page: parsing it whole made the gates of a 1,000-clause
    site ten times slower) is parsed only where something could be live: its `<script>`
    elements always, and all of it when a prefilter finds anything else that could be live
    (a handler-like attribute, a script scheme even behind entities). The prefilter only
    decides what to skip when it proves there is nothing; anything it flags goes to the
    parser, so the result is the same as a whole-page parse.
    """
    return scan_page_text(path.read_text(encoding="utf-8"))


def scan_page_text(text: str) -> PageScan:
    """`scan_page` of a page's text."""
    start = text.find(f'<article class="{CONTENT_CLASS}')
    end = text.rfind("</article>")
    if not 0 <= start < end:
        return scan_html(text)
    end += len("</article>")
    scan = scan_html(text[start:end])
    for chrome in (text[:start], text[end:]):
        _scan_chrome(chrome, scan)
    return scan


_SCRIPT_ELEMENT = re.compile(r"<script.*?(?:</script|\Z)", re.IGNORECASE | re.DOTALL)
_HANDLER_LIKE = re.compile(r"""[\s/"']on[\w-]*\s*=""", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x20]+")


def _scan_chrome(chrome: str, scan: PageScan) -> None:
    """Scripts, handlers and script URLs in the theme's markup around the content."""
    rest = _SCRIPT_ELEMENT.sub(" ", chrome)
    flat = _CONTROL.sub("", html.unescape(rest)).lower()
    suspect = (
        "<script" in rest.lower()
        or _HANDLER_LIKE.search(rest) is not None
        or any(scheme in flat for scheme in SCRIPT_SCHEMES)
    )
    pieces = [chrome] if suspect else [m.group(0) + ">" for m in _SCRIPT_ELEMENT.finditer(chrome)]
    for piece in pieces:
        part = scan_html(piece)
        scan.live += part.live
        scan.scripts += part.scripts


def scan_html(html: str) -> PageScan:
    """Parse HTML text (tests and the examples pages' sections)."""
    parser = _Scanner()
    parser.feed(html)
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


_RECENT: OrderedDict[str, SiteScan] = OrderedDict()
_RECENT_LOCK = threading.Lock()


def scan_site(site: Path) -> SiteScan:
    """Parse every HTML page of a built site.

    A build reads the same pages three times (the gates, the coverage, the grader's
    coverage); the last few scans are kept by the sha256 of every page's path and bytes,
    read again each time, so a page changed in between is parsed again, never assumed.
    """
    paths = sorted(site.rglob("*.html"))
    texts = [(p.relative_to(site).as_posix(), p.read_bytes()) for p in paths]
    digest = hashlib.sha256()
    for rel, data in texts:
        digest.update(f"{rel}\0{len(data)}\0".encode())
        digest.update(data)
    key = digest.hexdigest()
    with _RECENT_LOCK:
        hit = _RECENT.get(key)
        if hit is not None:
            _RECENT.move_to_end(key)
            return hit
    pages = {rel: scan_page_text(data.decode("utf-8")) for rel, data in texts}
    scan = SiteScan(pages)
    with _RECENT_LOCK:
        _RECENT[key] = scan
        while len(_RECENT) > 4:
            _RECENT.popitem(last=False)
    return scan
