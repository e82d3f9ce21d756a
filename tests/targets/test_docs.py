"""The docs target: generated MkDocs project, built site, gates, hostile text, the Model Spec."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from specloom.targets.docs import DocsConfig, DocsTarget, mkdocs_build, write_workspace_index
from specloom.targets.docs import gates as docs_gates
from specloom.targets.docs.live import check_live_html
from specloom.targets.docs.scan import scan_html

from specloom.findings import Finding, Severity, is_not_run, is_off
from specloom.model import Spec, Workspace
from specloom.parse import load_workspace
from specloom.target import BuildContext

GOLDEN = Path(__file__).resolve().parent.parent / "golden" / "docs"


@dataclass
class Built:
    """A generated and verified docs folder."""

    spec: Spec
    root: Path
    findings: list[Finding]
    target: DocsTarget

    @property
    def site(self) -> Path:
        return self.root / "site"

    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.ERROR]

    def page(self, rel: str) -> str:
        return (self.site / rel).read_text(encoding="utf-8")


def build(ws: Workspace, spec_id: str, out: Path) -> Built:
    """Generate into `out/<spec>/docs` (as the pipeline publishes it) and run the gates."""
    target = DocsTarget(BuildContext(workspace=ws, output_dir=out, cache_dir=out / ".cache"))
    spec = ws.specs[spec_id]
    root = out / spec_id / "docs"
    shutil.rmtree(root, ignore_errors=True)
    for f in target.generate(spec):
        p = root / f.path
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(f.data)
    findings = target.build_artifact(spec, root)  # as the pipeline does at build time
    return Built(spec, root, findings + target.verify(spec, root), target)


@pytest.fixture(scope="module")
def workspace(specs_dir: Path) -> Workspace:
    return load_workspace(specs_dir)


@pytest.fixture(scope="module")
def billing(workspace: Workspace, tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build(workspace, "billing", tmp_path_factory.mktemp("docs") / "output")


class Elements(HTMLParser):
    """Every start tag of a page with its attributes, and the article's text."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.in_article = False
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "article":
            self.in_article = True
        self.tags.append((tag, a | {"_in_article": "1" if self.in_article else ""}))

    def handle_endtag(self, tag: str) -> None:
        if tag == "article":
            self.in_article = False

    def handle_data(self, data: str) -> None:
        if self.in_article:
            self.text.append(data)


def elements(html: str) -> Elements:
    parser = Elements()
    parser.feed(html)
    return parser


# -- the example workspace ---------------------------------------------------------------


def test_billing_site_builds_and_passes_every_gate(billing: Built) -> None:
    assert billing.errors() == []
    assert (billing.site / "index.html").is_file()
    assert billing.findings == []  # a clean build: no finding at all, not even a summary


def test_every_clause_has_exactly_one_anchor(billing: Built) -> None:
    counts = docs_gates.scan_site(billing.site).id_counts()
    assert {c.id: counts[c.id] for c in billing.spec.clauses} == {
        c.id: 1 for c in billing.spec.clauses
    }


def test_statement_clause_anchor_has_badge_copy_link_and_examples_link(billing: Built) -> None:
    page = elements(billing.page("invoices.html"))
    spans = [a for t, a in page.tags if t == "span" and a.get("id") == "bil1"]
    assert spans and "sl-clause" in spans[0]["class"]
    hrefs = [a.get("href") for t, a in page.tags if t == "a"]
    assert "#bil1" in hrefs  # the copy-link
    assert "examples/bil1.html" in hrefs  # the eval id links to its examples page
    badges = [a["class"] for t, a in page.tags if t == "span" and "sl-badge" in a.get("class", "")]
    assert any("sl-must" in b for b in badges)
    assert any("sl-must-not" in b for b in docs_badges(billing, "issuing.html"))


def docs_badges(built: Built, rel: str) -> list[str]:
    page = elements(built.page(rel))
    return [a["class"] for t, a in page.tags if t == "span" and "sl-badge" in a.get("class", "")]


def test_section_heading_id_equals_the_clause_id(billing: Built) -> None:
    page = elements(billing.page("invoices.html"))
    assert ("h1", "invoices") in [(t, a.get("id")) for t, a in page.tags]


def test_transcripts_are_styled_good_and_bad(billing: Built) -> None:
    page = elements(billing.page("invoices.html"))
    classes = [a.get("class", "") for t, a in page.tags if t == "div"]
    assert any("sl-good" in c for c in classes)
    assert any("sl-bad" in c for c in classes)
    assert any("sl-comparison" in c for c in classes)


def test_admonitions_survive(billing: Built) -> None:
    page = elements(billing.page("payments.html"))
    assert any(
        t == "div" and "admonition" in a.get("class", "") and "warning" in a.get("class", "")
        for t, a in page.tags
    )


def test_auto_titled_reference_gets_the_section_title(billing: Built) -> None:
    page = elements(billing.page("issuing.html"))
    assert any(t == "a" and a.get("href") == "invoices.html#invoices" for t, a in page.tags)
    assert "Invoices" in "".join(page.text)


def test_cross_spec_link_points_at_the_other_specs_site(billing: Built) -> None:
    page = elements(billing.page("index.html"))
    hrefs = [a.get("href", "") for t, a in page.tags if t == "a"]
    assert "../../../common/docs/site/money.html#money" in hrefs


