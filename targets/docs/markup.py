"""Spec Markdown -> page Markdown: inert raw HTML, resolved links, clause anchors, transcripts."""

from __future__ import annotations

import html
import posixpath
import re
import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field

from specloom.model import Level, Spec, Workspace
from specloom.parse.transcript import COMPARISON, OPEN_TAG, VERDICT, matching_close

from .plan import SitePlan, file_slug, html_path, plan_site, rel_url

_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})(?P<info>[^\n]*)$")
_CODE_SPAN = re.compile(r"(?<![`\\])(`+)(?!`)([^\n]+?)(?<!`)\1(?!`)")
"""A code span kept verbatim: on one line, not after a backslash. Every other backtick is
escaped, so Python-Markdown cannot pair backticks differently and unprotect raw text."""
_INLINE = re.compile(
    r"\[\^(?P<fn>[^\]\s]+)\]"
    r"|\[(?P<text>(?:[^\[\]]|\[[^\[\]]*\])*)\]"
    r"\((?P<url>(?:[^()\s]|\([^()\s]*\))*)(?P<title>\s+(?:\"[^\"]*\"|'[^']*'))?\s*\)"
    r"|<(?P<auto>(?:https?|mailto):[^\s<>]+)>"
)
_SAFE_SCHEMES = ("http://", "https://", "mailto:")
LEVEL_CLASS = {lv: "sl-" + lv.value.lower().replace(" ", "-") for lv in Level}


_SCRIPT_SCHEME = re.compile(r"(?i)\b(javascript|vbscript|data(?=\s*:\s*\w+/))(\s*):")

_UNSAFE_REF_DEF = re.compile(
    r"(?mi)^( {0,3})\[([^\]]+)\]:(\s*(?:&lt;)?\s*(?:javascript|vbscript|data)\s*:)"
)


_UNSAFE_LINK = re.compile(
    r"\[((?:[^\[\]]|\[[^\[\]]*\])*)\]"
    r"\(\s*(?:&lt;)?\s*(?:javascript|vbscript|data)\s*:(?:[^()]|\([^()]*\))*\)",
    re.IGNORECASE,
)


def escape_text(text: str) -> str:
    """Make spec text inert: no tag, comment or script URL of the spec can go live.

    Every `<` becomes an entity; a link to a script URL keeps only its text; any other
    script scheme (`javascript:`) gets a backslash before its colon, which turns any link
    Markdown still makes of it into a harmless relative URL; a reference definition with
    such a scheme is escaped, so it defines nothing.
    """
    text = _UNSAFE_LINK.sub(r"\1", text.replace("<", "&lt;"))
    text = _UNSAFE_REF_DEF.sub(r"\1\\[\2]:\3", text)
    return _SCRIPT_SCHEME.sub(r"\1\2\\:", text)


_UNESCAPED_BACKTICK = re.compile(r"(?<!\\)((?:\\\\)*)`")


def _escape_gap(text: str) -> str:
    """Text between code spans and links: inert, and with no backtick left to pair.

    A backtick after an odd number of backslashes is escaped already; any other gets one.
    """
    return _UNESCAPED_BACKTICK.sub(r"\1\\`", escape_text(text))


def safe_url(url: str) -> str:
    """A URL for Markdown output: characters that could end or re-pair markup, %-encoded."""
    return "".join(f"%{ord(ch):02X}" if ch in "`<>\"' " else ch for ch in url)


def plain_title(text: str) -> str:
    """A title for mkdocs.yml (site name, navigation): the theme puts it in attributes."""
    return " ".join(re.sub(r"[<>\"'`&]", "", text).split()) or "Untitled"


def badge(level: Level) -> str:
    """The MUST/SHOULD/MAY badge of a clause (empty for a clause with no keyword)."""
    if level is Level.NONE:
        return ""
    return f'<span class="sl-badge {LEVEL_CLASS[level]}">{level.value}</span>'


