"""The offline report: every notebook executed and written as one static HTML page.

>>> from rbclab.report import build_report
>>> result = build_report("build/report")                       # doctest: +SKIP
>>> [page.path.name for page in result.pages]                   # doctest: +SKIP

The report folder holds ``index.html`` (title, one line on each notebook, the data
version and the SHA-256 checksum of every data file), one ``NN_name.html`` page per
notebook, and ``assets/`` with the only two files the pages load: the Vega bundle
(:func:`rbclab.charts.write_assets`) and one shared style sheet. Nothing is loaded from
any other host, so the folder opens from ``file://`` or any static server, offline.

Charts keep their Altair selections and bound parameters (they are drawn by Vega in
the page). An ipywidgets explorer needs a running kernel: in the report it is replaced
by a note pointing to JupyterLab or the dashboard.

Notebooks are found by the pattern ``notebooks/[0-9][0-9]_*.ipynb`` and executed in
order with nbclient. nbconvert and nbclient are imported when a report is built, not
when this module is imported.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from .package import DESCRIPTOR, default_path

#: Notebooks that make up the collection (and the report), in name order.
NOTEBOOK_PATTERN = "[0-9][0-9]_*.ipynb"
#: Folder beside the pages that holds every file they load.
ASSETS = "assets"
#: The one style sheet every page links.
CSS_FILE = "rbclab-notebook.css"
#: nbconvert template shipped inside the package (``templates/rbclab_report``).
TEMPLATE = "rbclab_report"
TEMPLATES = Path(__file__).resolve().parent / "templates"
#: Size limit of one page, in bytes.
MAX_PAGE_BYTES = 2_000_000
#: What a widget output becomes in the static page.
WIDGET_NOTE = (
    "Interactive explorer: open this notebook in JupyterLab (make lab) "
    "or the dashboard (make dashboard) to use it."
)
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"

ROOT = Path(__file__).resolve().parents[2]

_EXTRA_CSS = """
/* from nbconvert's lab template, which inlines it in every page */
* { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
a.anchor-link { display: none; }
.jp-InputArea, .jp-InputArea-editor { overflow: hidden; }
.cm-editor.cm-s-jupyter .highlight pre { padding: var(--jp-code-padding) 4px; margin: 0;
  font-family: inherit; font-size: inherit; line-height: inherit; color: inherit; }
.jp-OutputArea-output pre { line-height: inherit; font-family: inherit; }
.jp-RenderedText pre { color: var(--jp-content-font-color1); font-size: var(--jp-code-font-size); }
.jp-Collapser { display: none; }
@page { margin: 0.5in; }
@media print { .jp-Cell-inputWrapper, .jp-Cell-outputWrapper { display: block; } }

/* rbc-lab report */
body { margin: 0 auto; max-width: 1100px; padding: 0 16px 32px; }
.rbclab-nav, .rbclab-footer { font-family: var(--jp-ui-font-family, sans-serif); font-size: 13px; padding: 12px 0; color: #555; }
.rbclab-nav a { color: #0072B2; }
.rbclab-widget-note { border-left: 4px solid #E69F00; background: #fff8e6; padding: 8px 12px; margin: 4px 0;
  font-family: var(--jp-ui-font-family, sans-serif); font-size: 13px; }
.rbclab-chart { min-height: 20px; }
.rbclab-chart .vega-bindings { font-family: var(--jp-ui-font-family, sans-serif); font-size: 13px; }
"""


@dataclass
class Page:
    """One notebook of the report."""

    notebook: Path
    path: Path
    title: str
    summary: str
    seconds: float = 0.0
    charts: int = 0
    widgets: int = 0

    @property
    def bytes(self) -> int:
        return self.path.stat().st_size


@dataclass
class DataFile:
    path: str
    sha256: str
    bytes: int


@dataclass
class ReportResult:
    """What :func:`build_report` wrote."""

    out: Path
    index: Path
    pages: list[Page]
    data_version: str
    data_files: list[DataFile]
    seconds: float
    assets: list[Path] = field(default_factory=list)

    def oversized(self) -> list[Page]:
        return [p for p in self.pages if p.bytes > MAX_PAGE_BYTES]


# ---------------------------------------------------------------------------
# Finding and describing notebooks


def discover_notebooks(folder: str | Path | None = None) -> list[Path]:
    """The collection's notebooks, ``[0-9][0-9]_*.ipynb`` in ``folder``, in name order."""
    folder = Path(folder) if folder is not None else ROOT / "notebooks"
    return sorted(folder.glob(NOTEBOOK_PATTERN))


def _markdown_text(text: str) -> str:
    """Markdown reduced to plain text for a one-line summary."""
    text = re.sub(r"<[^>]*>", "", text)
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"[*_`]+", "", text)
    return " ".join(text.split())


def describe_notebook(nb) -> tuple[str, str]:
    """(title, one-line summary) of a notebook: its ``#`` heading and first sentence of prose."""
    title, summary = "", ""
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        for block in re.split(r"\n\s*\n", cell.source):
            lines = block.strip().splitlines()
            while lines and lines[0].lstrip().startswith("#"):
                heading = lines.pop(0).strip()
                if heading.startswith("# ") and not title:
                    title = _markdown_text(heading[2:])
            if not lines or not title or lines[0].lstrip().startswith(("|", "```", "- ", "* ", ">", "<")):
                continue
            text = _markdown_text(" ".join(lines))
            if text:
                summary = re.split(r"(?<=[.!?])\s", text, maxsplit=1)[0]
                break
        if title and summary:
            break
    if len(summary) > 240:
        summary = summary[:239].rstrip() + "…"
    return title, summary


# ---------------------------------------------------------------------------
# Data version and checksums


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def data_version(data: str | Path | None = None) -> str:
    """``version`` of datapackage.json, else ``git describe`` of the checkout, else rbclab's version."""
    folder = Path(data) if data is not None else default_path()
    try:
        version = json.loads((folder / DESCRIPTOR).read_text(encoding="utf-8")).get("version")
    except (OSError, ValueError):
        version = None
    if version:
        return str(version)
    try:
        out = subprocess.run(
            ["git", "describe", "--always", "--dirty", "--tags"],
            cwd=folder, capture_output=True, text=True, timeout=10, check=True,
        ).stdout.strip()
        if out:
            return f"git {out}"
    except (OSError, subprocess.SubprocessError):
        pass
    from . import __version__  # noqa: PLC0415 - only for this fallback

    return f"rbclab {__version__}"


def data_checksums(data: str | Path | None = None) -> list[DataFile]:
    """SHA-256 of datapackage.json and of every file its resources name."""
    folder = Path(data) if data is not None else default_path()
    descriptor = json.loads((folder / DESCRIPTOR).read_text(encoding="utf-8"))
    names = [DESCRIPTOR]
    for resource in descriptor.get("resources", []):
        paths = resource.get("path", [])
        for name in [paths] if isinstance(paths, str) else paths:
            if name not in names and "://" not in name:
                names.append(name)
    found = []
    for name in names:
        path = folder / name
        if path.is_file():
            found.append(DataFile(name, _sha256(path), path.stat().st_size))
    return found


# ---------------------------------------------------------------------------
# Executing and converting


def execute_notebook(path: str | Path, data: str | Path | None = None, timeout: int = 600):
    """Run a notebook in its own folder (see :func:`rbclab.nbtools.execute`); return it executed."""
    from .nbtools import execute

    return execute(path, timeout=timeout, data=data)[0]


def staticize(nb) -> tuple[int, int]:
    """Make an executed notebook fit for a page without a kernel; return (charts, widgets).

    The saved widget state (which would carry the whole chart JavaScript) is dropped. An
    output that has both a widget view and ``text/html`` (an rbclab chart) keeps the HTML;
    a widget alone (an explorer) becomes a short note.
    """
    nb.metadata.pop("widgets", None)
    charts = widgets = 0
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data")
            if not data or WIDGET_VIEW not in data:
                if data and "rbclab-chart" in str(data.get("text/html", "")):
                    charts += 1
                continue
            del data[WIDGET_VIEW]
            if "text/html" in data:
                charts += "rbclab-chart" in str(data["text/html"])
                continue
            widgets += 1
            data.clear()
            data["text/html"] = f'<div class="rbclab-widget-note" role="note">{html.escape(WIDGET_NOTE)}</div>'
            data["text/plain"] = WIDGET_NOTE
    return charts, widgets


def _exporter():
    from nbconvert import HTMLExporter  # noqa: PLC0415 - heavy, only when a report is built

    return HTMLExporter(
        template_name=TEMPLATE,
        extra_template_basedirs=[str(TEMPLATES)],
        exclude_anchor_links=False,
    )


def notebook_css(exporter=None) -> str:
    """The one style sheet of the report: JupyterLab's light theme, code colours, ours."""
    import nbformat  # noqa: PLC0415

    exporter = exporter or _exporter()
    _, resources = exporter.from_notebook_node(nbformat.v4.new_notebook())
    parts = []
    for name in ("static/index.css", "static/theme-light.css"):
        for base in exporter.template_paths:
            candidate = Path(base) / name
            if candidate.is_file():
                parts.append(candidate.read_text(encoding="utf-8"))
                break
        else:
            raise FileNotFoundError(f"nbconvert's lab template has no {name}")
    parts.extend(resources.get("inlining", {}).get("css", []))
    parts.append(_EXTRA_CSS)
    return "\n".join(parts)


def export_page(nb, name: str, footer: str = "", exporter=None) -> str:
    """HTML of an executed, staticized notebook with the report template."""
    exporter = exporter or _exporter()
    resources = {
        "metadata": {"name": name},
        "rbclab_assets": f"{ASSETS}/",
        "rbclab_css": CSS_FILE,
        "rbclab_footer": footer,
    }
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    return body


# ---------------------------------------------------------------------------
# The index page


def _e(text) -> str:
    return html.escape(str(text), quote=True)


def render_index(pages: list[Page], version: str, files: list[DataFile], data_title: str = "", data_description: str = "") -> str:
    """HTML of index.html; every data-derived string is escaped."""
    items = "\n".join(
        f'  <li><a href="{_e(p.path.name)}">{_e(p.title or p.notebook.stem)}</a>'
        f'<span class="summary">{(" - " + _e(p.summary)) if p.summary else ""}</span></li>'
        for p in pages
    )
    rows = "\n".join(
        f"    <tr><td><code>{_e(f.path)}</code></td><td class=\"num\">{f.bytes:,}</td>"
        f"<td><code class=\"sha\">{_e(f.sha256)}</code></td></tr>"
        for f in files
    )
    about = f"<p class=\"data-title\">{_e(data_title)}</p>\n" if data_title else ""
    if data_description:
        about += f"<p class=\"data-description\">{_e(data_description)}</p>\n"
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<meta name="referrer" content="no-referrer">
<title>rbc-lab report</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 960px; margin: 0 auto; padding: 16px; color: #222; line-height: 1.5; }}
h1 {{ font-size: 1.6em; }} a {{ color: #0072B2; }} li {{ margin: 6px 0; }}
.summary {{ color: #444; }} table {{ border-collapse: collapse; font-size: 13px; }}
td, th {{ border-bottom: 1px solid #e6e6e6; padding: 4px 8px; text-align: left; }}
.num {{ text-align: right; }} .sha {{ font-size: 11px; word-break: break-all; }}
</style>
</head>
<body>
<h1>rbc-lab: how companies are held to account for surveillance products</h1>
<p>An offline report of the rbc-lab notebooks: each page was executed from the data below.
Charts are interactive (selections, sliders, tooltips) and need no network.
Explorers built with widgets need a kernel: open them in JupyterLab or the dashboard.</p>
<h2>Notebooks</h2>
<ol class="notebooks">
{items}
</ol>
<h2>Data</h2>
{about}<p>Data version: <strong class="data-version">{_e(version)}</strong></p>
<table class="checksums">
  <thead><tr><th>File</th><th>Bytes</th><th>SHA-256</th></tr></thead>
  <tbody>
{rows}
  </tbody>
</table>
</body>
</html>
"""


# ---------------------------------------------------------------------------
# The whole report


def build_report(
    out: str | Path = "build/report",
    notebooks: str | Path | list[Path] | None = None,
    data: str | Path | None = None,
    timeout: int = 600,
    log=None,
) -> ReportResult:
    """Execute every notebook and write the report folder; return what was written.

    ``notebooks`` is a folder (searched with :data:`NOTEBOOK_PATTERN`) or a list of files;
    ``data`` a data package folder (default: the bundled one), used by the notebooks and
    for the version and checksums on the index page.
    """
    from . import charts  # noqa: PLC0415 - imports Altair

    start = time.perf_counter()
    log = log or (lambda message: None)
    out = Path(out)
    paths = [Path(p) for p in notebooks] if isinstance(notebooks, list | tuple) else discover_notebooks(notebooks)
    if not paths:
        raise FileNotFoundError(f"no notebooks matching {NOTEBOOK_PATTERN} in {notebooks or ROOT / 'notebooks'}")
    data_dir = Path(data) if data is not None else default_path()
    version = data_version(data_dir)
    files = data_checksums(data_dir)
    try:
        descriptor = json.loads((data_dir / DESCRIPTOR).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        descriptor = {}

    if out.exists():
        for old in [*out.glob("*.html"), out / ASSETS]:
            shutil.rmtree(old) if old.is_dir() else old.unlink()
    assets = out / ASSETS
    assets.mkdir(parents=True, exist_ok=True)
    exporter = _exporter()
    written = [charts.write_assets(assets)]
    css = assets / CSS_FILE
    css.write_text(notebook_css(exporter), encoding="utf-8")
    written.append(css)

    footer = f"Data version {version}. Built offline by rbclab report."
    pages = []
    for nb_path in paths:
        t0 = time.perf_counter()
        nb = execute_notebook(nb_path, data=data, timeout=timeout)
        title, summary = describe_notebook(nb)
        n_charts, n_widgets = staticize(nb)
        if title:
            nb.metadata["title"] = title
        target = out / f"{nb_path.stem}.html"
        target.write_text(export_page(nb, nb_path.stem, footer=footer, exporter=exporter), encoding="utf-8")
        page = Page(nb_path, target, title, summary, time.perf_counter() - t0, n_charts, n_widgets)
        pages.append(page)
        log(f"  {target}  {page.bytes / 1000:7.1f} kB  {page.charts} chart(s), {page.widgets} explorer(s)  ({page.seconds:.1f} s)")

    index = out / "index.html"
    index.write_text(
        render_index(pages, version, files, str(descriptor.get("title", "")), str(descriptor.get("description", ""))),
        encoding="utf-8",
    )
    return ReportResult(out, index, pages, version, files, time.perf_counter() - start, written)
