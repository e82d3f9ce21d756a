"""Headless Chromium on the built docs site: clause anchors land, offline search finds clauses."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from specloom.targets.docs import DocsTarget, write_workspace_index

from specloom.findings import Severity
from specloom.parse import load_workspace
from specloom.target import BuildContext

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def output(
    specs_dir: Path, optional_model_spec_dir: Path | None, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """Both example specs' sites built as the pipeline publishes them, plus the index."""
    out = tmp_path_factory.mktemp("browser") / "output"
    ws = load_workspace(specs_dir)
    for spec_id in ws.order:
        target = DocsTarget(BuildContext(workspace=ws, output_dir=out, cache_dir=out / ".c"))
        root = out / spec_id / "docs"
        for f in target.generate(ws.specs[spec_id]):
            (root / f.path).parent.mkdir(parents=True, exist_ok=True)
            (root / f.path).write_bytes(f.data)
        found = target.build_artifact(ws.specs[spec_id], root)
        found += target.verify(ws.specs[spec_id], root)
        errors = [f for f in found if f.severity is Severity.ERROR]
        assert errors == []
    write_workspace_index(ws, out)
    corpus = optional_model_spec_dir
    if corpus is not None:  # the big real site, for search at scale
        ms = load_workspace(corpus)
        (sid,) = ms.specs
        target = DocsTarget(BuildContext(workspace=ms, output_dir=out, cache_dir=out / ".c"))
        root = out / sid / "docs"
        for f in target.generate(ms.specs[sid]):
            (root / f.path).parent.mkdir(parents=True, exist_ok=True)
            (root / f.path).write_bytes(f.data)
        found = target.build_artifact(ms.specs[sid], root)
        found += target.verify(ms.specs[sid], root)
        errors = [f for f in found if f.severity is Severity.ERROR]
        assert errors == []
    return out


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server(output: Path) -> Iterator[str]:
    """A local HTTP server on a free port of 127.0.0.1, in a thread."""
    handler = functools.partial(_QuietHandler, directory=str(output))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """Headless Chromium driven through chromedriver (selenium), no network of its own."""
    if not (CHROMIUM.is_file() and CHROMEDRIVER.is_file()):
        pytest.skip("chromium and chromium-driver are not installed (run scripts/setup.sh)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    profile = tmp_path_factory.mktemp("chromium-profile")
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1280,900",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.mark.parametrize(
    ("url", "clause", "cls"),
    [
        ("billing/docs/site/payments.html", "bil11", "sl-clause"),  # a statement clause
        ("billing/docs/site/issuing.html", "issuing", ""),  # a section clause: its heading
    ],
)
def test_clause_anchor_lands_on_the_clause(
    browser: object, server: str, url: str, clause: str, cls: str
) -> None:
    from selenium.webdriver.remote.webdriver import WebDriver
    from selenium.webdriver.support.ui import WebDriverWait

    assert isinstance(browser, WebDriver)
    browser.get(f"{server}/{url}#{clause}")
    WebDriverWait(browser, 15).until(
        lambda d: d.execute_script("return document.readyState") == "complete"
    )
    state = browser.execute_script(
        """
        const el = document.getElementById(arguments[0]);
        const r = el.getBoundingClientRect();
        return {target: document.querySelector(":target") === el, top: r.top,
                bottom: r.bottom, height: window.innerHeight, scrolled: window.scrollY,
                cls: el.className, tag: el.tagName};
        """,
        clause,
    )
    assert state["target"] is True
    assert state["cls"] == cls
    if not cls:
        assert state["tag"] == "H1"  # the page's heading carries the section id
    assert 0 <= state["top"] < state["height"] and state["bottom"] > 0, state