def test_api_reference_has_typescript_rust_and_python_tabs(billing: Built) -> None:
    html = billing.page("api.html")
    assert "tabbed-set" in html
    assert "TypeScript" in html and "Rust" in html and "Python" in html
    text = "".join(elements(html).text)
    assert "createInvoice(" in text  # the TypeScript method
    assert "fn create_invoice(" in text  # the Rust trait method
    assert "def create_invoice(self," in text  # the Python Protocol method


def test_one_examples_page_per_clause_with_examples(billing: Built) -> None:
    pages = sorted(p.name for p in (billing.site / "examples").glob("*.html"))
    pages.remove("index.html")  # the list of examples pages
    # bil1..bil12 have examples files; the `invoices` section has an inline example only.
    expected = {ef.id for ef in billing.spec.example_files} | {"invoices"}
    assert pages == sorted(f"{cid}.html" for cid in expected)
    text = "".join(elements(billing.page("examples/bil1.html")).text)
    assert "EmptyInvoice" in text
    index = elements(billing.page("examples/index.html"))
    linked = {a["href"] for t, a in index.tags if t == "a" and a["_in_article"]}
    assert {f"{cid}.html" for cid in expected} <= linked
    # The navigation stays small: one entry for all examples pages.
    nav = (billing.root / "mkdocs.yml").read_text(encoding="utf-8")
    entries = [ln for ln in nav.splitlines() if ln.lstrip().startswith("- ")]
    assert [ln for ln in entries if "examples/" in ln] == ['  - "Examples": "examples/index.md"']


def test_clause_with_only_inline_examples_gets_a_page(billing: Built) -> None:
    inline = [e for e in billing.spec.examples if e.source == "inline"]
    assert [e.clause for e in inline] == ["invoices"]
    page = elements(billing.page("examples/invoices.html"))
    text = "".join(page.text)
    assert inline[0].title in text
    classes = {c for _, a in page.tags for c in a.get("class", "").split()}
    assert {"sl-transcript", "sl-good", "sl-bad"} <= classes  # same styling as on the section
    hrefs = [a["href"] for t, a in page.tags if t == "a" and a["_in_article"]]
    assert "../invoices.html#invoices" in hrefs  # back to the clause
    # No clause anchor is repeated on the examples page (the gate counts them site-wide).
    clause_ids = {c.id for c in billing.spec.clauses}
    assert not clause_ids & {a["id"] for _, a in page.tags if "id" in a}
    # The section clause's heading links to its examples page.
    section = elements(billing.page("invoices.html"))
    links = [a for t, a in section.tags if t == "a" and a["_in_article"]]
    assert any(a["href"] == "examples/invoices.html" for a in links)


def test_examples_page_names_are_unique_and_never_the_index() -> None:
    from specloom.targets.docs.plan import plan_site

    from specloom.parse import load_spec_text

    text = "# Index {#Index}\n\nA rule.\n\n**Example**: one\n\n~~~xml\n<user>hi</user>\n~~~\n"
    plan = plan_site(load_spec_text(text, "specs/odd/spec.md"))
    assert plan.example_pages == {"Index": "examples/Index-2.md"}
    assert [e.title for e in plan.examples["Index"]] == ["one"]


def test_tutorial_is_a_section_of_the_site(billing: Built) -> None:
    text = "".join(elements(billing.page("tutorial/index.html")).text)
    assert "Step 1" in text and "create_invoice" in text


def test_offline_no_remote_fonts_or_scripts(billing: Built) -> None:
    for page in billing.site.rglob("*.html"):
        for tag, a in elements(page.read_text(encoding="utf-8")).tags:
            for key in ("src", "href"):
                url = a.get(key, "")
                if tag in ("script", "link", "img"):
                    assert not url.startswith(("http:", "https:", "//")), (page, tag, url)
    assert "fonts.googleapis" not in billing.page("index.html")


def test_search_index_is_built(billing: Built) -> None:
    index = json.loads((billing.site / "search" / "search_index.json").read_text())
    assert any(
        "bil1" in doc.get("text", "") or "line item" in doc.get("text", "") for doc in index["docs"]
    )


def test_traceability_reads_the_manifest(workspace: Workspace, tmp_path: Path) -> None:
    out = tmp_path / "output"
    (out / "billing").mkdir(parents=True)
    manifest = {
        "targets": {
            "typescript": {
                "covered_clauses": ["bil1", "bil2"],
                "grades": [{"clause": "bil2", "score": 4, "grader": "rules"}],
            },
            "docs": {"covered_clauses": ["bil1"]},
        }
    }
    (out / "billing" / "manifest.json").write_text(json.dumps(manifest))
    target = DocsTarget(BuildContext(workspace=workspace, output_dir=out, cache_dir=tmp_path))
    files = {f.path: f.data.decode() for f in target.generate(workspace.specs["billing"])}
    page = files["docs/traceability.md"]
    row = next(line for line in page.splitlines() if ">bil1<" in line)
    assert "typescript" in row and "/5)" not in row  # covered, not graded
    assert "| typescript (4/5) |" in next(line for line in page.splitlines() if ">bil2<" in line)
    assert "the grader's compliance score" in page
    assert "typescript" not in next(line for line in page.splitlines() if ">bil9<" in line)
    assert "Not covered by any artifact" in page


def test_traceability_without_manifest(workspace: Workspace, tmp_path: Path) -> None:
    target = DocsTarget(BuildContext(workspace=workspace, output_dir=tmp_path, cache_dir=tmp_path))
    files = {f.path: f.data.decode() for f in target.generate(workspace.specs["billing"])}
    assert "No other target of this spec is published yet" in files["docs/traceability.md"]


