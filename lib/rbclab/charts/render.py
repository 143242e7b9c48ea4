"""The render and export machinery of the charts: theme, offline renderer, SVG/PNG export.

Importing it changes nothing global.  :func:`setup` (which notebooks call once, as
``rl.charts.setup()``) enables two things, here and nowhere else:

* the ``rbclab`` theme: one font size, a colour-blind-safe palette (Okabe & Ito),
  titles on every chart;
* the ``rbclab`` renderer. Each chart is displayed as a mimebundle with two views:

  - a JupyterChart widget (anywidget) whose JavaScript comes from vl-convert, so
    JupyterLab and Voila draw it offline and keep its selections and parameters;
  - a ``text/html`` fallback for pages without a kernel (nbconvert, the report). It
    embeds the spec as escaped JSON and draws it with ``vegaEmbed`` from one local
    script, ``assets/rbclab-vega.js`` beside the page (see :func:`write_assets`).
    A page may set ``window.RBCLAB_ASSETS`` to point elsewhere.

Every chart can be exported with :func:`save` (``.svg``, ``.png``, ``.json``).
"""

from __future__ import annotations

import html
import json
import uuid
from pathlib import Path

import altair as alt

#: Okabe & Ito's palette, distinguishable with the common colour-vision deficiencies.
PALETTE = [
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermillion
    "#F0E442",  # yellow
    "#000000",  # black
    "#999999",  # grey
    "#DDDDDD",  # light grey
    "#882255",  # wine (Tol's muted scheme), for an eleventh category
]
#: Vega-Lite version the specs and the bundled JavaScript agree on.
VL_VERSION = alt.SCHEMA_VERSION.lstrip("v").rsplit(".", 1)[0]  # "6.4"
#: File name of the one script (Vega, Vega-Lite, vega-embed) a static page needs.
VEGA_BUNDLE = "rbclab-vega.js"
THEME = RENDERER = "rbclab"


@alt.theme.register(THEME, enable=False)
def _theme() -> alt.theme.ThemeConfig:
    return {
        "config": {
            "font": "sans-serif",
            "view": {"continuousWidth": 480, "continuousHeight": 300, "stroke": None},
            "range": {"category": PALETTE},
            "title": {"fontSize": 15, "anchor": "start", "subtitleColor": "#555555"},
            "axis": {"labelFontSize": 12, "titleFontSize": 12, "gridColor": "#e6e6e6"},
            "legend": {"labelFontSize": 12, "titleFontSize": 12},
            "mark": {"color": PALETTE[0]},
        }
    }


