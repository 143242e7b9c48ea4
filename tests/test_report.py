"""The offline report, checked as files: pages, index, assets, and that nothing points off the machine."""

import hashlib
import html
import json
import re
from html.parser import HTMLParser
from importlib import resources
from pathlib import Path

import nbformat
import pytest

from rbclab import report as rr
from support import FIXTURE_NOTEBOOKS, PAYLOAD, ROOT

#: Attributes through which a page makes the browser load something.
LOADING = {
    ("script", "src"),
    ("link", "href"),
    ("img", "src"),
    ("img", "srcset"),
    ("iframe", "src"),
    ("source", "src"),
    ("source", "srcset"),
    ("video", "src"),
    ("audio", "src"),
    ("embed", "src"),
    ("object", "data"),
    ("input", "src"),
    ("track", "src"),
    ("video", "poster"),
}
CDN_WORDS = (
    "cdn",
    "unpkg",
    "jsdelivr",
    "cdnjs",
    "googleapis",
    "require.js",
    "require.min.js",
    "mathjax",
    "@jupyter-widgets/html-manager",
)


class _Loads(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if (tag, name) in LOADING and value:
                self.urls.append(value)


def loaded_urls(page: Path) -> list[str]:
    parser = _Loads()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.urls


def is_local(url: str) -> bool:
    return not re.match(r"^([a-z][a-z0-9+.-]*:|//)", url, re.I) or url.startswith("data:")


def test_discover_notebooks_uses_the_pattern(tmp_path):
    for name in [
        "01_a.ipynb",
        "10_b.ipynb",
        "00_start.ipynb",
        "1_short.ipynb",
        "ab_c.ipynb",
        "02-dash.ipynb",
        "03_c.txt",
    ]:
        (tmp_path / name).write_text("{}")
    assert [p.name for p in rr.discover_notebooks(tmp_path)] == ["00_start.ipynb", "01_a.ipynb", "10_b.ipynb"]
    # the default is notebooks/ under the current folder, never a path inside the installed package
    assert rr.discover_notebooks() == sorted((Path.cwd() / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def test_describe_notebook_reads_the_metadata():
    nb = nbformat.read(ROOT / "notebooks" / "00_start_here.ipynb", as_version=4)
    title, summary = rr.describe_notebook(nb)
    assert title == "Start here: what rbc-lab holds and how it was sourced"
    assert summary.startswith("This collection studies how companies") and summary.endswith(".")
    nb = nbformat.v4.new_notebook(metadata={"rbclab": {"title": "A title", "summary": "See the data."}})
    assert rr.describe_notebook(nb) == ("A title", "See the data.")
    # Markdown is never parsed for it: without metadata there is no title
    assert rr.describe_notebook(nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Heading")])) == (
        "",
        "",
    )


@pytest.mark.parametrize(
    "path",
    sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")) + sorted(FIXTURE_NOTEBOOKS.glob("*.ipynb")),
    ids=lambda p: p.stem,
)
def test_every_notebook_has_a_title_and_summary(path):
    title, summary = rr.describe_notebook(path)
    assert title and summary.endswith(".") and len(summary) <= 240
    first = nbformat.read(path, as_version=4).cells[0].source
    assert first.startswith(f"# {title}"), "the metadata title is the notebook's heading"


def test_staticize_keeps_chart_html_and_replaces_explorers():
    nb = nbformat.v4.new_notebook(metadata={"widgets": {"state": {}}})
    view = {"model_id": "abc", "version_major": 2, "version_minor": 0}
    nb.cells = [
        nbformat.v4.new_code_cell(
            outputs=[
                nbformat.v4.new_output(
                    "display_data",
                    data={rr.WIDGET_VIEW: view, "text/html": '<div class="rbclab-chart"></div>', "text/plain": "chart"},
                ),
                nbformat.v4.new_output("display_data", data={rr.WIDGET_VIEW: view, "text/plain": "VBox()"}),
            ]
        )
    ]
    assert rr.staticize(nb) == (1, 1)
    chart, explorer = nb.cells[0].outputs
    assert "widgets" not in nb.metadata
    assert set(chart.data) == {"text/html", "text/plain"}
    assert rr.WIDGET_NOTE in explorer.data["text/html"] and rr.WIDGET_VIEW not in explorer.data


def test_template_ships_inside_the_package():
    template = resources.files("rbclab") / "templates" / rr.TEMPLATE
    assert (template / "index.html.j2").is_file() and (template / "conf.json").is_file()
    assert (template / "report_index.html.j2").is_file() and (template / "extra.css").is_file()
    assert "lab/index.html.j2" in (template / "index.html.j2").read_text()


def test_data_version_and_checksums(pkg):
    assert rr.data_version(pkg) == json.loads((pkg / "datapackage.json").read_text())["version"]
    descriptor = json.loads((pkg / "datapackage.json").read_text())
    del descriptor["version"]
    (pkg / "datapackage.json").write_text(json.dumps(descriptor))
    assert rr.data_version(pkg) == "unversioned"
    files = {f.path: f for f in rr.data_checksums(pkg)}
    assert set(files) == {"datapackage.json", *(r["path"] for r in descriptor["resources"])}
    for name, f in files.items():
        assert f.sha256 == hashlib.sha256((pkg / name).read_bytes()).hexdigest()


@pytest.mark.slow
def test_index_lists_every_notebook_with_data_version_and_checksums(built_report):
    index = (built_report / "index.html").read_text(encoding="utf-8")
    expected = rr.discover_notebooks() + rr.discover_notebooks(FIXTURE_NOTEBOOKS)
    for nb_path in expected:
        assert f'href="{nb_path.stem}.html"' in index
        assert (built_report / f"{nb_path.stem}.html").is_file()
        title, summary = rr.describe_notebook(nbformat.read(nb_path, as_version=4))
        assert title in html.unescape(index) and summary in html.unescape(index)
    assert f'<strong class="data-version">{rr.data_version()}</strong>' in index
    for f in rr.data_checksums():
        assert f.sha256 in index


@pytest.mark.slow
def test_pages_are_small_and_share_one_copy_of_the_assets(built_report):
    assets = sorted(p.name for p in (built_report / rr.ASSETS).iterdir())
    assert assets == sorted([rr.CSS_FILE, "rbclab-vega.js"])
    bundle = (built_report / rr.ASSETS / "rbclab-vega.js").read_text(encoding="utf-8")
    assert len(bundle) > 500_000
    for page in built_report.glob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert page.stat().st_size <= rr.MAX_PAGE_BYTES, page.name
        assert bundle[1000:1200] not in text, f"{page.name} inlines the Vega bundle"
        assert "application/vnd.jupyter.widget-state+json" not in text, page.name
    for page in built_report.glob("[0-9][0-9]_*.html"):
        head = page.read_text(encoding="utf-8").split("</head>")[0]
        assert "<style" not in head, f"{page.name} inlines CSS instead of linking {rr.CSS_FILE}"


@pytest.mark.slow
def test_no_page_loads_anything_from_another_host(built_report):
    pages = sorted(built_report.glob("*.html"))
    assert len(pages) >= 3
    for page in pages:
        urls = loaded_urls(page)
        assert [u for u in urls if not is_local(u)] == [], page.name
        lowered = page.read_text(encoding="utf-8").lower()
        for word in CDN_WORDS:
            assert word not in lowered, f"{page.name} mentions {word}"
    css = (built_report / rr.ASSETS / rr.CSS_FILE).read_text(encoding="utf-8")
    assert "@import" not in css
    assert all(u.startswith("data:") for u in re.findall(r"url\(\s*['\"]?([^'\")]+)", css))


@pytest.mark.slow
def test_notebook_pages_link_the_shared_assets(built_report):
    for page in built_report.glob("[0-9][0-9]_*.html"):
        urls = loaded_urls(page)
        assert f"{rr.ASSETS}/{rr.CSS_FILE}" in urls
    fixture = (built_report / "90_fixture_explorer.html").read_text(encoding="utf-8")
    assert fixture.count('class="rbclab-chart"') == 1
    assert rr.WIDGET_NOTE in fixture


class _PayloadElements(HTMLParser):
    """Elements with an event-handler attribute that runs the payload's marker: what the
    payload's <img onerror> and <svg onload> become if they are not escaped. (Escaped, the
    same characters are inert text, which a substring search cannot tell apart.)"""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name.startswith("on") and "__rbclabPwned" in (value or ""):
                self.found.append(f"<{tag} {name}>")


def payload_elements(text: str) -> list[str]:
    parser = _PayloadElements()
    parser.feed(text)
    return parser.found


def test_payload_detector_catches_unescaped_markup():
    assert payload_elements(f"<p>{PAYLOAD}</p>")
    import html

    assert payload_elements(f"<p>{html.escape(PAYLOAD)}</p>") == []


@pytest.mark.slow
def test_payload_is_escaped_in_the_report_files(payload_report):
    index = (payload_report / "index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;window.__rbclabPwned" in index
    assert PAYLOAD not in index
    for page in payload_report.glob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "<script>window.__rbclabPwned" not in text, page.name
        assert payload_elements(text) == [], page.name


def test_importing_the_report_module_is_light():
    import subprocess
    import sys

    heavy = ("altair", "nbconvert", "nbclient", "voila", "playwright")
    code = f"import sys, rbclab.report; print(sorted(m for m in {heavy!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "[]"