def test_changelog_first_version_then_diff(workspace: Workspace, tmp_path: Path) -> None:
    out = tmp_path / "output"
    target = DocsTarget(BuildContext(workspace=workspace, output_dir=out, cache_dir=tmp_path))
    spec = workspace.specs["billing"]
    files = {f.path: f.data for f in target.generate(spec)}
    assert "First published version" in files["docs/changelog.md"].decode()
    # Publish an older IR (bil11 was a SHOULD, bil12 did not exist), then regenerate.
    old = spec.model_copy(deep=True)
    old.version = "1.1.0"
    old.clauses = [c for c in old.clauses if c.id != "bil12"]
    for c in old.clauses:
        if c.id == "bil11":
            c.level = c.level.__class__("SHOULD")
    (out / "billing" / "docs").mkdir(parents=True)
    (out / "billing" / "docs" / "spec.json").write_text(old.model_dump_json())
    page = {f.path: f.data for f in target.generate(spec)}["docs/changelog.md"].decode()
    assert "1.1.0" in page
    assert "bil12" in page and "added" in page
    assert "bil11" in page


def test_generate_is_deterministic(workspace: Workspace, tmp_path: Path) -> None:
    target = DocsTarget(BuildContext(workspace=workspace, output_dir=tmp_path, cache_dir=tmp_path))
    a = target.generate(workspace.specs["billing"])
    b = target.generate(workspace.specs["billing"])
    assert a == b
    assert all(str(tmp_path) not in f.data.decode() for f in a)


@pytest.mark.slow
def test_built_site_is_byte_identical_across_builds(workspace: Workspace, tmp_path: Path) -> None:
    one = build(workspace, "common", tmp_path / "a")
    two = build(workspace, "common", tmp_path / "b")
    files_one = sorted(p.relative_to(one.site) for p in one.site.rglob("*") if p.is_file())
    files_two = sorted(p.relative_to(two.site) for p in two.site.rglob("*") if p.is_file())
    assert files_one == files_two
    for rel in files_one:
        assert (one.site / rel).read_bytes() == (two.site / rel).read_bytes(), rel


def _site_bytes(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}


@pytest.mark.slow
def test_the_jinja_cache_changes_nothing_in_the_site(workspace: Workspace, tmp_path: Path) -> None:
    """`mkdocs build --strict` plain, then through the runner with a cold, a warm and a
    tampered bytecode cache: the same site each time."""
    common = build(workspace, "common", tmp_path / "out")
    project, cache = common.root, tmp_path / "jinja"
    plain = mkdocs_build.build_site(project)
    assert plain.ok, plain.log
    want = _site_bytes(project / "site")
    for attempt in ("cold", "warm", "tampered"):
        if attempt == "tampered":  # a cache file that is not bytecode: compiled again
            for f in cache.iterdir():
                f.write_bytes(b"not jinja bytecode")
        result = mkdocs_build.build_site(project, jinja_cache=cache)
        assert result.ok, (attempt, result.log)
        assert _site_bytes(project / "site") == want, attempt
        assert any(cache.iterdir()), attempt  # the theme's templates are kept


def test_the_runner_fails_as_mkdocs_strict_does(workspace: Workspace, tmp_path: Path) -> None:
    target = DocsTarget(BuildContext(workspace=workspace, output_dir=tmp_path, cache_dir=tmp_path))
    spec = workspace.specs["common"]
    root = tmp_path / "common" / "docs"
    for f in target.generate(spec):
        (root / f.path).parent.mkdir(parents=True, exist_ok=True)
        (root / f.path).write_bytes(f.data)
    with (root / "docs" / "money.md").open("a") as fh:
        fh.write("\n[broken](no-such-page.md)\n")
    result = mkdocs_build.build_site(root, jinja_cache=tmp_path / "jinja")
    assert not result.ok and "no-such-page.md" in result.log
    assert mkdocs_build.command(root, tmp_path / "jinja")[1] == "-P"  # no shadowing by name


