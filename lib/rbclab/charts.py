"""Altair charts with one look, drawn without any network.

Importing this module sets up two things, here and nowhere else:

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
]
#: Vega-Lite version the specs and the bundled JavaScript agree on.
VL_VERSION = alt.SCHEMA_VERSION.lstrip("v").rsplit(".", 1)[0]  # "6.4"
#: File name of the one script (Vega, Vega-Lite, vega-embed) a static page needs.
VEGA_BUNDLE = "rbclab-vega.js"
THEME = RENDERER = "rbclab"


@alt.theme.register(THEME, enable=True)
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


def _renderer(spec: dict, **metadata):
    from altair.vegalite.v6.display import jupyter_renderer

    data, meta = jupyter_renderer(spec, offline=True, **metadata)
    data["text/html"] = static_html(spec)
    return data, meta


alt.renderers.register(RENDERER, _renderer)
alt.renderers.enable(RENDERER)


def write_assets(directory: str | Path) -> Path:
    """Write the Vega/Vega-Lite/vega-embed bundle the static charts load; return its path."""
    import vl_convert as vlc

    target = Path(directory) / VEGA_BUNDLE
    target.parent.mkdir(parents=True, exist_ok=True)
    bundle = vlc.javascript_bundle(vl_version=VL_VERSION)
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