@dataclass
class Renderer:
    """Renders the Markdown of one spec onto one page of its site."""

    spec: Spec
    plan: SitePlan
    workspace: Workspace | None = None
    page: str = "index.md"
    anchored: set[str] = field(default_factory=set)
    """Clause ids that already have their anchor somewhere on the site."""
    _plans: dict[str, SitePlan] = field(default_factory=dict)
    _in_message: bool = False

    # -- links ---------------------------------------------------------------------------
    def local_link(self, anchor: str, *, built: bool) -> str | None:
        """A link to an anchor of this spec, or None when the spec has no such anchor."""
        page = self.plan.page_of(anchor)
        if page is None:
            return None
        return rel_url(self.page, page, anchor, built=built)

    def other_plan(self, spec_id: str) -> SitePlan | None:
        """The site plan of another spec of the workspace."""
        if self.workspace is None or spec_id not in self.workspace.specs:
            return None
        if spec_id not in self._plans:
            self._plans[spec_id] = plan_site(self.workspace.specs[spec_id])
        return self._plans[spec_id]

    def cross_spec_link(self, file_part: str, anchor: str) -> str | None:
        """`other.md#id` or `../other/spec.md#id` -> the other spec's published page."""
        name = posixpath.basename(file_part)[: -len(".md")]
        spec_id = posixpath.basename(posixpath.dirname(file_part)) if name == "spec" else name
        other = self.other_plan(spec_id)
        if other is None:
            return None
        page = other.page_of(anchor) if anchor else "index.md"
        if page is None:
            return None
        # site pages live at <output>/<spec>/docs/site/<page>; climb out to <output>/.
        up = "../" * (self.page.count("/") + 3)
        url = f"{up}{spec_id}/docs/site/{html_path(page)}"
        return f"{url}#{anchor}" if anchor else url

    # -- inline ----------------------------------------------------------------------------
    def inline(self, text: str) -> str:
        """Transform inline spec Markdown (outside code spans); everything else stays as written."""
        out: list[str] = []
        pos = 0
        for m in _CODE_SPAN.finditer(text):
            out.append(self._inline_plain(text[pos : m.start()]))
            out.append(m.group(0))
            pos = m.end()
        out.append(self._inline_plain(text[pos:]))
        return "".join(out)

    def _inline_plain(self, text: str) -> str:
        out: list[str] = []
        pos = 0
        for m in _INLINE.finditer(text):
            out.append(_escape_gap(text[pos : m.start()]))
            out.append(self._inline_match(m))
            pos = m.end()
        out.append(_escape_gap(text[pos:]))
        return "".join(out)

    def _inline_match(self, m: re.Match[str]) -> str:
        if m.group("fn") is not None:
            return self.clause_anchor(m.group("fn"), m.group(0))
        if m.group("auto") is not None:
            return f"<{safe_url(m.group('auto'))}>"
        label, url = m.group("text"), m.group("url")
        if url.startswith("#"):
            anchor = url[1:]
            target = self.local_link(anchor, built=False)
            if label == "?":
                label = self.plan.title_of(anchor)
            if target is None:  # dangling: keep the text, the lint reports the reference
                return escape_text(label)
            return f"[{self.inline(label)}]({target})"
        if ".md" in url and not url.startswith(_SAFE_SCHEMES):
            file_part, _, anchor = url.partition("#")
            target = self.cross_spec_link(file_part, anchor)
            if label == "?":
                label = anchor or file_part
            if target is None:
                return escape_text(label)
            return f'<a class="sl-xref" href="{html.escape(target)}">{html.escape(label)}</a>'
        if url.startswith(_SAFE_SCHEMES):
            return f"[{self.inline(label)}]({safe_url(url)})"
        # Anything else (javascript:, data:, relative files outside the site) stays text.
        return escape_text(label)

    def clause_anchor(self, clause_id: str, written: str) -> str:
        """The anchor of a statement clause at its sentence: copy-link, badge, examples link."""
        clause = self.plan.clause(clause_id)
        if clause is None:
            return escape_text(written)
        safe = html.escape(clause_id)
        examples = self.plan.example_pages.get(clause_id)
        eval_link = (
            f'<a class="sl-eval" href="{html.escape(rel_url(self.page, examples, built=True))}" '
            f'title="Examples of {safe}">{safe}</a>'
            if examples
            else f'<span class="sl-eval">{safe}</span>'
        )
        if clause_id in self.anchored:
            href = self.local_link(clause_id, built=True) or f"#{clause_id}"
            return f'<a class="sl-clause-ref" href="{html.escape(href)}">[{safe}]</a>'
        self.anchored.add(clause_id)
        return (
            f'<span class="sl-clause" id="{safe}">'
            f'<a class="sl-copy" href="#{safe}" title="Copy the link to clause {safe}">#</a>'
            f"{badge(clause.level)}{eval_link}</span>"
        )

    # -- blocks ----------------------------------------------------------------------------
    def message_body(self, text: str) -> str:
        """A transcript message's Markdown: like a section body, without nested transcripts."""
        self._in_message = True
        try:
            return self.body(text)
        finally:
            self._in_message = False

    def body(self, text: str) -> str:
        """Transform a section body: fenced blocks kept (transcripts styled), text made inert."""
        lines = text.split("\n")
        out: list[str] = []
        chunk: list[str] = []
        i = 0
        while i < len(lines):
            m = _FENCE.match(lines[i])
            if m is None:
                chunk.append(lines[i])
                i += 1
                continue
            indent, fence = m.group("indent"), m.group("fence")
            info = m.group("info").strip()
            j = i + 1
            while j < len(lines):
                close = _FENCE.match(lines[j])
                if (
                    close
                    and close.group("fence")[0] == fence[0]
                    and len(close.group("fence")) >= len(fence)
                    and not close.group("info").strip()
                ):
                    break
                j += 1
            content = lines[i + 1 : j]
            if not _is_fence(indent, fence, info, content):
                chunk.append(lines[i])  # not code for Markdown either: text, made inert
                i += 1
                continue
            out.append(self.inline("\n".join(chunk)))
            chunk = []
            # Blank lines around: Markdown then starts the block here, whatever came before.
            out.append("\n" + self.fenced(indent, fence, info, content) + "\n")
            i = j + 1
        out.append(self.inline("\n".join(chunk)))
        return "\n".join(out)

    def fenced(self, indent: str, fence: str, info: str, content: list[str]) -> str:
        """A fenced block: `xml` transcripts become styled HTML, other blocks stay code."""
        lang = info.split()[0] if info else ""
        if lang == "xml" and not indent and not self._in_message:
            rendered = render_transcript("\n".join(content), self.message_body)
            if rendered is not None:
                return rendered
        if lang in ("specloom", "specloom-example"):
            info = "yaml"
        # Always close the fence: an unclosed one must not swallow the rest of the page.
        body = "\n".join(content)
        longest = max((len(x) for x in re.findall(r"[`~]{3,}", body)), default=2)
        fence = fence[0] * max(len(fence), longest + 1)
        info = re.sub(r"[^\w+#.-]", "", info.split()[0]) if info else ""
        lines = [f"{indent}{fence}{info}", *content, f"{indent}{fence}"]
        width = len(indent.expandtabs(4))
        if 0 < width < 4:
            # An indented fence follows a blank line (see `body`): four columns keep it in
            # its list item, and read as an indented code block it is still code.
            pad = " " * (4 - width)
            lines = [pad + ln if ln.strip() else ln for ln in lines]
        return "\n".join(lines)