def _json_for_script(spec: dict) -> str:
    """JSON that cannot end a ``<script>`` element or open a comment inside it."""
    text = json.dumps(spec, separators=(",", ":"), allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


_LOADER = """(function () {
  var id = %(id)s, base = window.RBCLAB_ASSETS || "assets/";
  function draw() {
    var el = document.getElementById(id);
    var spec = JSON.parse(document.getElementById(id + "-spec").textContent);
    vegaEmbed(el, spec, {actions: false, renderer: "svg"}).catch(function (err) {
      el.textContent = "This chart could not be drawn: " + err;
    });
  }
  if (window.vegaEmbed) { draw(); return; }
  var queue = window.__rbclabVegaQueue;
  if (queue) { queue.push(draw); return; }
  queue = window.__rbclabVegaQueue = [draw];
  var s = document.createElement("script");
  s.src = base + %(bundle)s;
  s.onload = function () { queue.forEach(function (f) { f(); }); };
  s.onerror = function () {
    document.getElementById(id).textContent = "Chart script not found: " + s.src;
  };
  document.head.appendChild(s);
})();"""


def static_html(spec: dict) -> str:
    """HTML that draws ``spec`` with the local Vega bundle; the spec is escaped JSON."""
    chart_id = f"rbclab-chart-{uuid.uuid4().hex[:12]}"
    label = spec.get("description") or _title_text(spec) or "Chart"
    return (
        f'<div class="rbclab-chart" id="{chart_id}" role="figure" '
        f'aria-label="{html.escape(str(label), quote=True)}"></div>\n'
        f'<script type="application/json" id="{chart_id}-spec">{_json_for_script(spec)}</script>\n'
        f"<script>{_LOADER % {'id': json.dumps(chart_id), 'bundle': json.dumps(VEGA_BUNDLE)}}</script>"
    )


def _title_text(spec: dict) -> str:
    title = spec.get("title")
    if isinstance(title, dict):
        title = title.get("text")
    if isinstance(title, list):
        title = " ".join(map(str, title))
    return str(title) if title else ""


def cache_dir() -> Path:
    """Where the chart widget's offline JavaScript is kept between kernels.

    ``$RBCLAB_CACHE`` if set, else ``$XDG_CACHE_HOME/rbclab`` or ``~/.cache/rbclab``.
    """
    import os

    if os.environ.get("RBCLAB_CACHE"):
        return Path(os.environ["RBCLAB_CACHE"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "rbclab"


#: Altair major versions whose private JupyterChart attributes (``_esm``, ``_is_offline``)
#: :func:`_enable_offline_widget` relies on; with another version it uses only the public API.
PRIVATE_API_ALTAIR = ("6",)


def _enable_offline_widget() -> None:
    """Give JupyterChart its offline JavaScript, building it (about 1.3 s) once per version.

    Altair builds the bundle with vl-convert in every new kernel; the result depends only on
    the Altair, vl-convert and Vega-Lite versions, so it is kept on disk under those names.
    This is the one place that touches Altair's private attributes, and only for the Altair
    versions of :data:`PRIVATE_API_ALTAIR`; otherwise it calls the public ``enable_offline``.
    """
    from altair.jupyter.jupyter_chart import JupyterChart

    private_ok = alt.__version__.split(".")[0] in PRIVATE_API_ALTAIR and hasattr(JupyterChart, "_esm")
    if not private_ok:
        JupyterChart.enable_offline(True)
        return
    if getattr(JupyterChart, "_is_offline", False):
        return
    import vl_convert as vlc

    vlc_version = getattr(vlc, "__version__", "unknown")
    path = cache_dir() / f"jupyterchart-altair{alt.__version__}-vlc{vlc_version}-vl{VL_VERSION}.js"
    if path.is_file():
        JupyterChart._esm = path.read_text(encoding="utf-8")
        JupyterChart._is_offline = True
        return
    JupyterChart.enable_offline(True)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{uuid.uuid4().hex[:8]}.tmp")
        tmp.write_text(JupyterChart._esm, encoding="utf-8")
        tmp.replace(path)  # atomic: a kernel starting meanwhile never reads half a file
    except OSError:
        pass  # a read-only home only costs the rebuild next time


def _renderer(spec: dict, **metadata):
    from altair.vegalite.v6.display import jupyter_renderer

    _enable_offline_widget()
    data, meta = jupyter_renderer(spec, offline=True, **metadata)
    data["text/html"] = static_html(spec)
    return data, meta


alt.renderers.register(RENDERER, _renderer)


def setup() -> None:
    """Enable the rbclab theme and the offline renderer for the charts drawn from now on.

    Notebooks call it once after the imports.  Importing :mod:`rbclab.charts` alone changes
    neither ``alt.theme.active`` nor ``alt.renderers.active``.
    """
    alt.theme.enable(THEME)
    alt.renderers.enable(RENDERER)


def enable_offline_widget() -> None:
    """Make JupyterChart widgets draw with offline JavaScript (used by the live explorers)."""
    _enable_offline_widget()


def write_assets(directory: str | Path) -> Path:
    """Write the Vega/Vega-Lite/vega-embed bundle the static charts load; return its path."""
    import vl_convert as vlc

    target = Path(directory) / VEGA_BUNDLE
    target.parent.mkdir(parents=True, exist_ok=True)
    bundle = vlc.javascript_bundle(vl_version=VL_VERSION)  # type: ignore[call-arg]  # snippet is optional
    target.write_text(bundle, encoding="utf-8")
    return target


def to_svg(chart: alt.TopLevelMixin) -> str:
    """The chart drawn as SVG text, offline (vl-convert)."""
    import vl_convert as vlc

    return vlc.vegalite_to_svg(chart.to_dict(), vl_version=VL_VERSION)


def to_png(chart: alt.TopLevelMixin, scale: float = 2.0) -> bytes:
    """The chart drawn as PNG bytes, offline (vl-convert); ``scale`` 2 suits slides."""
    import vl_convert as vlc

    return vlc.vegalite_to_png(chart.to_dict(), vl_version=VL_VERSION, scale=scale)


def save(chart: alt.TopLevelMixin, path: str | Path, scale: float = 2.0) -> Path:
    """Export a chart for a paper or slides; the suffix picks ``.svg``, ``.png`` or ``.json``."""
    path = Path(path)
    suffix = path.suffix.lower()
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".svg":
        path.write_text(to_svg(chart), encoding="utf-8")
    elif suffix == ".png":
        path.write_bytes(to_png(chart, scale=scale))
    elif suffix == ".json":
        path.write_text(json.dumps(chart.to_dict(), indent=2), encoding="utf-8")
    else:
        raise ValueError(f"cannot export a chart to {path.name!r}: use .svg, .png or .json")
    return path
