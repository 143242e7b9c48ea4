"""Altair charts with one look, drawn without any network.

:mod:`.render` holds the machinery (theme, offline renderer, export); :mod:`.builders` the
chart builders.  Importing this package changes no global Altair setting: call
:func:`setup` to enable the theme and the offline renderer.

>>> import altair as alt
>>> before = (alt.theme.active, alt.renderers.active)
>>> import rbclab.charts
>>> (alt.theme.active, alt.renderers.active) == before
True
"""

from __future__ import annotations

from .builders import (
    ACTOR_COLOURS,
    OUTCOME_COLOURS,
    acceptance_rates,
    case_timeline,
    city_map,
    city_ranking,
    duration_distribution,
    figure_claims,
    incident_map,
    incident_timeline,
    incident_uses,
    outcome_explorer,
    outcome_shares,
    redraw_outcome_shares,
    sanctions_timeline,
    share_intervals,
    stage_durations,
    survival_curves,
    vendor_links,
)
from .render import (
    PALETTE,
    RENDERER,
    THEME,
    VEGA_BUNDLE,
    VL_VERSION,
    alt,
    cache_dir,
    enable_offline_widget,
    save,
    setup,
    static_html,
    to_png,
    to_svg,
    write_assets,
)

__all__ = [
    "ACTOR_COLOURS",
    "OUTCOME_COLOURS",
    "PALETTE",
    "RENDERER",
    "THEME",
    "VEGA_BUNDLE",
    "VL_VERSION",
    "acceptance_rates",
    "alt",
    "cache_dir",
    "case_timeline",
    "city_map",
    "city_ranking",
    "duration_distribution",
    "enable_offline_widget",
    "figure_claims",
    "incident_map",
    "incident_timeline",
    "incident_uses",
    "outcome_explorer",
    "outcome_shares",
    "redraw_outcome_shares",
    "sanctions_timeline",
    "save",
    "setup",
    "share_intervals",
    "stage_durations",
    "static_html",
    "survival_curves",
    "to_png",
    "to_svg",
    "vendor_links",
    "write_assets",
]