def test_the_theme_listing_skips_only_what_mkdocs_drops(tmp_path: Path) -> None:
    """The runner's loader walks no hidden folder; its listing equals Jinja's own minus the
    names MkDocs' static-file filter drops (a part starting with `.`)."""
    import jinja2
    from specloom.targets.docs.mkdocs_run import ThemeLoader

    for rel in ("main.html", "assets/app.js", ".icons/a/b.svg", "x/.hidden/y.css", ".top.txt"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x", encoding="utf-8")

    def shown(names: list[str]) -> list[str]:  # what MkDocs keeps of a listing
        return [n for n in names if not any(part.startswith(".") for part in n.split("/"))]

    plain = jinja2.FileSystemLoader(str(tmp_path)).list_templates()
    listed = ThemeLoader(str(tmp_path)).list_templates()
    assert shown(listed) == shown(plain) == ["assets/app.js", "main.html"]
    assert listed == [".top.txt", "assets/app.js", "main.html"]  # no hidden folder walked


def test_cached_templates_are_keyed_on_the_environment() -> None:
    import jinja2
    from specloom.targets.docs.mkdocs_run import env_key

    plain = jinja2.Environment(loader=jinja2.FileSystemLoader("/nowhere"))
    same = jinja2.Environment(loader=jinja2.FileSystemLoader("/nowhere"))
    assert env_key(plain) == env_key(same)
    other_filter = jinja2.Environment(loader=jinja2.FileSystemLoader("/nowhere"))
    other_filter.filters["url"] = str  # a filter's absence fails a compile: part of the key
    trimmed = jinja2.Environment(loader=jinja2.FileSystemLoader("/nowhere"), trim_blocks=True)
    i18n = jinja2.Environment(
        loader=jinja2.FileSystemLoader("/nowhere"), extensions=["jinja2.ext.i18n"]
    )
    elsewhere = jinja2.Environment(loader=jinja2.FileSystemLoader("/elsewhere"))
    keys = {env_key(e) for e in (plain, other_filter, trimmed, i18n, elsewhere)}
    assert len(keys) == 5


def test_golden_project(
    repo_root: Path, tmp_path: Path, golden_tree: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The generated MkDocs project of billing (not the built site), compared whole."""
    monkeypatch.chdir(repo_root)  # relative source paths, as the CLI gives them
    workspace = load_workspace(Path("specs"))
    target = DocsTarget(BuildContext(workspace=workspace, output_dir=tmp_path, cache_dir=tmp_path))
    files = {f.path: f.data for f in target.generate(workspace.specs["billing"])}
    golden_tree.check(files, GOLDEN / "billing")


def test_workspace_index_links_every_spec(workspace: Workspace, tmp_path: Path) -> None:
    (tmp_path / "common" / "docs" / "site").mkdir(parents=True)
    (tmp_path / "common" / "docs" / "site" / "index.html").write_text("<html></html>")
    path = write_workspace_index(workspace, tmp_path)
    page = elements(path.read_text())
    hrefs = [a.get("href") for t, a in page.tags if t == "a"]
    assert hrefs == ["common/docs/site/index.html"]  # billing's site is not built here
    assert "Billing service" in path.read_text() and "docs not built" in path.read_text()


# -- gates fail when they should -----------------------------------------------------------


def test_strict_build_failure_is_an_error(workspace: Workspace, tmp_path: Path) -> None:
    target = DocsTarget(BuildContext(workspace=workspace, output_dir=tmp_path, cache_dir=tmp_path))
    spec = workspace.specs["common"]
    root = tmp_path / "common" / "docs"
    for f in target.generate(spec):
        (root / f.path).parent.mkdir(parents=True, exist_ok=True)
        (root / f.path).write_bytes(f.data)
    with (root / "docs" / "money.md").open("a") as fh:
        fh.write("\n[broken](no-such-page.md)\n")
    findings = target.build_artifact(spec, root)
    assert [f.rule for f in findings if f.severity is Severity.ERROR] == ["DOC001"]


def test_verify_reads_the_published_site_and_never_rebuilds_it(
    billing: Built, tmp_path: Path
) -> None:
    root = tmp_path / "docs"
    shutil.copytree(billing.root, root)
    shutil.rmtree(root / "site")
    findings = billing.target.verify(billing.spec, root)
    assert [(f.rule, f.file) for f in findings if f.severity is Severity.ERROR] == [
        ("DOC001", "site/index.html")
    ]
    assert not (root / "site").exists()  # verify did not build one


def test_gates_catch_duplicate_anchor_broken_link_and_live_script(
    billing: Built, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    shutil.copytree(billing.site, site)
    page = site / "issuing.html"
    html = page.read_text()
    injected = (
        '<p id="bil1"><a href="nowhere.html">x</a><a href="invoices.html#nope">y</a>'
        '<script>alert(1)</script><img src="x.png" onerror="alert(2)"></p>'
    )
    page.write_text(html.replace("</article>", injected + "</article>", 1))
    scan = docs_gates.scan_site(site)
    anchors = docs_gates.check_anchors(billing.spec, scan, "DOC002")
    assert [(f.clause, f.severity) for f in anchors] == [("bil1", Severity.ERROR)]
    links = " ".join(
        f.message for f in docs_gates.check_links(billing.spec, None, site, scan, "DOC003")
    )
    assert "nowhere.html" in links and "invoices.html#nope" in links
    live = " ".join(f.message for f in check_live_html(scan, site, "DOC004"))
    assert "<script> element" in live and "onerror" in live
    assert "inline script that is not the theme's: 'alert(1)'" in live


def _site_copy(billing: Built, tmp_path: Path) -> Path:
    root = tmp_path / "docs"
    shutil.copytree(billing.root, root)
    return root


@pytest.mark.parametrize(
    ("page", "old", "new", "rule"),
    [
        # a clause anchor moved into another section of the same page
        ("invoices.html", ' id="bil6"', "", "DOC002"),
        ("examples/bil6.html", "sl-role-response sl-bad", "sl-role-response sl-good", "DOC008"),
        (
            "examples/bil6.html",
            '<span class="sl-verdict">GOOD',
            '<span class="sl-verdict">BAD',
            "DOC008",
        ),
        ("invoices.html", "sl-good", "sl-ok", "DOC008"),
        ("examples/bil11.html", 'id="sl-example-2"', 'id="sl-example-9"', "DOC009"),
        ("examples/bil6.html", 'href="../invoices.html#bil6"', 'href="../invoices.html"', "DOC009"),
        ("examples/index.html", 'href="bil6.html"', 'href="index.html"', "DOC009"),
        ("api.html", '<label for="__tabbed_1_2">Rust</label>', "<label>Go</label>", "DOC006"),
        ("api.html", 'href="invoices.html#bil4"', 'href="invoices.html#bil5"', "DOC006"),
        (
            "index.html",
            "</body>",
            '<script src="https://cdn.example/x.js"></script></body>',
            "DOC004",
        ),
        ("index.html", "</body>", '<a href="javascript:alert(1)">x</a></body>', "DOC004"),
        # outside the content: the prefilter must not let these through unparsed
        ("index.html", '<a href="', '<a href="java&#115;cript:alert(1)" data-x="', "DOC004"),
        ("index.html", "</body>", "<SCRIPT>x()</SCRIPT></body>", "DOC004"),
        ("index.html", "<header ", "<header\nOnLoad=x() ", "DOC004"),
        (
            "invoices.html",
            "An invoice MUST contain at least",
            "An invoice SHOULD contain at least",
            "DOC010",
        ),
        ("invoices.html", "one line item<span", "single currency<span", "DOC010"),
        (
            "invoices.html",
            'sl-must">MUST</span><a class="sl-eval" href="examples/bil1',
            'sl-should">SHOULD</span><a class="sl-eval" href="examples/bil1',
            "DOC010",
        ),
        (
            "invoices.html",
            '<span class="sl-badge sl-must">MUST</span> <a class="sl-eval sl-examples-link"',
            '<a class="sl-eval sl-examples-link"',
            "DOC010",
        ),
    ],
)
def test_a_defect_in_the_published_site_fires_its_gate(
    billing: Built, tmp_path: Path, page: str, old: str, new: str, rule: str
) -> None:
    root = _site_copy(billing, tmp_path)
    path = root / "site" / page
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {page}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    fired = {
        f.rule for f in billing.target.verify(billing.spec, root) if f.severity is Severity.ERROR
    }
    assert rule in fired, fired


def test_a_clause_anchor_on_the_wrong_page_or_section_fires_doc002(
    billing: Built, repo_root: Path, tmp_path: Path
) -> None:
    root = _site_copy(billing, tmp_path)
    invoices, payments = root / "site" / "invoices.html", root / "site" / "payments.html"
    text = invoices.read_text(encoding="utf-8")
    anchor = _cut_anchor(text, "bil1")
    invoices.write_text(text.replace(anchor, "", 1), encoding="utf-8")
    other = payments.read_text(encoding="utf-8")
    payments.write_text(other.replace("</article>", anchor + "</article>", 1), encoding="utf-8")
    found = [f for f in billing.target.verify(billing.spec, root) if f.rule == "DOC002"]
    assert [f.clause for f in found] == ["bil1"] and "payments.html" in found[0].message
    # a spec with sub-sections on one page: h2 belongs under its grandchild heading
    ws = load_workspace(repo_root / "tests" / "fixtures" / "specs" / "headings")
    (spec_id,) = ws.specs
    built = build(ws, spec_id, tmp_path / "headings")
    assert built.errors() == []
    page = next(p for p in built.site.glob("*.html") if 'id="h2"' in p.read_text())
    text = page.read_text(encoding="utf-8")
    anchor = _cut_anchor(text, "h2")
    text = text.replace(anchor, "", 1)
    child = text.index("</h2>", text.index('id="child"')) + len("</h2>")
    page.write_text(text[:child] + anchor + text[child:], encoding="utf-8")
    found = [f for f in built.target.verify(built.spec, built.root) if f.rule == "DOC002"]
    assert [f.clause for f in found] == ["h2"]
    assert "under section 'child'" in found[0].message and "'grandchild'" in found[0].message


def _cut_anchor(html: str, clause_id: str) -> str:
    """The whole `<span class="sl-clause" id=...>...</span>` of one clause."""
    start = html.index(f'<span class="sl-clause" id="{clause_id}">')
    end = html.index("</span>", html.index('class="sl-eval"', start))
    if html[: html.index('class="sl-eval"', start)].endswith("<span "):
        end = html.index("</span>", end + 1)  # the eval id is a span of its own: skip it
    return html[start : end + len("</span>")]


def test_a_page_missing_from_the_search_index_fires_doc005(billing: Built, tmp_path: Path) -> None:
    root = _site_copy(billing, tmp_path)
    index = root / "site" / "search" / "search_index.json"
    data = json.loads(index.read_text(encoding="utf-8"))
    data["docs"] = [d for d in data["docs"] if not d["location"].startswith("payments.html")]
    index.write_text(json.dumps(data), encoding="utf-8")
    found = [f for f in billing.target.verify(billing.spec, root) if f.rule == "DOC005"]
    assert len(found) == 1 and "payments.html" in found[0].message


def test_a_missing_stub_target_is_not_run_for_its_tabs(
    billing: Built, monkeypatch: pytest.MonkeyPatch
) -> None:
    from specloom.targets.docs import api

    monkeypatch.setattr(
        api, "LANGUAGES", [*api.LANGUAGES[:1], ("Rust", "rust", "specloom.targets.nothing_here")]
    )
    findings = billing.target.verify(billing.spec, billing.root)
    (doc006,) = [f for f in findings if f.rule == "DOC006"]
    assert is_not_run(doc006) and "Rust" in doc006.message
    assert [f for f in findings if f.severity is Severity.ERROR] == []


def test_missing_mkdocs_is_a_skipped_warning(
    workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(mkdocs_build, "mkdocs_available", lambda: False)
    target = DocsTarget(BuildContext(workspace=workspace, output_dir=tmp_path, cache_dir=tmp_path))
    findings = target.build_artifact(workspace.specs["common"], tmp_path)
    findings += target.verify(workspace.specs["common"], tmp_path)
    doc001 = [f for f in findings if f.rule == "DOC001"]
    assert doc001 and doc001[0].severity is Severity.WARNING
    assert is_not_run(doc001[0])  # the build report counts it as not run, never as passed
    assert not any(f.rule in {"DOC002", "DOC003", "DOC004"} for f in findings)


def test_turned_off_site_build_is_off_not_passed(workspace: Workspace, tmp_path: Path) -> None:
    ctx = BuildContext(workspace=workspace, output_dir=tmp_path, cache_dir=tmp_path)
    target = DocsTarget(ctx, DocsConfig(build_site=False))
    (doc001,) = [
        f for f in target.verify(workspace.specs["common"], tmp_path) if f.rule == "DOC001"
    ]
    assert is_off(doc001) and not is_not_run(doc001)


# -- hostile text ----------------------------------------------------------------------------

HOSTILE = """---
spec: evil
title: Hostile <script>alert("title")</script> "spec"
version: 0.1.0
---

# Evil <img src=x onerror=alert(1)> spec {#evil}

The service MUST escape <script>alert("body")</script> text[^ev1]. An <!-- unclosed comment
SHOULD stay visible, and **unbalanced emphasis MAY stay too[^ev2]. A [link](javascript:alert(1))
MUST NOT run, nor <a href="javascript:alert(2)">this</a>, nor a comment end */ here[^ev3].

<div onclick="alert(3)">div block</div>

<script>
alert("block");
</script>

[ref]: javascript:alert(7)

See [the ref][ref] and <iframe src="https://example.com"></iframe>.

~~~xml
<user>
<script>alert("transcript")</script>
</user>
<assistant> <!-- BAD: runs <b>html</b> -->
<img src=x onerror=alert(4)> and &lt;img src=x onerror=alert(8)&gt;
</assistant>
~~~

```js
console.log("</code><script>alert(5)</script>");
```

```specloom
operations:
  run_it:
    doc: "Runs <script>alert(9)</script>, [x](javascript:alert(10)), */ and {braces}."
    clauses: [ev1, ev3]
    params:
      input: string
    returns: string
```

## Unclosed fence {#unclosed}

```python
print("never closed")
"""


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Built:
    base = tmp_path_factory.mktemp("hostile")
    spec_dir = base / "specs" / "evil"
    (spec_dir / "examples").mkdir(parents=True)
    (spec_dir / "spec.md").write_text(HOSTILE)
    (spec_dir / "examples" / "ev1.md").write_text(
        "**Example**: evil <script>alert(6)</script>\n\n~~~xml\n<user>\n"
        "<style>body{display:none}</style>\n</user>\n~~~\n"
    )
    return build(load_workspace(base / "specs"), "evil", base / "output")


def test_hostile_text_never_becomes_live_html(hostile: Built) -> None:
    assert hostile.errors() == []
    theme_scripts = 0
    for page in sorted(hostile.site.rglob("*.html")):
        for tag, a in elements(page.read_text(encoding="utf-8")).tags:
            inside = a["_in_article"] == "1"
            assert not (inside and tag in ("script", "iframe", "style", "img")), (page, tag)
            assert not any(k.startswith("on") for k in a), (page, tag, a)
            for key in ("href", "src"):
                assert not a.get(key, "").lower().startswith("javascript:"), (page, a)
            if tag == "script" and not inside:
                src = a.get("src", "")
                assert not src or "assets/javascripts/" in src or "specloom.js" in src, src
                theme_scripts += 1
    assert theme_scripts > 0  # the theme's own scripts are still there
    for page in sorted(hostile.site.rglob("*.html")):
        raw = page.read_text(encoding="utf-8")
        assert "<script>alert" not in raw and "<style>body" not in raw, page


def test_hostile_titles_in_the_workspace_index(hostile: Built, tmp_path: Path) -> None:
    ws = Workspace(root="x", specs={"evil": hostile.spec}, order=["evil"])
    page = write_workspace_index(ws, tmp_path).read_text()
    assert "<script>" not in page and "&lt;script&gt;" in page


def test_hostile_text_is_shown_as_text(hostile: Built) -> None:
    text = "".join(elements(hostile.page("index.html")).text)
    assert '<script>alert("body")</script>' in text
    assert "<!-- unclosed comment" in text
    assert '<script>alert("transcript")</script>' in text
    assert "<img src=x onerror=alert(8)>" in text  # an XML entity in a message: text again
    assert "*/" in text
    # Every clause still has its one anchor after the unbalanced markup.
    assert not [f for f in hostile.findings if f.rule == "DOC002"]


# -- the real Model Spec ---------------------------------------------------------------------


@pytest.fixture(scope="session")
def model_spec_site(model_spec_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Built:
    ws = load_workspace(model_spec_dir)
    (spec_id,) = ws.specs
    return build(ws, spec_id, tmp_path_factory.mktemp("model_spec") / "output")


@pytest.mark.slow
def test_model_spec_site_builds_clean(model_spec_site: Built) -> None:
    assert model_spec_site.errors() == []


@pytest.mark.slow
def test_model_spec_has_its_80_heading_anchors(
    model_spec_site: Built, model_spec_dir: Path
) -> None:
    import re

    source = (model_spec_dir / "model_spec.md").read_text(encoding="utf-8")
    heading_ids = []
    in_fence = False
    for line in source.splitlines():
        if line.startswith(("```", "~~~")):
            in_fence = not in_fence
        m = re.match(r"^#{1,6} .*\{#([^\s}]+)", line)
        if m and not in_fence:
            heading_ids.append(m.group(1))
    assert len(heading_ids) == 80
    counts = docs_gates.scan_site(model_spec_site.site).id_counts()
    assert {i: counts[i] for i in heading_ids} == {i: 1 for i in heading_ids}
    # Top-level sections are pages of their own.
    assert (model_spec_site.site / "chain_of_command.html").is_file()


@pytest.mark.slow
def test_model_spec_cross_references_resolve(model_spec_site: Built) -> None:
    assert not [f for f in model_spec_site.findings if f.rule == "DOC003"]
    page = elements(model_spec_site.page("overview.html"))
    hrefs = {a.get("href") for t, a in page.tags if t == "a"}
    assert "chain_of_command.html#chain_of_command" in hrefs
    # `[?](#ignore_untrusted_data)` is auto-titled with the section's heading.
    text = "".join(elements(model_spec_site.page("chain_of_command.html")).text)
    assert "Ignore untrusted data by default" in text


@pytest.mark.slow
def test_model_spec_example_pages(model_spec_site: Built, model_spec_dir: Path) -> None:
    spec = model_spec_site.spec
    files = {p.stem for p in (model_spec_dir / "examples").glob("*.md")}
    inline = [e for e in spec.examples if e.source == "inline"]
    sections = {e.clause for e in inline}
    assert (len(files), len(inline), len(sections)) == (114, 183, 58)
    pages = sorted(p.stem for p in (model_spec_site.site / "examples").glob("*.html"))
    pages.remove("index")
    assert pages == sorted(files | sections)  # one page per clause with any example
    # Every example (inline and file) is on its clause's page, under its own heading.
    headings = 0
    for name in pages:
        tags = elements(model_spec_site.page(f"examples/{name}.html")).tags
        headings += sum(a.get("id", "").startswith("sl-example-") for _, a in tags)
    assert headings == len(spec.examples) == 183 + 272
    # A section whose examples are inline links to its page, which shows the transcripts.
    section = elements(model_spec_site.page("chain_of_command.html"))
    assert any(
        a.get("href") == "examples/follow_all_applicable_instructions.html"
        for t, a in section.tags
        if t == "a"
    )
    page = elements(model_spec_site.page("examples/follow_all_applicable_instructions.html"))
    assert any("sl-transcript" in a.get("class", "") for _, a in page.tags)
    # An eval-tagged sentence links to its examples page and carries the anchor.
    page = elements(model_spec_site.page("chain_of_command.html"))
    assert any(t == "span" and a.get("id") == "m12p" for t, a in page.tags)
    assert any(t == "a" and a.get("href") == "examples/m12p.html" for t, a in page.tags)


# -- odd but valid input, and bad input ------------------------------------------------------


def test_clause_before_the_first_heading_is_anchored_on_the_home_page(
    repo_root: Path, tmp_path: Path
) -> None:
    ws = load_workspace(repo_root / "tests" / "fixtures" / "specs" / "no_front_matter")
    built = build(ws, ws.order[0], tmp_path)
    assert built.errors() == []
    page = elements(built.page("index.html"))
    assert any(t == "span" and a.get("id") == "pre1" for t, a in page.tags)


def test_repeated_section_id_is_a_gate_error_not_a_crash(repo_root: Path, tmp_path: Path) -> None:
    ws = load_workspace(repo_root / "tests" / "check" / "fixtures" / "bad")
    built = build(ws, "shop", tmp_path)
    # two anchors, and the second one off the page the plan gives the id
    assert {(f.rule, f.clause) for f in built.errors()} == {("DOC002", "orders")}


# -- the LLM overview (fake OpenAI server over real HTTP) -------------------------------------


def _llm_docs(ws: Workspace, tmp_path: Path, fake_openai: Any) -> DocsTarget:
    ctx = BuildContext(
        workspace=ws,
        output_dir=tmp_path / "out",
        cache_dir=tmp_path / "cache",
        backend="openai",
        settings={"llm": {"base_url": fake_openai.base_url}},
    )
    return DocsTarget(ctx, DocsConfig(tutorial=False, build_site=False))


def test_llm_overview_is_used_when_it_passes_its_gate(
    workspace: Workspace, tmp_path: Path, fake_openai: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    target = _llm_docs(workspace, tmp_path, fake_openai)
    text = "Billing turns orders into invoices and records payments against them."
    fake_openai.script(fake_openai.ok({"paragraphs": [text], "clauses": ["bil1", "bil11"]}))
    files = {f.path: f.data.decode() for f in target.generate(workspace.specs["billing"])}
    home = files["docs/index.md"]
    assert text in home and "## Overview {#sl-overview}" in home
    assert "[bil11](payments.md#bil11)" in home
    assert "written by a language model" in home


def test_bad_llm_overview_falls_back_to_the_template(
    workspace: Workspace, tmp_path: Path, fake_openai: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    target = _llm_docs(workspace, tmp_path, fake_openai)
    bad = {"paragraphs": ["<script>alert(1)</script> see [x](#bil1)"], "clauses": ["nope"]}
    fake_openai.script(*[fake_openai.ok(bad)] * 3)
    files = {f.path: f.data.decode() for f in target.generate(workspace.specs["billing"])}
    assert "sl-overview" not in files["docs/index.md"]
    feedback = fake_openai.chat_requests()[1].body["messages"][-1]["content"]
    assert "Markdown or HTML" in feedback and "unknown clause ids" in feedback
    findings = target.verify(workspace.specs["billing"], tmp_path / "missing")
    assert any(f.rule == "LLM001" and f.severity is Severity.WARNING for f in findings)


@pytest.mark.slow
def test_model_spec_transcript_messages_are_markdown(model_spec_site: Built) -> None:
    page = model_spec_site.page("best_work.html")
    assert "sl-msg-body" in page
    text = "".join(elements(page).text)
    # `&lt;` inside the XML transcript is `<` in the code block, as on the Model Spec site.
    assert "if value < min_value:" in text and "&lt;" not in text


# -- property: no spec text becomes live HTML (Python-Markdown with the site's extensions) ----

_PIECES = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<!--",
    "-->",
    "`",
    "``",
    "```",
    "~~~",
    "[",
    "]",
    "(",
    ")",
    "[x](javascript:alert(1))",
    "[y]: javascript:alert(2)",
    "[y]",
    "<a href='javascript:alert(3)'>a</a>",
    "<iframe src=//x>",
    "**",
    "_",
    "\n",
    "\n\n",
    "    ",
    "!!! note",
    "&lt;script&gt;",
    "<style>",
    "*/",
    "{#id}",
    "[^s1]",
    "[?](#s1)",
    "<div markdown=1>",
    "</div>",
    "<svg onload=alert(4)>",
    "data:text/html,<script>",
    "word",
    "\n~~~xml\n<user>\n<img src=x onerror=alert(5)>\n</user>\n~~~\n",
    "\n~~~xml\n<assistant> <!-- BAD: <b>x</b> -->\n&lt;svg onload=alert(6)&gt; </div>\n"
    "</assistant>\n~~~\n",
    "<user>",
    "</user>",
    "\\`",
    "\\",
    "    ```\n",
    "  ```\n",
    "- item\n  ```\n",
    "1. x\n",
    "> ",
    "`` a ` b ",
    "<https://example.com/`x>",
    "[l](https://example.com/`y)",
    "\t```\n",
    "```js`\n",
]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_PIECES), max_size=25))
def test_rendered_spec_text_is_never_live_html(pieces: list[str]) -> None:
    import markdown
    from specloom.targets.docs.markup import Renderer
    from specloom.targets.docs.plan import plan_site

    from specloom.model import Clause, Level, Section, SourcePos

    pos = SourcePos(file="spec.md", line=1)
    body = "".join(pieces)
    spec = Spec(
        id="p",
        title="P",
        path="spec.md",
        hash="0",
        sections=[Section(id="s", explicit_id=True, title="S", depth=1, body=body, pos=pos)],
        clauses=[
            Clause(
                id="s1",
                kind="statement",
                title="t",
                text="t",
                level=Level.MUST,
                section="s",
                pos=pos,
            )
        ],
    )
    page = Renderer(spec, plan_site(spec), None, "s.md").body(body)
    html = markdown.markdown(
        page, extensions=["md_in_html", "pymdownx.superfences", "attr_list", "admonition", "tables"]
    )
    scan = scan_html(f'<article class="md-content__inner">{html}</article>')
    assert scan.live == [] and scan.scripts == [], (body, html)


