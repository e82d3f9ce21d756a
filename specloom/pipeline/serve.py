"""`specloom docs serve`: serve a spec's published site and reload the browser on rebuild."""

from __future__ import annotations

import os
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

VERSION_PATH = "/__specloom__/version"
RELOAD_SCRIPT = (
    "<script>(function(){var v=null;setInterval(function(){fetch('"
    + VERSION_PATH
    + "',{cache:'no-store'}).then(function(r){return r.text()}).then(function(t){"
    "if(v===null){v=t}else if(t!==v){location.reload()}}).catch(function(){})},1000)})()"
    "</script>"
)
"""Polls the published version folder's name; a rebuild swaps it, the page reloads."""


def published_version(target_link: Path) -> str:
    """The version folder `output/<spec>/docs` points at ('' when not published)."""
    try:
        return os.readlink(target_link)
    except OSError:
        return ""


class SiteHandler(SimpleHTTPRequestHandler):
    """Files of `<output>/<spec>/docs/site`, resolved through the symlink on every request
    (a rebuild swaps it atomically), HTML pages with the reload script added."""

    target_link: Path

    def __init__(self, *args: Any, target_link: Path, **kwargs: Any) -> None:
        self.target_link = target_link
        super().__init__(*args, directory=str(target_link / "site"), **kwargs)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # one line per rebuild is what the console shows, not one per request

    def do_GET(self) -> None:
        if self.path == VERSION_PATH:
            self._send(published_version(self.target_link).encode(), "text/plain")
            return
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if path.suffix == ".html" and path.is_file():
            html = path.read_bytes()
            marker = b"</body>"
            at = html.rfind(marker)
            body = html[:at] + RELOAD_SCRIPT.encode() + html[at:] if at >= 0 else html
            self._send(body, "text/html; charset=utf-8")
            return
        super().do_GET()

    def _send(self, body: bytes, ctype: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)


def start_server(target_link: Path, host: str, port: int) -> ThreadingHTTPServer:
    """A started server (in a daemon thread) for the site behind `target_link`."""
    server = ThreadingHTTPServer((host, port), partial(SiteHandler, target_link=target_link))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
