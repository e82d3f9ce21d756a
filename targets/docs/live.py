"""DOC004: no live script on a published page but the theme's own and the site's known asset."""

from __future__ import annotations

import functools
import importlib.util
import json
import posixpath
import re
from pathlib import Path

from specloom.findings import Finding, Severity

from .scan import ScriptTag, SiteScan

THEME_SCRIPTS = "templates/partials/javascripts"
"""Where Material keeps the inline scripts it writes into every page."""
THEME_BUNDLE = re.compile(r"^assets/javascripts/bundle\.[0-9a-f]+\.min\.js$")
"""The theme's own script file, named by its hash."""
SITE_SCRIPT = "javascripts/specloom.js"
"""The site's one script (copy-link buttons), rendered from the target's template."""
_INLINE = re.compile(r"<script>(.*?)</script>", re.S)
_JINJA = re.compile(r"\{\{.*?\}\}")


@functools.cache
def theme_inline_scripts() -> tuple[re.Pattern[str], ...]:
    """The inline scripts of the installed Material theme, as patterns.

    Each is the script's text from the theme's template with every `{{ ... }}` expression
    (a base URL, a scope) allowed to be any text without quotes or angle brackets.
    """
    spec = importlib.util.find_spec("material")
    if spec is None or spec.origin is None:
        return ()
    folder = Path(spec.origin).parent / THEME_SCRIPTS
    out: list[re.Pattern[str]] = []
    for path in sorted(folder.glob("*.html")):
        for body in _INLINE.findall(path.read_text(encoding="utf-8")):
            parts = _JINJA.split(body)
            out.append(
                re.compile(
                    "".join(re.escape(p) + r"[^\"'<>\\]*" for p in parts[:-1])
                    + re.escape(parts[-1])
                )
            )
    return tuple(out)


def _script_problem(
    page: str, script: ScriptTag, site_script: str | None, site: Path
) -> str | None:
    """Why this script is not one of the known ones (None when it is)."""
    src = script.get("src")
    kind = script.get("type")
    if src is not None:
        if script.text.strip():
            return f"a <script src={src!r}> with inline code"
        # 404.html uses root-absolute URLs (it is served for any path)
        base = "" if src.startswith("/") else posixpath.dirname(page)
        target = posixpath.normpath(posixpath.join(base, src.lstrip("/")))
        if THEME_BUNDLE.match(target) and (site / target).is_file():
            return None
        if target == SITE_SCRIPT and site_script is not None:
            actual = (
                (site / target).read_text(encoding="utf-8") if (site / target).is_file() else None
            )
            if actual == site_script:
                return None
            return f"{SITE_SCRIPT} is not the script the docs target writes"
        return f"an unknown script file {src!r}"
    if kind == "application/json" and script.get("id") == "__config":
        try:
            json.loads(script.text)  # data, not code: the theme's configuration
        except ValueError:
            return "the theme's __config block is not JSON"
        return None
    if kind not in (None, "", "text/javascript", "module"):
        return f"a <script type={kind!r}>"
    text = script.text.strip()
    if any(p.fullmatch(text) for p in theme_inline_scripts()):
        return None
    return f"an inline script that is not the theme's: {text[:60]!r}"


def check_live_html(
    scan: SiteScan, site: Path, rule: str, site_script: str | None = None
) -> list[Finding]:
    """Spec text never becomes live HTML: every script is a known one, no handler, no script URL.

    `site_script` is the text `javascripts/specloom.js` must have (None: only the theme's
    scripts are allowed).
    """
    out: list[Finding] = []
    for rel, page in scan.pages.items():
        problems = set(page.live)
        for script in page.scripts:
            problem = _script_problem(rel, script, site_script, site)
            if problem:
                problems.add(problem)
        for what in sorted(problems):
            out.append(
                Finding(
                    rule=rule,
                    severity=Severity.ERROR,
                    file=f"site/{rel}",
                    message=f"live HTML on the page: {what}; raw HTML in the spec must be "
                    "escaped and only the theme's scripts may run (report this as a bug)",
                )
            )
    return out