def test_cross_spec_link_opens_the_other_specs_page(browser: object, server: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.remote.webdriver import WebDriver
    from selenium.webdriver.support.ui import WebDriverWait

    assert isinstance(browser, WebDriver)
    browser.get(f"{server}/billing/docs/site/index.html")
    browser.find_element(By.CSS_SELECTOR, 'a.sl-xref[href$="#money"]').click()
    WebDriverWait(browser, 15).until(lambda d: d.current_url.endswith("/money.html#money"))
    assert "/common/docs/site/" in browser.current_url
    assert browser.execute_script('return document.querySelector(":target").id') == "money"


@pytest.mark.parametrize(
    ("site", "word", "page"),
    [
        ("billing", "recognise", "invoices.html"),  # only in clause bil6 (the id prefix)
        ("model_spec", "espresso", "chain_of_command.html"),  # in one transcript of 4,700 lines
    ],
)
def test_search_finds_a_clause_by_a_word(
    browser: object,
    server: str,
    site: str,
    word: str,
    page: str,
    optional_model_spec_dir: Path | None,
) -> None:
    if site == "model_spec" and optional_model_spec_dir is None:
        pytest.skip("the Model Spec corpus is not there (SPECLOOM_CORPUS)")
    from selenium.webdriver.common.by import By
    from selenium.webdriver.remote.webdriver import WebDriver
    from selenium.webdriver.support.ui import WebDriverWait

    assert isinstance(browser, WebDriver)
    browser.get(f"{server}/{site}/docs/site/index.html")
    meta = browser.find_element(By.CSS_SELECTOR, ".md-search-result__meta")
    # The lunr worker builds the index after load; typing before it is ready finds nothing.
    WebDriverWait(browser, 30).until(
        lambda d: (
            d.execute_script(
                'return document.querySelector(".md-search-result__meta").textContent'
            ).strip()
            not in ("", "Initializing search")
        )
    )
    box = browser.find_element(By.CSS_SELECTOR, "input.md-search__input")
    WebDriverWait(browser, 10).until(lambda d: box.is_displayed())
    box.click()  # at this window width the search box sits in the header
    box.send_keys(word)
    WebDriverWait(browser, 15).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, ".md-search-result__item a")
    )
    links = [
        a.get_attribute("href") or ""
        for a in browser.find_elements(By.CSS_SELECTOR, ".md-search-result__item a")
    ]
    assert any(page in href for href in links), links
    assert "1 matching document" in meta.text or "matching documents" in meta.text, meta.text
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / f"docs-search-{site}.png"
    assert browser.save_screenshot(str(shot))
    assert shot.stat().st_size > 5000


def test_workspace_index_links_each_site(browser: object, server: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.remote.webdriver import WebDriver

    assert isinstance(browser, WebDriver)
    browser.get(f"{server}/index.html")
    hrefs = sorted(
        (a.get_attribute("href") or "").removeprefix(server)
        for a in browser.find_elements(By.TAG_NAME, "a")
    )
    assert hrefs == ["/billing/docs/site/index.html", "/common/docs/site/index.html"]


def test_copy_link_copies_the_clause_url(browser: object, server: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.remote.webdriver import WebDriver
    from selenium.webdriver.support.ui import WebDriverWait

    assert isinstance(browser, WebDriver)
    browser.execute_cdp_cmd(
        "Browser.grantPermissions",
        {"origin": server, "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"]},
    )
    browser.get(f"{server}/billing/docs/site/invoices.html")
    browser.find_element(By.CSS_SELECTOR, 'a.sl-copy[href="#bil2"]').click()
    WebDriverWait(browser, 10).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, 'a.sl-copy.sl-copied[href="#bil2"]')
    )
    copied = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "navigator.clipboard.readText().then(done, e => done('error: ' + e));"
    )
    assert copied == f"{server}/billing/docs/site/invoices.html#bil2"


def test_the_site_loads_nothing_from_the_internet(browser: object, server: str) -> None:
    from selenium.webdriver.remote.webdriver import WebDriver
    from selenium.webdriver.support.ui import WebDriverWait

    assert isinstance(browser, WebDriver)
    browser.get(f"{server}/billing/docs/site/api.html")
    WebDriverWait(browser, 15).until(
        lambda d: d.execute_script("return document.readyState") == "complete"
    )
    urls = browser.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)"
    )
    assert urls, "the page loaded no resources at all?"
    assert [u for u in urls if not u.startswith(server)] == []
    fonts = browser.execute_script("return getComputedStyle(document.body).fontFamily")
    assert "Roboto" not in fonts  # theme.font: false keeps the system font stack