def _is_fence(indent: str, fence: str, info: str, content: list[str]) -> bool:
    """Only blocks Markdown surely reads as fenced code keep their text verbatim.

    A fence indented four columns or more is an indented code block at the top level, and
    a content line indented less than its fence can leave a list item: in both cases the
    lines might not be code to Markdown, so they are treated as text.
    """
    width = len(indent.expandtabs(4))
    if width >= 4 or (fence[0] == "`" and "`" in info):
        return False
    return all(not ln.strip() or len(ln) - len(ln.lstrip()) >= len(indent) for ln in content)


def render_transcript(raw: str, message_md: Callable[[str], str]) -> str | None:
    """A Model Spec transcript as HTML, or None when it holds no message.

    The transcript is read with the IR's own grammar (`specloom.parse.transcript`), so the
    page shows exactly the messages and verdicts the IR has (gate DOC008 checks it). Each
    message's text is Markdown (as on the Model Spec's own site), made inert by
    `message_md` and rendered inside `markdown="1"` blocks (the md_in_html extension).
    What the grammar cannot read (an unclosed element) is shown as code after the messages.
    """
    parts: list[str] = ['<div class="sl-transcript" markdown="1">']
    if not _elements(raw, 0, len(raw), parts, message_md, depth=0):
        return None
    parts.append("</div>")
    return "\n".join(parts)


