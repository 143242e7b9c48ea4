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

Notebooks are found by :func:`rbclab.collection.discover_notebooks` and executed in order
with nbclient; each page's title and summary come from the notebook's metadata.
nbconvert and nbclient are imported when a report is built, not
when this module is imported.
"""

from __future__ import annotations

import html
import json
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from .collection import NOTEBOOK_PATTERN, describe_notebook, discover_notebooks
from .datatools import DataFile, data_checksums, data_version
from .read import DESCRIPTOR, default_path

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
    "Interactive explorer: open this notebook in JupyterLab (make lab) or the dashboard (make dashboard) to use it."
)
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


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
    from nbconvert import HTMLExporter

    return HTMLExporter(
        template_name=TEMPLATE,
        extra_template_basedirs=[str(TEMPLATES)],
        exclude_anchor_links=False,
    )


def notebook_css(exporter=None) -> str:
    """The one style sheet of the report: JupyterLab's light theme, code colours, ours."""
    import nbformat

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
    parts.append((TEMPLATES / TEMPLATE / "extra.css").read_text(encoding="utf-8"))
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


def render_index(
    pages: list[Page], version: str, files: list[DataFile], data_title: str = "", data_description: str = ""
) -> str:
    """HTML of index.html, from ``templates/rbclab_report/report_index.html.j2`` (autoescaped)."""
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES / TEMPLATE), autoescape=True)
    template = env.get_template("report_index.html.j2")
    return template.render(
        pages=pages, version=version, files=files, data_title=data_title, data_description=data_description
    )


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
    from . import charts

    start = time.perf_counter()
    log = log or (lambda message: None)
    out = Path(out)
    paths = [Path(p) for p in notebooks] if isinstance(notebooks, list | tuple) else discover_notebooks(notebooks)
    if not paths:
        raise FileNotFoundError(f"no notebooks matching {NOTEBOOK_PATTERN} in {notebooks or Path.cwd() / 'notebooks'}")
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
        log(
            f"  {target}  {page.bytes / 1000:7.1f} kB  {page.charts} chart(s), {page.widgets} explorer(s)"
            f"  ({page.seconds:.1f} s)"
        )

    index = out / "index.html"
    index.write_text(
        render_index(pages, version, files, str(descriptor.get("title", "")), str(descriptor.get("description", ""))),
        encoding="utf-8",
    )
    return ReportResult(out, index, pages, version, files, time.perf_counter() - start, written)