def test_fence_in_a_list_item_stays_in_the_item() -> None:
    import markdown
    from specloom.targets.docs.markup import Renderer
    from specloom.targets.docs.plan import plan_site

    from specloom.model import Section, SourcePos

    body = "1. **Install**:\n   with pip:\n   ```bash\n   pip install x\n   ```\n2. **Use** it\n"
    pos = SourcePos(file="spec.md", line=1)
    spec = Spec(
        id="p",
        title="P",
        path="spec.md",
        hash="0",
        sections=[Section(id="s", explicit_id=True, title="S", depth=1, body=body, pos=pos)],
    )
    page = Renderer(spec, plan_site(spec), None, "s.md").body(body)
    html = markdown.markdown(page, extensions=["md_in_html", "pymdownx.superfences"])
    assert html.count("<ol>") == 1 and html.count("<li>") == 2
    first, second = html.index("<li>"), html.rindex("<li>")
    assert first < html.index('class="highlight"') < second  # the code sits in item 1


def test_a_site_scan_is_reused_only_for_the_same_bytes(tmp_path: Path) -> None:
    """The gates, the coverage and the grader read one site three times per build: the scan
    is kept by the pages' bytes, so a page changed in between (same size, same mtime) is
    parsed again and its change is seen."""
    import os

    site = tmp_path / "site"
    site.mkdir()
    page = site / "index.html"
    article = '<article class="md-content__inner md-typeset"><p id="{}">x</p></article>'
    page.write_text(article.format("aaa1"), encoding="utf-8")
    first = docs_gates.scan_site(site)
    assert docs_gates.scan_site(site) is first  # unchanged bytes: the same scan
    st = page.stat()
    page.write_text(article.format("bbb2"), encoding="utf-8")  # same length
    os.utime(page, ns=(st.st_atime_ns, st.st_mtime_ns))
    second = docs_gates.scan_site(site)
    assert second is not first
    assert set(second.id_counts()) == {"bbb2"}
    assert set(first.id_counts()) == {"aaa1"}