def _elements(
    raw: str, pos: int, end: int, parts: list[str], message_md: Callable[[str], str], depth: int
) -> int:
    """Render the elements of raw[pos:end] into `parts`; returns the number of messages."""
    count = 0
    while pos < end:
        m = OPEN_TAG.search(raw, pos, end)
        if m is None:
            return count
        name = m.group(1)
        attrs = m.group(0)[len(name) + 1 : -1].strip().rstrip("/").strip()
        if m.group(0).endswith("/>"):
            parts.append(_message_html(name, attrs, "", "", ""))
            count += 1
            pos = m.end()
            continue
        close = matching_close(raw, name, m.end(), end)
        if close is None:  # unclosed: the IR keeps what was read so far; show the rest as code
            rest = raw[m.start() : end].split("\n")
            longest = max((len(x) for x in re.findall(r"`{3,}", raw[m.start() : end])), default=2)
            fence = "`" * max(3, longest + 1)
            parts.append("\n" + "\n".join([f"{fence}xml", *rest, fence]) + "\n")
            return count
        if name == COMPARISON and depth == 0:
            parts.append('<div class="sl-comparison" markdown="1">')
            count += _elements(raw, m.end(), close[0], parts, message_md, depth + 1)
            parts.append("</div>")
        else:
            inner = raw[m.end() : close[0]]
            verdict, note = "", ""
            v = VERDICT.match(inner)
            if v is not None:
                verdict, note, inner = v.group(1), v.group(2) or "", inner[v.end() :]
            # The transcript is XML: `&lt;` in a message means `<` (then made inert again).
            body = html.unescape(textwrap.dedent(inner.strip("\n")).strip("\n"))
            parts.append(_message_html(name, attrs, verdict, note, message_md(body)))
            count += 1
        pos = close[1]
    return count


def _message_html(role: str, attrs: str, verdict: str, note: str, text: str) -> str:
    cls = f"sl-msg sl-role-{file_slug(role)}"
    if verdict:
        cls += f" sl-{file_slug(verdict.lower())}"
    head = f'<span class="sl-role">{html.escape(role)}</span>'
    if attrs:
        head += f' <span class="sl-attrs">{html.escape(attrs)}</span>'
    if verdict:
        head += f' <span class="sl-verdict">{html.escape(verdict)}</span>'
    if note:
        head += f' <span class="sl-note">{html.escape(note)}</span>'
    return (
        f'<div class="{cls}" markdown="1">\n<div class="sl-msg-head">{head}</div>\n'
        f'<div class="sl-msg-body" markdown="1">\n\n{text}\n\n</div>\n</div>'
    )


def heading(title: str, anchor: str, level: int, render: Callable[[str], str]) -> str:
    """A heading whose HTML id is exactly the section id (attr_list)."""
    text = render(title).replace("{", "&#123;").replace("}", "&#125;")
    return f"{'#' * max(1, min(level, 6))} {text} {{#{anchor}}}"
